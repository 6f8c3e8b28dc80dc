//! Abuse limits per client address — anonymous sessions, customer messages, logins — with global
//! bounds. The address is the peer's, or, behind a proxy, the last entry of a configured trusted
//! header (`KOMEK_TRUSTED_PROXY_HEADER`, off by default: a header anyone can set is no address).
//! IPv6 addresses count per /64, which one subscriber usually holds whole.
//!
//! Logins are limited per (address, username) first, so strangers failing an agent's username from
//! their own addresses cannot lock the agent out; per address, so one client cannot spray names;
//! and per username over all addresses with a much larger budget, the global bound.

use std::net::IpAddr;

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
        self.login_pair.allow(&format!("{address}|{username}")) && self.login_address.allow(&address) && self.login_user.allow(username)
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
    fn ipv6_counts_per_64() {
        assert_eq!(key("2001:db8:1:2:aaaa::1".parse().unwrap()), key("2001:db8:1:2:bbbb::2".parse().unwrap()));
        assert_eq!(key("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1");
    }
}
