//! Argon2id verification with bounded memory: at most one verification per core runs at a time,
//! each in a reused block buffer (19 MiB with the default parameters), so memory stays at
//! cores × 19 MiB whatever arrives — known usernames or not — and is not left to the allocator.
//! Waiting requests are bounded too: beyond [`MAX_WAITING`] the caller is told to come back.

use std::sync::{Mutex, OnceLock};

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::error::BotError;

/// Verifications that may wait for a core before callers are turned away.
const MAX_WAITING: usize = 64;
/// The most Argon2 memory one stored hash may ask for (64 MiB): a hash with absurd parameters
/// fails instead of taking the machine's memory.
const MAX_BLOCKS: usize = 64 * 1024;

struct Verifier {
    running: Semaphore,
    waiting: Semaphore,
    buffers: Mutex<Vec<Vec<Block>>>,
}

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Verifier { running: Semaphore::new(cores), waiting: Semaphore::new(MAX_WAITING + cores), buffers: Mutex::new(Vec::new()) }
    })
}

/// Whether `password` matches the PHC string `hash`; [`BotError::Busy`] when too many wait.
pub async fn verify(password: String, hash: String) -> Result<bool, BotError> {
    let v = verifier();
    let _queued = v.waiting.try_acquire().map_err(|_| BotError::Busy)?;
    let _running = v.running.acquire().await.map_err(|_| BotError::Busy)?;
    let mut blocks = v.buffers.lock().expect("argon2 buffers").pop().unwrap_or_default();
    // Argon2 takes tens of milliseconds of CPU: off the I/O threads.
    let (ok, blocks) = tokio::task::spawn_blocking(move || {
        let ok = verify_in(&password, &hash, &mut blocks);
        (ok, blocks)
    })
    .await?;
    v.buffers.lock().expect("argon2 buffers").push(blocks);
    Ok(ok)
}

/// The verification itself, in `blocks` (grown to the hash's memory cost if needed).
pub fn verify_in(password: &str, hash: &str, blocks: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else { return false };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let n = params.block_count();
    if n > MAX_BLOCKS {
        return false;
    }
    if blocks.len() < n {
        blocks.resize(n, Block::default());
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else { return false };
    let mut out = vec![0u8; expected.len()];
    if Argon2::new(algorithm, version, params).hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut blocks[..n]).is_err() {
        return false;
    }
    // Compared in time independent of where they differ.
    out.len() == expected.as_bytes().len() && out.iter().zip(expected.as_bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}
