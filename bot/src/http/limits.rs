//! Abuse limits per client address — anonymous sessions, customer messages, logins — with global
//! bounds. The address is the peer's, or, behind a proxy, the last entry of a configured trusted
//! header (`KOMEK_TRUSTED_PROXY_HEADER`, off by default: a header anyone can set is no address).
//! IPv6 addresses count per /64, which one subscriber usually holds whole.
//!
//! Logins are limited per (address, username) first, so strangers failing an agent's username from
//! their own addresses cannot lock the agent out; per address, so one client cannot spray names;
//! and per username over all addresses with a much larger budget, the global bound. An address the
//! agent has logged in from before does not draw on that global budget, so strangers spending it
//! from many addresses cannot keep the agent out of their usual ones.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::chat::rate::RateLimiter;

/// Logins per (address, username): a burst, then one every six seconds.
const LOGIN_PAIR_BURST: u32 = 10;
const LOGIN_PAIR_PER_SECOND: f64 = 1.0 / 6.0;
/// Logins per address, whatever the username.
const LOGIN_ADDRESS_BURST: u32 = 30;
const LOGIN_ADDRESS_PER_SECOND: f64 = 0.5;
/// Logins per username over all addresses.
const LOGIN_USER_BURST: u32 = 100;
const LOGIN_USER_PER_SECOND: f64 = 1.0;
/// How long an address an agent logged in from stays known.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 86_400);
/// (address, username) pairs remembered; beyond it, expired ones go, then all.
const MAX_KNOWN: usize = 100_000;
/// Anonymous sessions per address, and overall.
const SESSIONS_BURST: u32 = 60;
const SESSIONS_PER_SECOND: f64 = 0.5;
const SESSIONS_GLOBAL_BURST: u32 = 2000;
const SESSIONS_GLOBAL_PER_SECOND: f64 = 100.0;
/// Customer messages per address (the per-session limit is configured: `KOMEK_RATE_*`).
const MESSAGES_BURST: u32 = 200;
const MESSAGES_PER_SECOND: f64 = 20.0;

pub struct Limits {
    login_pair: RateLimiter,
    login_address: RateLimiter,
    login_user: RateLimiter,
    sessions: RateLimiter,
    sessions_global: RateLimiter,
    messages: RateLimiter,
    /// "address|username" → the last successful login from there.
    known: Mutex<HashMap<String, Instant>>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            login_pair: RateLimiter::new(LOGIN_PAIR_BURST, LOGIN_PAIR_PER_SECOND),
            login_address: RateLimiter::new(LOGIN_ADDRESS_BURST, LOGIN_ADDRESS_PER_SECOND),
            login_user: RateLimiter::new(LOGIN_USER_BURST, LOGIN_USER_PER_SECOND),
            sessions: RateLimiter::new(SESSIONS_BURST, SESSIONS_PER_SECOND),
            sessions_global: RateLimiter::new(SESSIONS_GLOBAL_BURST, SESSIONS_GLOBAL_PER_SECOND),
            messages: RateLimiter::new(MESSAGES_BURST, MESSAGES_PER_SECOND),
            known: Mutex::new(HashMap::new()),
        }
    }
}

/// Seconds a client over a login limit should wait.
pub const LOGIN_RETRY_SECONDS: u64 = 6;
/// Seconds a client over the session limit should wait.
pub const SESSION_RETRY_SECONDS: u64 = 2;

impl Limits {
    /// A login attempt for `username` (normalised) from `address`. Checked in order and stopped at
    /// the first refusal, so a refused pair does not spend the username's global budget.
    pub fn login(&self, address: IpAddr, username: &str) -> bool {
        let address = key(address);
        let pair = format!("{address}|{username}");
        if !self.login_pair.allow(&pair) || !self.login_address.allow(&address) {
            return false;
        }
        self.is_known(&pair) || self.login_user.allow(username)
    }

    /// A successful login: the address becomes one the agent is known to use.
    pub fn logged_in(&self, address: IpAddr, username: &str) {
        let now = Instant::now();
        let mut known = self.known.lock().expect("known lock");
        if known.len() >= MAX_KNOWN {
            known.retain(|_, at| now.duration_since(*at) < KNOWN_FOR);
            if known.len() >= MAX_KNOWN {
                known.clear();
            }
        }
        known.insert(format!("{}|{username}", key(address)), now);
    }

    fn is_known(&self, pair: &str) -> bool {
        self.known.lock().expect("known lock").get(pair).is_some_and(|at| at.elapsed() < KNOWN_FOR)
    }

    /// A new anonymous session from `address`.
    pub fn session(&self, address: IpAddr) -> bool {
        self.sessions.allow(&key(address)) && self.sessions_global.allow("")
    }

    /// A customer message from `address`.
    pub fn message(&self, address: IpAddr) -> bool {
        self.messages.allow(&key(address))
    }
}

/// An address as a limiter key: IPv4 whole, IPv6 by its /64.
pub fn client_key(address: IpAddr) -> String {
    key(address)
}

fn key(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stranger_cannot_lock_out_an_agent() {
        let limits = Limits::default();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let agent: IpAddr = "198.51.100.7".parse().unwrap();
        let tries = (0..50).filter(|_| limits.login(stranger, "aigerim")).count();
        assert_eq!(tries, LOGIN_PAIR_BURST as usize, "the stranger is stopped");
        assert!(limits.login(agent, "aigerim"), "the agent from their own address is not");
    }

    #[test]
    fn strangers_on_many_addresses_cannot_keep_an_agent_out_of_a_known_address() {
        let limits = Limits::default();
        let office: IpAddr = "198.51.100.7".parse().unwrap();
        assert!(limits.login(office, "aigerim"));
        limits.logged_in(office, "aigerim");
        // Twenty addresses spend the username's budget over all addresses.
        let spent: usize = (0..20u8)
            .map(|i| IpAddr::from([203, 0, 113, i]))
            .map(|a| (0..LOGIN_PAIR_BURST).filter(|_| limits.login(a, "aigerim")).count())
            .sum();
        assert!(spent < 20 * LOGIN_PAIR_BURST as usize, "the global bound stopped them: {spent}");
        assert!(!limits.login("192.0.2.50".parse().unwrap(), "aigerim"), "a new address waits");
        assert!(limits.login(office, "aigerim"), "the agent's own address does not");
    }

    #[test]
    fn ipv6_counts_per_64() {
        assert_eq!(key("2001:db8:1:2:aaaa::1".parse().unwrap()), key("2001:db8:1:2:bbbb::2".parse().unwrap()));
        assert_eq!(key("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1");
    }
}
