//! Time as the service stores it: unix milliseconds (portable across SQLite and PostgreSQL through
//! `sqlx::Any`), with chrono for the calendar.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Datelike, SecondsFormat, Utc};

pub const DAY_MS: i64 = 86_400_000;

/// Milliseconds since the unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// A calendar date (proleptic Gregorian, UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CivilDate {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

/// The instant, clamped to chrono's range (dates far outside it cannot be told apart anyway).
fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(if ms < 0 { DateTime::<Utc>::MIN_UTC } else { DateTime::<Utc>::MAX_UTC })
}

/// The UTC date of a unix-ms instant.
pub fn civil_date(ms: i64) -> CivilDate {
    let d = utc(ms);
    CivilDate { year: i64::from(d.year()), month: d.month(), day: d.day() }
}

/// RFC 3339 in UTC with milliseconds, e.g. `2026-11-27T12:30:00.123Z`.
pub fn rfc3339(ms: i64) -> String {
    utc(ms).to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_known_instants() {
        assert_eq!(civil_date(0), CivilDate { year: 1970, month: 1, day: 1 });
        // 2024-02-29T23:59:59.999Z, a leap day.
        assert_eq!(civil_date(1_709_251_199_999), CivilDate { year: 2024, month: 2, day: 29 });
        assert_eq!(rfc3339(1_709_251_199_999), "2024-02-29T23:59:59.999Z");
        assert_eq!(rfc3339(1_795_782_600_000), "2026-11-27T12:30:00.000Z");
        assert!(rfc3339(i64::MAX).starts_with('+'), "clamped, not a panic");
    }
}
