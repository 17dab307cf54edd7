//! Calendar dates (`YYYY-MM-DD`, proleptic Gregorian) for the assessment:
//! report ages, the `--as-of` date. No time zones: a date is a day.
//!
//! Parsing is strict (four-digit year, two-digit month and day, a real day of
//! that month, leap years counted). Adding months keeps the day of the month
//! and falls back to the month's last day when it has fewer days
//! (2024-02-29 + 12 months = 2025-02-28).

use std::fmt;

use serde::Serialize;

/// One calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Is `year` a leap year in the Gregorian calendar?
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month (1-12) of a year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// A date, if it exists (years 1 to 9999).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1-12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1-31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parse `YYYY-MM-DD` strictly.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date: write YYYY-MM-DD, such as `2026-12-01`");
        let b = s.as_bytes();
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        {
            return Err(bad());
        }
        let year: i32 = s[0..4].parse().map_err(|_| bad())?;
        let month: u8 = s[5..7].parse().map_err(|_| bad())?;
        let day: u8 = s[8..10].parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` is not a date: there is no month {month}"));
        }
        if year < 1 {
            return Err(format!("`{s}` is not a date: years start at 0001"));
        }
        Date::new(year, month, day).ok_or_else(|| {
            format!(
                "`{s}` is not a date: {} {year} has {} days",
                MONTHS[usize::from(month) - 1],
                days_in_month(year, month)
            )
        })
    }

    /// This date moved by `n` calendar months (negative: back); the day is
    /// kept, or clamped to the last day of a shorter month. Saturates at the
    /// ends of the supported range.
    pub fn add_months(self, n: i32) -> Date {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(n);
        let index = index.clamp(12, 9999 * 12 + 11);
        let year = (index / 12) as i32;
        let month = (index % 12) as u8 + 1;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if it is in the supported range.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days.
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, month, day)
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let days = i64::try_from(secs / 86_400).unwrap_or(0);
        Date::from_days_since_epoch(days).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_strictly() {
        assert_eq!(d("2026-12-01").to_string(), "2026-12-01");
        assert_eq!(d("2024-02-29").day(), 29);
        for bad in [
            "2026-1-01",
            "2026/12/01",
            "26-12-01",
            "2026-12-01 ",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2025-02-29",
            "1900-02-29",
            "0000-01-01",
            "２026-01-01",
            "",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert!(Date::parse("2000-02-29").is_ok());
        assert_eq!(
            Date::parse("2025-02-29").unwrap_err(),
            "`2025-02-29` is not a date: February 2025 has 28 days"
        );
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        assert_eq!(d("2025-12-01").add_months(12), d("2026-12-01"));
        assert_eq!(d("2024-02-29").add_months(12), d("2025-02-28"));
        assert_eq!(d("2026-01-31").add_months(1), d("2026-02-28"));
        assert_eq!(d("2026-03-31").add_months(-1), d("2026-02-28"));
        assert_eq!(d("2026-12-01").add_months(-12), d("2025-12-01"));
        assert_eq!(d("2026-05-15").add_months(-17), d("2024-12-15"));
    }

    #[test]
    fn epoch_days_round_trip() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        for n in [-700_000, -1, 0, 1, 59, 60, 365, 10_957, 20_000, 2_000_000] {
            let date = Date::from_days_since_epoch(n).unwrap();
            assert_eq!(date.days_since_epoch(), n, "{date}");
        }
        assert_eq!(Date::from_days_since_epoch(-800_000), None);
        assert!(Date::today() > d("2020-01-01"));
    }
}
