//! Time as integer milliseconds since the Unix epoch, UTC: the one representation both databases
//! store and compare the same way.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    pub const fn plus_millis(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }
}

/// Where "now" comes from. Use cases take a clock so tests can move time forward.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// A calendar day (proleptic Gregorian), as a date of birth is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A valid calendar date, or `None`.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`, as an HTML date input sends it.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?;
        let month = parts.next()?;
        let day = parts.next()?;
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    }

    /// Its first moment, 00:00 UTC (days-from-civil, after H. Hinnant).
    pub fn start(self) -> Timestamp {
        let (y, m) = (i64::from(self.year), i64::from(self.month));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Timestamp(days * 86_400_000)
    }

    /// Whole years from `self` to `on`: the age of someone born on `self`.
    pub fn years_until(self, on: Date) -> i32 {
        let had_birthday = (on.month, on.day) >= (self.month, self.day);
        on.year - self.year - i32::from(!had_birthday)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A calendar month, as reports count by (in UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u8,
}

impl Month {
    /// The month a moment falls in.
    pub fn of(at: Timestamp) -> Month {
        let date = at.utc_date();
        Month {
            year: date.year,
            month: date.month,
        }
    }

    /// Its first moment: the first day at 00:00 UTC.
    pub fn start(self) -> Timestamp {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
        .start()
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                month: self.month + 1,
                ..self
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                month: self.month - 1,
                ..self
            }
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Timestamp {
    /// The UTC calendar day of this moment (days-from-civil inverted, after H. Hinnant).
    pub fn utc_date(self) -> Date {
        let days = self.0.div_euclid(86_400_000);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_start_on_the_first_at_midnight_utc_and_follow_each_other() {
        let march_2024 = Month {
            year: 2024,
            month: 3,
        };
        assert_eq!(march_2024.start().millis(), 1_709_251_200_000);
        assert_eq!(
            Month::of(Timestamp::from_millis(1_709_251_199_999)).month,
            2
        );
        assert_eq!(Month::of(march_2024.start()), march_2024);
        let december = Month {
            year: 2025,
            month: 12,
        };
        assert_eq!(december.next().to_string(), "2026-01");
        assert_eq!(december.next().previous(), december);
        assert_eq!(
            Month {
                year: 1970,
                month: 1
            }
            .start()
            .millis(),
            0
        );
    }

    #[test]
    fn converts_moments_to_utc_dates() {
        assert_eq!(
            Timestamp::from_millis(0).utc_date(),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        // 2024-02-29T23:59:59.999Z
        assert_eq!(
            Timestamp::from_millis(1_709_251_199_999).utc_date(),
            Date {
                year: 2024,
                month: 2,
                day: 29
            }
        );
        // 1969-12-31T12:00Z
        assert_eq!(
            Timestamp::from_millis(-43_200_000).utc_date(),
            Date {
                year: 1969,
                month: 12,
                day: 31
            }
        );
    }

    #[test]
    fn parses_only_real_iso_dates() {
        assert_eq!(Date::parse_iso("2000-02-29"), Date::new(2000, 2, 29));
        assert_eq!(Date::parse_iso("1900-02-29"), None);
        assert_eq!(Date::parse_iso("2001-13-01"), None);
        assert_eq!(Date::parse_iso("01-01-2001"), None);
        assert_eq!(Date::parse_iso(""), None);
    }

    #[test]
    fn age_counts_whole_years_and_the_birthday_itself() {
        let born = Date::new(2010, 6, 15).unwrap();
        assert_eq!(born.years_until(Date::new(2026, 6, 14).unwrap()), 15);
        assert_eq!(born.years_until(Date::new(2026, 6, 15).unwrap()), 16);
    }
}
