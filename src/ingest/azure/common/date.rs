//! The `date` processor of the Azure pipelines: the formats they list, and
//! the text it writes into `@timestamp`.
//!
//! `ISO8601` is read by [`crate::date`], the crate's model of Elasticsearch's
//! own date parser (the one difference: Elasticsearch also takes a zone right
//! after a bare `T`, as in `2024-05-01TZ`). The Java patterns some pipelines
//! add for Azure's US-style times (`8/22/2022 6:07:16 PM`) are parsed here
//! and then handed to the same calendar rules, so invalid dates (Feb 30,
//! hour 24) fail the same way everywhere. Values without a zone are UTC (the
//! processors set no `timezone`). Named zones (`Europe/Paris`) and years of
//! more than four digits are not read.

use serde_json::Value;

use super::{java, Doc};
use crate::date::{self, Instant, Resolution};

/// A format a pipeline's `date` processor lists.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TimeFormat {
    /// Elasticsearch's `ISO8601`.
    Iso8601,
    /// `M/d/yyyy h:mm:ss a XXX`: a 12-hour clock and an offset (`Z`, `+01:00`).
    UsClock12WithOffset,
    /// `M/d/yyyy h:mm:ss a`.
    UsClock12,
    /// `M/d/yyyy H:mm:ss`.
    UsClock24,
    /// `yyyy-MM-dd'T'H:mm:ss.SSS'Z'`: a one-digit hour is allowed and the
    /// `Z` is a literal, so the time is read as UTC.
    IsoOneDigitHourMillis,
}

/// The `date` processor from `from` to `to`: the formats are tried in order
/// and the first that reads the whole text wins; `to` gets what the
/// processor writes (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`, UTC, the fraction
/// truncated to milliseconds). The error is the processor's message; a
/// missing `from` is one too (no `ignore_missing`), so callers of a
/// processor with `ignore_failure` drop it.
pub(crate) fn date_field(
    doc: &mut Doc,
    from: &str,
    to: &str,
    formats: &[TimeFormat],
) -> Result<(), String> {
    let text = date_processor(doc.get_required(from)?, formats)?;
    doc.set(to, Value::from(text))
}

/// The processor's reading of `value`: any value is read as its Java
/// `toString()`, so a null reads "null".
fn date_processor(value: &Value, formats: &[TimeFormat]) -> Result<String, String> {
    let text = java::to_string(value);
    formats
        .iter()
        .find_map(|format| format.parse(&text))
        .map(|instant| date::format(instant, Resolution::Milliseconds))
        .ok_or_else(|| format!("unable to parse date [{text}]"))
}

impl TimeFormat {
    fn parse(self, text: &str) -> Option<Instant> {
        match self {
            TimeFormat::Iso8601 => date::parse_iso8601(text),
            TimeFormat::UsClock12WithOffset => us_date_time(text, Clock::Twelve, true),
            TimeFormat::UsClock12 => us_date_time(text, Clock::Twelve, false),
            TimeFormat::UsClock24 => us_date_time(text, Clock::TwentyFour, false),
            TimeFormat::IsoOneDigitHourMillis => iso_one_digit_hour_millis(text),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Clock {
    /// `h` with `a`: hours 1 to 12, then `AM` or `PM`.
    Twelve,
    /// `H`: hours 0 to 23.
    TwentyFour,
}

/// `M/d/yyyy h:mm:ss a[ XXX]` or `M/d/yyyy H:mm:ss`.
fn us_date_time(text: &str, clock: Clock, with_offset: bool) -> Option<Instant> {
    let mut cursor = Cursor::new(text);
    let month = cursor.variable_digits()?;
    cursor.require(b'/')?;
    let day = cursor.variable_digits()?;
    cursor.require(b'/')?;
    let year = cursor.fixed_digits(4)?;
    cursor.require(b' ')?;
    let hour = cursor.variable_digits()?;
    let (minute, second) = cursor.minutes_and_seconds()?;
    let hour = match clock {
        Clock::TwentyFour => hour,
        Clock::Twelve => {
            cursor.require(b' ')?;
            hour_of_day(hour, cursor.afternoon()?)?
        }
    };
    let zone = if with_offset {
        cursor.require(b' ')?;
        cursor.offset_xxx()?
    } else {
        "Z"
    };
    cursor.at_end()?;
    let iso = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{zone}");
    date::parse_iso8601(&iso)
}

/// `yyyy-MM-dd'T'H:mm:ss.SSS'Z'`.
fn iso_one_digit_hour_millis(text: &str) -> Option<Instant> {
    let mut cursor = Cursor::new(text);
    let year = cursor.fixed_digits(4)?;
    cursor.require(b'-')?;
    let month = cursor.fixed_digits(2)?;
    cursor.require(b'-')?;
    let day = cursor.fixed_digits(2)?;
    cursor.require(b'T')?;
    let hour = cursor.variable_digits()?;
    let (minute, second) = cursor.minutes_and_seconds()?;
    cursor.require(b'.')?;
    let millis = cursor.fixed_digits(3)?;
    cursor.require(b'Z')?;
    cursor.at_end()?;
    let iso =
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z");
    date::parse_iso8601(&iso)
}

/// The hour of the day of a 12-hour clock hour (1 to 12).
fn hour_of_day(clock_hour: u32, afternoon: bool) -> Option<u32> {
    (1..=12)
        .contains(&clock_hour)
        .then(|| clock_hour % 12 + if afternoon { 12 } else { 0 })
}

/// A position in text whose fixed parts are ASCII; it only ever steps over
/// ASCII bytes, so every position is a character boundary.
struct Cursor<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor { text, position: 0 }
    }

    fn rest(&self) -> &'a [u8] {
        self.text
            .as_bytes()
            .get(self.position..)
            .unwrap_or_default()
    }

    fn at_end(&self) -> Option<()> {
        self.rest().is_empty().then_some(())
    }

    fn require(&mut self, byte: u8) -> Option<()> {
        (self.rest().first() == Some(&byte)).then(|| self.position += 1)
    }

    fn expect_text(&mut self, text: &str) -> Option<()> {
        self.rest()
            .starts_with(text.as_bytes())
            .then(|| self.position += text.len())
    }

    /// Between `min` and `max` ASCII digits, as many as there are.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let count = self
            .rest()
            .iter()
            .take(max)
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        let digits = self.rest().get(..count)?;
        self.position += count;
        let value = digits
            .iter()
            .fold(0, |value, digit| value * 10 + u32::from(digit - b'0'));
        (count >= min).then_some(value)
    }

    fn fixed_digits(&mut self, count: usize) -> Option<u32> {
        self.digits(count, count)
    }

    /// Java's one-letter fields (`M`, `d`, `h`, `H`) take any number of
    /// digits; nine keep the value within `u32`.
    fn variable_digits(&mut self) -> Option<u32> {
        self.digits(1, 9)
    }

    /// `:mm:ss`.
    fn minutes_and_seconds(&mut self) -> Option<(u32, u32)> {
        self.require(b':')?;
        let minute = self.fixed_digits(2)?;
        self.require(b':')?;
        let second = self.fixed_digits(2)?;
        Some((minute, second))
    }

    /// `a`: `AM` or `PM`; true for the afternoon.
    fn afternoon(&mut self) -> Option<bool> {
        if self.expect_text("AM").is_some() {
            return Some(false);
        }
        self.expect_text("PM").map(|()| true)
    }

    /// `XXX`: `Z` or `±HH:MM`, returned as written for the ISO parser.
    fn offset_xxx(&mut self) -> Option<&'a str> {
        let start = self.position;
        if self.require(b'Z').is_none() {
            self.require(b'+').or_else(|| self.require(b'-'))?;
            self.fixed_digits(2)?;
            self.require(b':')?;
            self.fixed_digits(2)?;
        }
        self.text.get(start..self.position)
    }
}
