//! Instants as Elasticsearch writes them: UTC, millisecond precision, ISO 8601.
//!
//! The library never reads the clock itself (`std::time` panics on
//! `wasm32-unknown-unknown`); hosts pass "now" in, which also makes alert
//! output reproducible in tests.

use std::fmt::{self, Display, Formatter};

/// Milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

const MILLIS_PER_DAY: i64 = 86_400_000;

impl Timestamp {
    /// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, or a date alone (midnight UTC).
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let bytes = text.as_bytes();
        let number = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = text.get(range)?;
            digits
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| digits.parse().ok())
                .flatten()
        };
        if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let mut millis = days_from_civil(year, month, day) * MILLIS_PER_DAY;
        if bytes.len() == 10 {
            return Some(Timestamp(millis));
        }
        if !matches!(bytes[10], b'T' | b't' | b' ')
            || bytes.len() < 19
            || bytes[13] != b':'
            || bytes[16] != b':'
        {
            return None;
        }
        let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        millis += ((hour * 60 + minute) * 60 + second) * 1000;
        let mut index = 19;
        if bytes.get(index) == Some(&b'.') {
            index += 1;
            let start = index;
            while bytes.get(index).is_some_and(u8::is_ascii_digit) {
                index += 1;
            }
            if index == start {
                return None;
            }
            let fraction = &text[start..index.min(start + 3)];
            millis += fraction.parse::<i64>().ok()? * 10_i64.pow(3 - fraction.len() as u32);
        }
        match &text[index..] {
            "Z" | "z" => Some(Timestamp(millis)),
            offset
                if offset.len() == 6
                    && matches!(offset.as_bytes()[0], b'+' | b'-')
                    && offset.as_bytes()[3] == b':' =>
            {
                let hours = number(index + 1..index + 3)?;
                let minutes = number(index + 4..index + 6)?;
                let sign = if offset.starts_with('+') { 1 } else { -1 };
                Some(Timestamp(millis - sign * (hours * 60 + minutes) * 60_000))
            }
            _ => None,
        }
    }
}

impl Display for Timestamp {
    /// `2026-11-27T12:00:00.000Z`
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(MILLIS_PER_DAY);
        let millis_of_day = self.0.rem_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let seconds = millis_of_day / 1000;
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60,
            millis_of_day % 1000
        )
    }
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_offsets() {
        let parsed = Timestamp::parse_rfc3339("2026-11-27T12:34:56.789Z").unwrap();
        assert_eq!(parsed.to_string(), "2026-11-27T12:34:56.789Z");
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            Timestamp::parse_rfc3339("2024-02-29T01:00:00+02:00")
                .unwrap()
                .to_string(),
            "2024-02-28T23:00:00.000Z"
        );
        assert_eq!(
            Timestamp::parse_rfc3339("2019-03-14T08:28:51.0273716Z")
                .unwrap()
                .to_string(),
            "2019-03-14T08:28:51.027Z"
        );
        assert_eq!(
            Timestamp::parse_rfc3339("1969-12-31").unwrap().0,
            -86_400_000
        );
        for invalid in [
            "",
            "2024-02-30",
            "2024-13-01",
            "2024-01-01T25:00:00Z",
            "2024-01-01T00:00:00",
            "yesterday",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(invalid), None, "{invalid}");
        }
    }
}
