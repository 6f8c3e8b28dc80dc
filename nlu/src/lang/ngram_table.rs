//! A compact, read-only table of character n-gram log-probabilities for several languages.
//!
//! Layout (all little endian), chosen so that one hash lookup yields the values of every language
//! that shares the n-gram's script, with no empty slots to pay for:
//!
//! ```text
//! magic "KMKNGR01", f32 quantisation step, u32 table count, then per table:
//!   u8 script, u8 language count, that many language codes (2 ASCII bytes each),
//!   u32 bucket bits, u32 entry count,
//!   u32 bucket offsets [2^bits + 1], u16 fingerprints [entries], u8 values [entries * languages]
//! ```
//!
//! An entry lives in the bucket named by the top `bits` of its 64-bit hash and is told apart from its
//! neighbours by a 16-bit fingerprint. A value byte `q` means log-probability `-q * step`;
//! [`MISSING`] means the language has no such n-gram.

use super::script::Script;
use crate::NluError;

pub const MAGIC: &[u8; 8] = b"KMKNGR01";
pub const MISSING: u8 = u8::MAX;

/// 64-bit hash of an n-gram given as chars; the same function builds and reads the table.
#[derive(Clone, Copy)]
pub struct NgramHasher(u64);

impl NgramHasher {
    pub fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
    #[inline]
    pub fn push(&mut self, c: char) {
        // FNV-1a over the code point; the finaliser below spreads the bits.
        self.0 = (self.0 ^ c as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    /// Mixes in a whole 64-bit value (e.g. the hash of a word, for word n-grams).
    #[inline]
    pub fn push_u64(&mut self, v: u64) {
        self.0 = (self.0 ^ v).wrapping_mul(0x0000_0100_0000_01b3);
    }
    #[inline]
    pub fn finish(self) -> u64 {
        let mut z = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl Default for NgramHasher {
    fn default() -> Self {
        Self::new()
    }
}

pub fn hash_str(s: &str) -> u64 {
    let mut h = NgramHasher::new();
    s.chars().for_each(|c| h.push(c));
    h.finish()
}

#[inline]
pub fn fingerprint(hash: u64) -> u16 {
    (hash & 0xffff) as u16
}

/// One script's table.
pub struct ScriptTable {
    pub script: Script,
    /// ISO 639-1 codes, in the order of each entry's values.
    pub languages: Vec<String>,
    bits: u32,
    offsets: Vec<u32>,
    fingerprints: Vec<u16>,
    values: Vec<u8>,
}

impl ScriptTable {
    /// The per-language values of the n-gram with this hash, if any language has it.
    #[inline]
    pub fn get(&self, hash: u64) -> Option<&[u8]> {
        let bucket = (hash >> (64 - self.bits)) as usize;
        let (start, end) = (self.offsets[bucket] as usize, self.offsets[bucket + 1] as usize);
        let fp = fingerprint(hash);
        let n = self.languages.len();
        self.fingerprints[start..end]
            .iter()
            .position(|&f| f == fp)
            .map(|i| &self.values[(start + i) * n..(start + i + 1) * n])
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}

pub struct NgramTables {
    pub step: f32,
    pub tables: Vec<ScriptTable>,
}

impl NgramTables {
    pub fn table(&self, script: Script) -> Option<&ScriptTable> {
        self.tables.iter().find(|t| t.script == script)
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, NluError> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err(NluError::Model("language n-gram table: bad magic".into()));
        }
        let step = f32::from_le_bytes(r.array()?);
        let count = r.u32()?;
        let mut tables = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let script = Script::from_id(r.take(1)?[0])
                .ok_or_else(|| NluError::Model("language n-gram table: unknown script".into()))?;
            let nlang = r.take(1)?[0] as usize;
            let mut languages = Vec::with_capacity(nlang);
            for _ in 0..nlang {
                languages.push(String::from_utf8_lossy(r.take(2)?).into_owned());
            }
            let bits = r.u32()?;
            let entries = r.u32()? as usize;
            if !(1..=32).contains(&bits) {
                return Err(NluError::Model("language n-gram table: bad bucket bits".into()));
            }
            let offsets: Vec<u32> = r
                .take(((1usize << bits) + 1) * 4)?
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
                .collect();
            let fingerprints: Vec<u16> = r
                .take(entries * 2)?
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes(c.try_into().unwrap()))
                .collect();
            let values = r.take(entries * nlang)?.to_vec();
            if offsets.windows(2).any(|w| w[0] > w[1]) || *offsets.last().unwrap() as usize != entries {
                return Err(NluError::Model("language n-gram table: bad offsets".into()));
            }
            tables.push(ScriptTable { script, languages, bits, offsets, fingerprints, values });
        }
        Ok(Self { step, tables })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], NluError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| NluError::Model("language n-gram table: truncated".into()))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], NluError> {
        Ok(self.take(N)?.try_into().unwrap())
    }
    fn u32(&mut self) -> Result<u32, NluError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
}

/// Builds the serialised form from `(ngram hash, values per language)` entries of one script.
pub struct TableWriter {
    pub out: Vec<u8>,
    count: u32,
}

impl TableWriter {
    pub fn new(step: f32) -> Self {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&step.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        Self { out, count: 0 }
    }

    /// `entries` must have distinct hashes; each value slice has one byte per language.
    pub fn add_table(&mut self, script: Script, languages: &[&str], mut entries: Vec<(u64, Vec<u8>)>) {
        let bits = (entries.len().max(4) / 4).next_power_of_two().trailing_zeros().max(1);
        entries.sort_by_key(|(h, _)| *h);
        self.out.push(script.id());
        self.out.push(languages.len() as u8);
        for l in languages {
            self.out.extend_from_slice(&l.as_bytes()[..2]);
        }
        self.out.extend_from_slice(&bits.to_le_bytes());
        self.out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        let mut offsets = vec![0u32; (1usize << bits) + 1];
        for (h, _) in &entries {
            offsets[(h >> (64 - bits)) as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        offsets.iter().for_each(|o| self.out.extend_from_slice(&o.to_le_bytes()));
        entries.iter().for_each(|(h, _)| self.out.extend_from_slice(&fingerprint(*h).to_le_bytes()));
        entries.iter().for_each(|(_, v)| self.out.extend_from_slice(v));
        self.count += 1;
        self.out[12..16].copy_from_slice(&self.count.to_le_bytes());
    }
}
