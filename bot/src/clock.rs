//! Time as the service stores it (unix milliseconds) and the calendar arithmetic it needs, without a
//! date-time dependency.

use std::time::{SystemTime, UNIX_EPOCH};

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

/// The UTC date of a unix-ms instant (Howard Hinnant's days-to-civil algorithm).
pub fn civil_date(ms: i64) -> CivilDate {
    let days = ms.div_euclid(DAY_MS);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    CivilDate { year, month, day }
}

/// RFC 3339 in UTC with milliseconds, e.g. `2026-11-27T12:30:00.123Z`.
pub fn rfc3339(ms: i64) -> String {
    let d = civil_date(ms);
    let in_day = ms.rem_euclid(DAY_MS);
    let (h, m, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    format!("{:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z", d.year, d.month, d.day)
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
    }
}
