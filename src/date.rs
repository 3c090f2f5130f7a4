//! Dates as Elasticsearch reads them: the values a `date` or `date_nanos`
//! field indexes, and the bounds a KQL clause on such a field searches.
//!
//! Why a module of its own: a rule such as `@timestamp < now-1d/d` or
//! `event.created: 2024-05` must match exactly the events Elasticsearch would
//! match, and Elasticsearch's date rules differ from RFC 3339 in ways that
//! change results:
//!
//! - `2024` (text or JSON number) is the year 2024, while `12345` is 12.345 s
//!   after 1970: the default format `strict_date_optional_time||epoch_millis`
//!   tries the calendar format first, and that one takes four-digit years alone.
//! - A partial date used as an upper bound is filled with month 01, day 01 and
//!   23:59:59.999999999, so `<= 2024-05` ends on **May 1st**, not May 31st.
//! - Date math (`now-1d/d`, `2024-01-01||+1M`) rounds up only for `/unit`, and
//!   then to the last *millisecond* even on `date_nanos`.
//! - `date` keeps milliseconds (floored), `date_nanos` keeps nanoseconds but
//!   rejects anything before 1970 or after 2262.
//!
//! Everything here is UTC: Kibana sends `time_zone` from `dateFormatTZ`, which
//! the detection engine sets to `Zulu`; a zone written in the value wins.
//! Named time zones that need a time-zone database (`Europe/Paris`) are not
//! supported and are treated as unparseable (Elasticsearch would accept them).
//!
//! Sources (Elasticsearch `main`, paraphrased):
//! - `elastic/elasticsearch` `server/src/main/java/org/elasticsearch/common/time/DateFormatters.java`:
//!   `strict_date_optional_time` is a fast ISO parser then a `java.time` parser
//!   (4-digit year, optional `-MM`, `-dd`, `T`, `HH`, `:mm`, `:ss`, 1–9 fraction
//!   digits after `.` or `,`, zone only after a time); `strict_date_optional_time_nanos`
//!   needs `HH:mm:ss` once `T` is written; `from()` fills missing fields.
//! - `.../common/time/Iso8601Parser.java`: the fixed-position ISO parser, its
//!   zone grammar and its round-up defaults.
//! - `.../common/time/JavaDateFormatter.java`: parsers are tried in order; the
//!   round-up parsers default month 1, day 1, 23:59:59.999999999.
//! - `.../common/time/EpochTime.java`: `epoch_millis` is an optional `-`, 1–19
//!   digits, optional `.` and up to 6 digits; rounding up defaults the
//!   sub-millisecond digits to 999999; the sign applies to the whole value.
//! - `.../common/time/JavaDateMathParser.java`: `now…` and `…||…` anchors and
//!   the date math grammar.
//! - `.../common/time/DateUtils.java`: the nanosecond range and millisecond
//!   conversion.
//! - `.../index/mapper/DateFieldMapper.java`: default format per resolution,
//!   document parsing from the JSON token's text, and how `rangeQuery` turns
//!   `gt`/`gte`/`lt`/`lte` into an inclusive `[l, u]`.
//! - `elastic/kibana` `src/platform/packages/shared/kbn-es-query/src/kuery/functions/is.ts`
//!   and `range.ts`: `field:value` on a date field becomes `gte: value, lte: value`;
//!   `.../kuery/grammar/grammar.peggy`: unquoted values stay strings, so query
//!   values always go through the field's format (never the epoch-only parser
//!   DateFieldType uses for JSON numbers).
//! - Elasticsearch reference, range query, "Missing date components" and
//!   "Date math and rounding"; issue elastic/elasticsearch#51080 (numbers of
//!   four digits read as years under the default format).
//!
//! Use: index a document's value with [`parse_document_text`] or
//! [`parse_document_number`] (`None` = Elasticsearch rejects the document, or
//! ignores the value under `ignore_malformed`); turn a clause into an
//! [`Interval`] with [`query_interval`] (an `Err` is a query Elasticsearch
//! refuses); then [`Interval::contains`] answers whether the value matches.

use std::fmt;

const NANOS_PER_MILLI: i128 = 1_000_000;
const NANOS_PER_SECOND: i128 = 1_000_000_000;
const NANOS_PER_MINUTE: i128 = 60 * NANOS_PER_SECOND;
const NANOS_PER_HOUR: i128 = 60 * NANOS_PER_MINUTE;
const NANOS_PER_DAY: i128 = 24 * NANOS_PER_HOUR;
/// `java.time.Year.MAX_VALUE`: date math past it fails in `java.time`.
const MAX_YEAR: i128 = 999_999_999;
/// `java.time.ZoneOffset` allows at most ±18:00.
const MAX_OFFSET_SECONDS: i128 = 18 * 3600;
/// Fixed-offset zone ids `java.time.ZoneId.of` accepts without a rule lookup
/// that matters (they are all UTC); region ids with real rules are unsupported.
const UTC_ZONE_IDS: [&str; 17] = [
    "UTC",
    "GMT",
    "UT",
    "UCT",
    "Universal",
    "Zulu",
    "Greenwich",
    "GMT0",
    "Etc/UTC",
    "Etc/UCT",
    "Etc/GMT",
    "Etc/GMT0",
    "Etc/GMT+0",
    "Etc/GMT-0",
    "Etc/Universal",
    "Etc/Zulu",
    "Etc/Greenwich",
];

/// An instant: nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i128);

impl Instant {
    /// 1970-01-01T00:00:00Z.
    pub const EPOCH: Instant = Instant(0);

    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z.
    pub const fn from_millis(millis: i64) -> Instant {
        Instant(millis as i128 * NANOS_PER_MILLI)
    }
}

/// What a field stores: `date` keeps milliseconds, `date_nanos` nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// A `date` field: a signed 64-bit count of milliseconds.
    Milliseconds,
    /// A `date_nanos` field: an unsigned-in-practice 64-bit count of
    /// nanoseconds, 1970-01-01 to 2262-04-11T23:47:16.854775807Z.
    Nanoseconds,
}

impl Resolution {
    /// Nanoseconds in one stored unit: the step by which `gt` and `lt` move a bound.
    pub const fn unit_nanos(self) -> i128 {
        match self {
            Resolution::Milliseconds => NANOS_PER_MILLI,
            Resolution::Nanoseconds => 1,
        }
    }

    /// The field type's default `format` (DateFieldMapper's two default formatters).
    pub const fn default_format(self) -> &'static str {
        match self {
            Resolution::Milliseconds => "strict_date_optional_time||epoch_millis",
            Resolution::Nanoseconds => "strict_date_optional_time_nanos||epoch_millis",
        }
    }

    /// The long Elasticsearch stores, as `Resolution.convert` computes it:
    /// `Instant.toEpochMilli` floors (and must fit a long); `DateUtils.toLong`
    /// refuses instants before 1970 or past the long range.
    fn store(self, nanos: i128) -> Result<i64, StoreError> {
        match self {
            Resolution::Milliseconds => i64::try_from(nanos.div_euclid(NANOS_PER_MILLI))
                .map_err(|_| StoreError::BeyondMilliseconds),
            Resolution::Nanoseconds if nanos < 0 => Err(StoreError::BeforeNanoseconds),
            Resolution::Nanoseconds => {
                i64::try_from(nanos).map_err(|_| StoreError::AfterNanoseconds)
            }
        }
    }

    /// The instant a stored long stands for.
    fn instant(self, stored: i64) -> Instant {
        Instant(i128::from(stored) * self.unit_nanos())
    }
}

/// Which end of an incomplete date or a rounded unit a bound means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// The first instant: `gte`, `lt`, and the lower end of `field:value`.
    Down,
    /// The last instant: `gt`, `lte`, and the upper end of `field:value`.
    Up,
}

/// Why a query value is not a date Elasticsearch can search for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError {
    /// Lower-case, no trailing period, quotes the query value.
    pub message: String,
}

impl DateError {
    fn new(message: String) -> DateError {
        DateError { message }
    }

    fn empty(text: &str) -> DateError {
        DateError::new(format!("cannot parse an empty date in \"{text}\""))
    }

    fn unparseable(date: &str, text: &str, resolution: Resolution) -> DateError {
        let place = if date == text {
            String::new()
        } else {
            format!(" in \"{text}\"")
        };
        DateError::new(format!(
            "failed to parse date \"{date}\"{place} with format \"{}\"",
            resolution.default_format()
        ))
    }

    fn math(text: &str, problem: &str) -> DateError {
        DateError::new(format!("{problem} in date math \"{text}\""))
    }

    fn out_of_range(text: &str) -> DateError {
        DateError::new(format!(
            "date math \"{text}\" goes past the years java.time supports"
        ))
    }

    fn unstorable(text: &str, problem: StoreError) -> DateError {
        let reason = match problem {
            StoreError::BeforeNanoseconds => {
                "is before 1970 and cannot be stored in nanosecond resolution"
            }
            StoreError::AfterNanoseconds => {
                "is after 2262-04-11T23:47:16.854775807 and cannot be stored in nanosecond resolution"
            }
            StoreError::BeyondMilliseconds => {
                "is too far from 1970 to be represented in milliseconds"
            }
        };
        DateError::new(format!("date \"{text}\" {reason}"))
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DateError {}

/// Why an instant does not fit the field's long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StoreError {
    BeforeNanoseconds,
    AfterNanoseconds,
    BeyondMilliseconds,
}

/// A document's value for a date field, in the default format
/// (`strict_date_optional_time||epoch_millis`, or `strict_date_optional_time_nanos||epoch_millis`
/// for `date_nanos`), as Elasticsearch indexes it (truncated to the resolution).
/// `None` when Elasticsearch would reject the document.
pub fn parse_document_text(text: &str, resolution: Resolution) -> Option<Instant> {
    let nanos = parse_date(text, resolution, Rounding::Down)?;
    let stored = resolution.store(nanos).ok()?;
    Some(resolution.instant(stored))
}

/// A document's JSON number for a date field, given as written in the JSON
/// (`serde_json`'s `arbitrary_precision` keeps that text).
///
/// DateFieldMapper.parseCreateField reads the token's *text*, so a number goes
/// through the same formats as a string: `2024` is a year, `1700000000000` is
/// epoch milliseconds, `1.5` is 1.5 ms, and `1.7e12` is rejected.
pub fn parse_document_number(number_text: &str, resolution: Resolution) -> Option<Instant> {
    parse_document_text(number_text, resolution)
}

/// A text in Elasticsearch's `iso8601` format alone, without the
/// `epoch_millis` fallback of a field's default format: what an ingest `date`
/// processor configured with `ISO8601` accepts. Nanoseconds are kept.
pub(crate) fn parse_iso8601(text: &str) -> Option<Instant> {
    let fields = parse_calendar(text, Resolution::Milliseconds)?;
    calendar_nanos(&fields, Rounding::Down).map(Instant)
}

/// A query value for a date field: a date in the default format or epoch
/// millis, optionally followed by date math (`||+1M/d`), or `now` with date
/// math (`now-1d/d`).
///
/// `rounding` is [`Rounding::Up`] for `gt`, `lte` and the upper end of an exact
/// `field:value`, [`Rounding::Down`] for `gte`, `lt` and the lower end, as
/// DateFieldType.dateRangeQuery chooses. The result is truncated to the
/// resolution, as Elasticsearch compares it.
pub fn parse_query(
    text: &str,
    now: Instant,
    rounding: Rounding,
    resolution: Resolution,
) -> Result<Instant, DateError> {
    let stored = parse_query_stored(text, now, rounding, resolution)?;
    Ok(resolution.instant(stored))
}

/// ISO 8601 text of an instant in UTC, with milliseconds (nanoseconds for
/// [`Resolution::Nanoseconds`]), for explanations: `2024-05-01T23:59:59.999Z`.
/// Years beyond 9999 get a `+`, years before 0 a `-`, as `java.time` prints them.
pub fn format(instant: Instant, resolution: Resolution) -> String {
    let unit = resolution.unit_nanos();
    let nanos = instant.0.div_euclid(unit) * unit;
    let (days, nanos_of_day) = split_days(nanos);
    let (year, month, day) = civil_from_days(days);
    let seconds_of_day = nanos_of_day / NANOS_PER_SECOND;
    let nanos_of_second = nanos_of_day % NANOS_PER_SECOND;
    let fraction = match resolution {
        Resolution::Milliseconds => format!("{:03}", nanos_of_second / NANOS_PER_MILLI),
        Resolution::Nanoseconds => format!("{nanos_of_second:09}"),
    };
    format!(
        "{}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction}Z",
        format_year(year),
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60,
    )
}

fn format_year(year: i128) -> String {
    match year {
        0..=9999 => format!("{year:04}"),
        10_000.. => format!("+{year}"),
        _ => format!("-{:04}", -year),
    }
}

/// How a KQL clause on a date field compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// `field > value`
    Gt,
    /// `field >= value`
    Gte,
    /// `field < value`
    Lt,
    /// `field <= value`
    Lte,
    /// `field: value`, which Kibana sends as `gte: value, lte: value`.
    Equals,
}

/// The inclusive interval `[from, to]` of stored values a clause matches;
/// `None` is unbounded. It may be empty (`from > to`): Lucene then matches nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The first matching instant, if bounded below.
    pub from: Option<Instant>,
    /// The last matching instant, if bounded above.
    pub to: Option<Instant>,
}

impl Interval {
    /// True when a document's value (from [`parse_document_text`] or
    /// [`parse_document_number`], same resolution) falls inside.
    pub fn contains(&self, value: Instant) -> bool {
        self.from.is_none_or(|from| value >= from) && self.to.is_none_or(|to| value <= to)
    }

    /// True when no value can fall inside.
    pub fn is_empty(&self) -> bool {
        matches!((self.from, self.to), (Some(from), Some(to)) if from > to)
    }
}

/// The inclusive interval a KQL clause on a date field covers, following
/// DateFieldType.dateRangeQuery: the lower bound is parsed rounding up when
/// exclusive and then moved one stored unit up (`gt` → Up + 1); the upper
/// bound is parsed rounding up when inclusive, and moved one unit down when
/// exclusive (`lt` → Down − 1); `gte` → Down; `lte` → Up; `field:value` →
/// `[Down, Up]` (Kibana's `is` sends `gte` and `lte` of the same value).
///
/// One stored unit is a millisecond for `date` and a nanosecond for
/// `date_nanos`. The ±1 uses Java's wrapping long arithmetic, as `++l` does.
pub fn query_interval(
    bound: Bound,
    text: &str,
    now: Instant,
    resolution: Resolution,
) -> Result<Interval, DateError> {
    let parse = |rounding| parse_query_stored(text, now, rounding, resolution);
    let instant = |stored| Some(resolution.instant(stored));
    let (from, to) = match bound {
        Bound::Gt => (instant(parse(Rounding::Up)?.wrapping_add(1)), None),
        Bound::Gte => (instant(parse(Rounding::Down)?), None),
        Bound::Lt => (None, instant(parse(Rounding::Down)?.wrapping_sub(1))),
        Bound::Lte => (None, instant(parse(Rounding::Up)?)),
        Bound::Equals => (
            instant(parse(Rounding::Down)?),
            instant(parse(Rounding::Up)?),
        ),
    };
    Ok(Interval { from, to })
}

/// DateFieldType.parseToLong: date math, then `Resolution.convert`.
fn parse_query_stored(
    text: &str,
    now: Instant,
    rounding: Rounding,
    resolution: Resolution,
) -> Result<i64, DateError> {
    let nanos = evaluate_query(text, now, rounding, resolution)?;
    resolution
        .store(nanos)
        .map_err(|problem| DateError::unstorable(text, problem))
}

/// JavaDateMathParser.parse: text starting with `now` is the current time
/// followed by math; otherwise the part before the first `||` is a date,
/// parsed *without* rounding up, and the rest is math. A value without `||`
/// is a date parsed with the bound's rounding.
fn evaluate_query(
    text: &str,
    now: Instant,
    rounding: Rounding,
    resolution: Resolution,
) -> Result<i128, DateError> {
    if let Some(math) = text.strip_prefix("now") {
        return apply_date_math(now_in_millis(now, text)?, math, rounding, text);
    }
    match text.find("||") {
        None => parse_query_date(text, text, rounding, resolution),
        Some(index) => {
            let anchor = parse_query_date(&text[..index], text, Rounding::Down, resolution)?;
            apply_date_math(anchor, &text[index + 2..], rounding, text)
        }
    }
}

/// `now` is SearchExecutionContext.nowInMillis: whole milliseconds, even for `date_nanos`.
fn now_in_millis(now: Instant, text: &str) -> Result<i128, DateError> {
    let millis = i64::try_from(now.0.div_euclid(NANOS_PER_MILLI))
        .map_err(|_| DateError::unstorable(text, StoreError::BeyondMilliseconds))?;
    Ok(i128::from(millis) * NANOS_PER_MILLI)
}

fn parse_query_date(
    date: &str,
    text: &str,
    rounding: Rounding,
    resolution: Resolution,
) -> Result<i128, DateError> {
    if date.is_empty() {
        return Err(DateError::empty(text));
    }
    parse_date(date, resolution, rounding)
        .ok_or_else(|| DateError::unparseable(date, text, resolution))
}

/// One date in the field's default format, in nanoseconds: the calendar
/// format first, then `epoch_millis` (JavaDateFormatter tries its parsers in
/// order and keeps the first that consumes the whole text).
fn parse_date(text: &str, resolution: Resolution, rounding: Rounding) -> Option<i128> {
    if let Some(fields) = parse_calendar(text, resolution) {
        // A calendar-shaped text never falls back to epoch_millis: when the
        // calendar fields are impossible (Feb 30) Elasticsearch fails.
        return calendar_nanos(&fields, rounding);
    }
    parse_epoch_millis(text).map(|epoch| epoch.nanos(rounding))
}

// ---------------------------------------------------------------------------
// strict_date_optional_time and strict_date_optional_time_nanos
// ---------------------------------------------------------------------------

/// The fields a calendar text spells out; `None` when not written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct CalendarFields {
    year: i128,
    month: Option<i128>,
    day: Option<i128>,
    hour: Option<i128>,
    minute: Option<i128>,
    second: Option<i128>,
    nano: Option<i128>,
    offset_seconds: i128,
}

/// The union of what the ISO parser and the `java.time` parser accept:
/// `[-]yyyy[-MM[-dd]][T[time]]`. The ISO parser wants the full date before
/// `T`; the `java.time` one also takes `2024T10` or `2024-05T10:30` (see
/// [`calendar_date`] for what those mean).
fn parse_calendar(text: &str, resolution: Resolution) -> Option<CalendarFields> {
    let mut cursor = Cursor::new(text);
    let mut fields = parse_calendar_date(&mut cursor)?;
    if cursor.eat(b'T') {
        parse_calendar_time(&mut cursor, &mut fields, resolution)?;
    }
    cursor.is_at_end().then_some(fields)
}

/// `[-]yyyy[-MM[-dd]]`: exactly four year digits (a leading `-` makes the
/// year negative), two month and two day digits.
fn parse_calendar_date(cursor: &mut Cursor) -> Option<CalendarFields> {
    let negative = cursor.eat(b'-');
    let year = cursor.fixed_digits(4)?;
    let mut fields = CalendarFields {
        year: if negative { -year } else { year },
        ..CalendarFields::default()
    };
    if cursor.eat(b'-') {
        fields.month = Some(cursor.fixed_digits(2)?);
        if cursor.eat(b'-') {
            fields.day = Some(cursor.fixed_digits(2)?);
        }
    }
    Some(fields)
}

/// After `T`: `HH[:mm[:ss[(.|,)f{1,9}]]]` and an optional zone, which runs to
/// the end of the text. `date` also takes a bare `T` (midnight); `date_nanos`
/// needs `HH:mm:ss` (DateFormatters makes hour, minute and second mandatory
/// once a time is present in `strict_date_optional_time_nanos`).
fn parse_calendar_time(
    cursor: &mut Cursor,
    fields: &mut CalendarFields,
    resolution: Resolution,
) -> Option<()> {
    if cursor.is_at_end() {
        return (resolution == Resolution::Milliseconds).then_some(());
    }
    fields.hour = Some(cursor.fixed_digits(2)?);
    if cursor.eat(b':') {
        fields.minute = Some(cursor.fixed_digits(2)?);
        if cursor.eat(b':') {
            fields.second = Some(cursor.fixed_digits(2)?);
            fields.nano = parse_fraction(cursor)?;
        }
    }
    if resolution == Resolution::Nanoseconds && fields.second.is_none() {
        return None;
    }
    if cursor.peek().is_some_and(starts_zone) {
        fields.offset_seconds = parse_zone(cursor.take_rest())?;
    }
    Some(())
}

/// `.f` or `,f` with 1 to 9 digits, as nanoseconds. The outer `None` is a
/// syntax error (a separator without digits); the inner one is "not written".
fn parse_fraction(cursor: &mut Cursor) -> Option<Option<i128>> {
    if !(cursor.eat(b'.') || cursor.eat(b',')) {
        return Some(None);
    }
    let (value, count) = cursor.digits_up_to(9);
    (count > 0).then(|| Some(scale_fraction(value, count, 9)))
}

/// Iso8601Parser.isZoneId: a zone starts with a sign or an ASCII letter.
fn starts_zone(byte: u8) -> bool {
    matches!(byte, b'+' | b'-') || byte.is_ascii_alphabetic()
}

/// Iso8601Parser.parseZoneId: `Z` alone, a numeric offset, or what
/// `ZoneId.of` resolves; the offset in seconds east of UTC.
fn parse_zone(zone: &str) -> Option<i128> {
    match zone.as_bytes().first()? {
        b'Z' if zone.len() == 1 => Some(0),
        b'+' | b'-' => parse_iso_offset(zone),
        _ => parse_zone_id(zone),
    }
}

/// `±HH`, `±HHmm`, `±HH:mm`, `±HHmmss`, `±HH:mm:ss`: both separators colons
/// or neither, hours ≤ 23 (then `ZoneOffset` limits the total to ±18:00).
fn parse_iso_offset(zone: &str) -> Option<i128> {
    let mut cursor = Cursor::new(zone);
    let sign = if cursor.eat(b'-') { -1 } else { 1 };
    cursor.eat(b'+');
    let hours = cursor.fixed_digits(2).filter(|hours| *hours <= 23)?;
    let (mut minutes, mut seconds) = (0, 0);
    if !cursor.is_at_end() {
        let colons = cursor.eat(b':');
        minutes = cursor.fixed_digits(2).filter(|minutes| *minutes <= 59)?;
        if !cursor.is_at_end() {
            if cursor.eat(b':') != colons {
                return None;
            }
            seconds = cursor.fixed_digits(2).filter(|seconds| *seconds <= 59)?;
        }
    }
    cursor.is_at_end().then_some(())?;
    offset_within_range(sign * (hours * 3600 + minutes * 60 + seconds))
}

/// `ZoneId.of` for ids with a fixed offset: UTC aliases, `UTC`/`GMT`/`UT`
/// followed by a `ZoneOffset.of` offset, and `Etc/GMT±h` (whose sign is
/// inverted, POSIX-style).
fn parse_zone_id(zone: &str) -> Option<i128> {
    if UTC_ZONE_IDS.contains(&zone) {
        return Some(0);
    }
    for prefix in ["UTC", "GMT", "UT"] {
        if let Some(offset) = zone.strip_prefix(prefix) {
            if offset.starts_with(['+', '-']) {
                return parse_zone_offset_of(offset);
            }
        }
    }
    parse_etc_gmt(zone)
}

/// `ZoneOffset.of`: `±h`, `±hh`, `±hhmm`, `±hh:mm`, `±hhmmss`, `±hh:mm:ss`,
/// hours ≤ 18, minutes and seconds ≤ 59, total within ±18:00.
fn parse_zone_offset_of(offset: &str) -> Option<i128> {
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits = offset.get(1..)?.as_bytes();
    let pair = |at: usize| two_digits(digits.get(at..at + 2)?);
    let colon_at = |at: usize| digits.get(at) == Some(&b':');
    let (hours, minutes, seconds) = match digits.len() {
        1 => (two_digits(&[b'0', digits[0]])?, 0, 0),
        2 => (pair(0)?, 0, 0),
        4 => (pair(0)?, pair(2)?, 0),
        5 if colon_at(2) => (pair(0)?, pair(3)?, 0),
        6 => (pair(0)?, pair(2)?, pair(4)?),
        8 if colon_at(2) && colon_at(5) => (pair(0)?, pair(3)?, pair(6)?),
        _ => return None,
    };
    if hours > 18 || minutes > 59 || seconds > 59 {
        return None;
    }
    offset_within_range(sign * (hours * 3600 + minutes * 60 + seconds))
}

/// The tz database's `Etc/GMT+1` … `Etc/GMT+12` (west of UTC) and
/// `Etc/GMT-1` … `Etc/GMT-14` (east), written without leading zeros.
fn parse_etc_gmt(zone: &str) -> Option<i128> {
    let (sign, hours) = split_first_char(zone.strip_prefix("Etc/GMT")?);
    let west = match sign {
        Some('+') => true,
        Some('-') => false,
        _ => return None,
    };
    if hours.starts_with('0') || !hours.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let hours: i128 = hours.parse().ok()?;
    let limit = if west { 12 } else { 14 };
    let offset = if west { -hours * 3600 } else { hours * 3600 };
    (1..=limit).contains(&hours).then_some(offset)
}

fn offset_within_range(seconds: i128) -> Option<i128> {
    (seconds.abs() <= MAX_OFFSET_SECONDS).then_some(seconds)
}

/// The instant of calendar fields, after filling what was not written: with
/// zeros when rounding down, and with month 01, day 01, 23:59:59.999999999
/// when rounding up (the round-up parsers' defaults in JavaDateFormatter; the
/// range query docs list them under "Missing date components").
fn calendar_nanos(fields: &CalendarFields, rounding: Rounding) -> Option<i128> {
    let (year, month, day) = calendar_date(fields, rounding);
    let (hour, minute, second, nano) = match rounding {
        Rounding::Down => (0, 0, 0, 0),
        Rounding::Up => (23, 59, 59, 999_999_999),
    };
    let hour = fields.hour.unwrap_or(hour);
    let minute = fields.minute.unwrap_or(minute);
    let second = fields.second.unwrap_or(second);
    let valid_date = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
    if !valid_date || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let seconds_of_day = hour * 3600 + minute * 60 + second - fields.offset_seconds;
    Some(
        days_from_civil(year, month, day) * NANOS_PER_DAY
            + seconds_of_day * NANOS_PER_SECOND
            + fields.nano.unwrap_or(nano),
    )
}

/// The date of calendar fields. Only the `java.time` parser takes a time
/// after a year without a month (`2024T10`); rounding down, `java.time`
/// resolves no date from a year alone and DateFormatters.from then puts the
/// time on 1970-01-01. Rounding up, the round-up parser has already defaulted
/// month and day to 01.
fn calendar_date(fields: &CalendarFields, rounding: Rounding) -> (i128, i128, i128) {
    if rounding == Rounding::Down && fields.month.is_none() && fields.hour.is_some() {
        return (1970, 1, 1);
    }
    (
        fields.year,
        fields.month.unwrap_or(1),
        fields.day.unwrap_or(1),
    )
}

// ---------------------------------------------------------------------------
// epoch_millis
// ---------------------------------------------------------------------------

/// `[-]d{1,19}[.d{0,6}]`: milliseconds and sub-millisecond nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct EpochMillis {
    negative: bool,
    millis: i128,
    nanos_of_milli: Option<i128>,
}

impl EpochMillis {
    /// Rounding up fills unwritten sub-millisecond digits with 999999; the
    /// sign applies afterwards, so `-1` rounds up to −1.999999 ms (EpochTime
    /// subtracts the defaulted nanos from a negative value).
    fn nanos(self, rounding: Rounding) -> i128 {
        let default = match rounding {
            Rounding::Down => 0,
            Rounding::Up => 999_999,
        };
        let magnitude = self.millis * NANOS_PER_MILLI + self.nanos_of_milli.unwrap_or(default);
        if self.negative {
            -magnitude
        } else {
            magnitude
        }
    }
}

/// EpochTime's millisecond parser: no `+`, at most 19 digits and no more than
/// `Long.MAX_VALUE`, and after a `.` at most six digits (a bare trailing `.`
/// reads as `.0`).
fn parse_epoch_millis(text: &str) -> Option<EpochMillis> {
    let mut cursor = Cursor::new(text);
    let negative = cursor.eat(b'-');
    let (millis, count) = cursor.digits_up_to(19);
    if count == 0 || millis > i128::from(i64::MAX) {
        return None;
    }
    let nanos_of_milli = cursor.eat(b'.').then(|| {
        let (value, count) = cursor.digits_up_to(6);
        scale_fraction(value, count, 6)
    });
    cursor.is_at_end().then_some(EpochMillis {
        negative,
        millis,
        nanos_of_milli,
    })
}

/// `count` fraction digits worth `value`, as a whole number of `10^-places`.
fn scale_fraction(value: i128, count: usize, places: usize) -> i128 {
    (count..places).fold(value, |scaled, _| scaled * 10)
}

// ---------------------------------------------------------------------------
// Date math
// ---------------------------------------------------------------------------

/// A date math unit letter: `y M w d h H m s` (case matters: `M` is months).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Year,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

impl Unit {
    fn from_letter(letter: char) -> Option<Unit> {
        Some(match letter {
            'y' => Unit::Year,
            'M' => Unit::Month,
            'w' => Unit::Week,
            'd' => Unit::Day,
            'h' | 'H' => Unit::Hour,
            'm' => Unit::Minute,
            's' => Unit::Second,
            _ => return None,
        })
    }
}

/// One step of date math: `+n<unit>`, `-n<unit>`, or `/<unit>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Add(i64, Unit),
    Round(Unit),
}

/// JavaDateMathParser.parseMath: steps apply left to right, in UTC.
fn apply_date_math(
    start: i128,
    math: &str,
    rounding: Rounding,
    text: &str,
) -> Result<i128, DateError> {
    let (mut time, mut rest) = (start, math);
    while !rest.is_empty() {
        let (step, remaining) = parse_step(rest, text)?;
        time = apply_step(time, step, rounding).ok_or_else(|| DateError::out_of_range(text))?;
        rest = remaining;
    }
    Ok(time)
}

/// `(+|-|/)[digits]unit`; no digits means 1; `/` takes only 1. The number is
/// a Java `int`, so more than 2147483647 fails.
fn parse_step<'a>(math: &'a str, text: &str) -> Result<(Step, &'a str), DateError> {
    let (operator, rest) = split_first_char(math);
    let sign = match operator {
        Some('+' | '/') => 1,
        Some('-') => -1,
        _ => {
            let operator = operator.map(String::from).unwrap_or_default();
            let problem = format!("operator \"{operator}\" is not supported");
            return Err(DateError::math(text, &problem));
        }
    };
    let digit_count = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = rest.split_at(digit_count);
    let amount = match digits {
        "" => 1,
        _ => digits
            .parse::<i32>()
            .map_err(|_| DateError::math(text, &format!("number \"{digits}\" is too large")))?,
    };
    let (letter, rest) = split_first_char(rest);
    let letter = letter.ok_or_else(|| DateError::math(text, "truncated expression"))?;
    if operator == Some('/') && amount != 1 {
        let problem = "rounding with \"/\" takes a single unit";
        return Err(DateError::math(text, problem));
    }
    let unit = Unit::from_letter(letter)
        .ok_or_else(|| DateError::math(text, &format!("unit \"{letter}\" is not supported")))?;
    let step = match operator {
        Some('/') => Step::Round(unit),
        _ => Step::Add(sign * i64::from(amount), unit),
    };
    Ok((step, rest))
}

fn split_first_char(text: &str) -> (Option<char>, &str) {
    let mut chars = text.chars();
    (chars.next(), chars.as_str())
}

/// One step. Rounding up goes to the start of the next unit minus one
/// *millisecond* (JavaDateMathParser subtracts `ChronoUnit.MILLIS`), and only
/// `/` steps round up: `+1d` is the same for both roundings. `None` when the
/// result leaves `java.time`'s years, where it throws.
fn apply_step(time: i128, step: Step, rounding: Rounding) -> Option<i128> {
    let moved = match (step, rounding) {
        (Step::Add(amount, unit), _) => add_units(time, unit, amount)?,
        (Step::Round(unit), Rounding::Down) => round_down(time, unit),
        (Step::Round(unit), Rounding::Up) => {
            add_units(round_down(time, unit), unit, 1)? - NANOS_PER_MILLI
        }
    };
    let year = civil_from_days(split_days(moved).0).0;
    (-MAX_YEAR..=MAX_YEAR).contains(&year).then_some(moved)
}

/// `plusYears`, `plusMonths` (day clamped to the month's end), `plusWeeks`, …
fn add_units(time: i128, unit: Unit, amount: i64) -> Option<i128> {
    let amount = i128::from(amount);
    let nanos_per_unit = match unit {
        Unit::Year => return add_months(time, amount * 12),
        Unit::Month => return add_months(time, amount),
        Unit::Week => 7 * NANOS_PER_DAY,
        Unit::Day => NANOS_PER_DAY,
        Unit::Hour => NANOS_PER_HOUR,
        Unit::Minute => NANOS_PER_MINUTE,
        Unit::Second => NANOS_PER_SECOND,
    };
    Some(time + amount * nanos_per_unit)
}

/// `java.time` month arithmetic: same day of month, or the month's last day
/// when it has fewer (2024-01-31 + 1M = 2024-02-29).
fn add_months(time: i128, months: i128) -> Option<i128> {
    let (days, nanos_of_day) = split_days(time);
    let (year, month, day) = civil_from_days(days);
    let month_index = year * 12 + (month - 1) + months;
    let (year, month) = (month_index.div_euclid(12), month_index.rem_euclid(12) + 1);
    if !(-MAX_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    let day = day.min(days_in_month(year, month));
    Some(days_from_civil(year, month, day) * NANOS_PER_DAY + nanos_of_day)
}

/// The start of the unit containing `time`; weeks start on Monday.
fn round_down(time: i128, unit: Unit) -> i128 {
    let (days, _) = split_days(time);
    let (year, month, _) = civil_from_days(days);
    let start_day = match unit {
        Unit::Year => days_from_civil(year, 1, 1),
        Unit::Month => days_from_civil(year, month, 1),
        // 1970-01-01 was a Thursday, three days after a Monday.
        Unit::Week => days - (days + 3).rem_euclid(7),
        Unit::Day => days,
        Unit::Hour => return time - time.rem_euclid(NANOS_PER_HOUR),
        Unit::Minute => return time - time.rem_euclid(NANOS_PER_MINUTE),
        Unit::Second => return time - time.rem_euclid(NANOS_PER_SECOND),
    };
    start_day * NANOS_PER_DAY
}

// ---------------------------------------------------------------------------
// Proleptic Gregorian calendar (java.time's IsoChronology)
// ---------------------------------------------------------------------------

fn split_days(nanos: i128) -> (i128, i128) {
    (
        nanos.div_euclid(NANOS_PER_DAY),
        nanos.rem_euclid(NANOS_PER_DAY),
    )
}

fn is_leap_year(year: i128) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i128, month: i128) -> i128 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i128, month: i128, day: i128) -> i128 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i128) -> (i128, i128, i128) {
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
    (year_of_era + era * 400 + i128::from(month <= 2), month, day)
}

// ---------------------------------------------------------------------------
// Text scanning
// ---------------------------------------------------------------------------

/// A position in ASCII-structured text; it only ever steps over ASCII bytes,
/// so every position is a character boundary.
struct Cursor<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor { text, position: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.position).copied()
    }

    fn is_at_end(&self) -> bool {
        self.position == self.text.len()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let matched = self.peek() == Some(byte);
        self.position += usize::from(matched);
        matched
    }

    fn take_rest(&mut self) -> &'a str {
        let rest = &self.text[self.position..];
        self.position = self.text.len();
        rest
    }

    /// Exactly `count` ASCII digits (Elasticsearch reads only `0`–`9`).
    fn fixed_digits(&mut self, count: usize) -> Option<i128> {
        let (value, read) = self.digits_up_to(count);
        (read == count).then_some(value)
    }

    /// Up to `max` ASCII digits: their value and how many there were.
    fn digits_up_to(&mut self, max: usize) -> (i128, usize) {
        let mut value = 0;
        let mut count = 0;
        while let Some(digit) = self
            .peek()
            .filter(u8::is_ascii_digit)
            .filter(|_| count < max)
        {
            value = value * 10 + i128::from(digit - b'0');
            count += 1;
            self.position += 1;
        }
        (value, count)
    }
}

fn two_digits(bytes: &[u8]) -> Option<i128> {
    match bytes {
        [tens, ones] if tens.is_ascii_digit() && ones.is_ascii_digit() => {
            Some(i128::from((tens - b'0') * 10 + (ones - b'0')))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Resolution::{Milliseconds as Millis, Nanoseconds as Nanos};
    use Rounding::{Down, Up};

    /// 2024-05-15T10:20:30.123456789Z, a Wednesday.
    fn now() -> Instant {
        parse_document_text("2024-05-15T10:20:30.123456789Z", Nanos).unwrap()
    }

    fn doc(text: &str, resolution: Resolution) -> String {
        parse_document_text(text, resolution).map_or_else(
            || "rejected".to_string(),
            |instant| format(instant, resolution),
        )
    }

    fn query(text: &str, rounding: Rounding, resolution: Resolution) -> String {
        match parse_query(text, now(), rounding, resolution) {
            Ok(instant) => format(instant, resolution),
            Err(error) => format!("error: {error}"),
        }
    }

    fn interval(bound: Bound, text: &str, resolution: Resolution) -> (String, String) {
        let interval = query_interval(bound, text, now(), resolution).unwrap();
        let show = |end: Option<Instant>| end.map_or("unbounded".into(), |i| format(i, resolution));
        (show(interval.from), show(interval.to))
    }

    fn pair(from: &str, to: &str) -> (String, String) {
        (from.to_string(), to.to_string())
    }

    // --- Documents: strict_date_optional_time -------------------------------

    #[test]
    fn full_timestamps_with_zulu() {
        assert_eq!(
            doc("2024-01-01T10:15:30.123Z", Millis),
            "2024-01-01T10:15:30.123Z"
        );
        assert_eq!(
            doc("2024-01-01T10:15:30Z", Millis),
            "2024-01-01T10:15:30.000Z"
        );
        assert_eq!(
            doc("1970-01-01T00:00:00Z", Millis),
            "1970-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn no_zone_means_utc() {
        // DateFormatters.from defaults the zone to UTC; Kibana's time_zone is Zulu.
        assert_eq!(
            doc("2024-01-01T10:15:30", Millis),
            "2024-01-01T10:15:30.000Z"
        );
    }

    #[test]
    fn partial_dates_fill_with_the_start() {
        // DateFormatters: STRICT_YEAR_MONTH_DAY_FORMATTER makes month and day
        // optional; Iso8601Parser accepts a text that stops after any field.
        assert_eq!(doc("2024", Millis), "2024-01-01T00:00:00.000Z");
        assert_eq!(doc("2024-05", Millis), "2024-05-01T00:00:00.000Z");
        assert_eq!(doc("2024-05-17", Millis), "2024-05-17T00:00:00.000Z");
        // Iso8601Parser: a `T` right after the date is midnight (length 11 case).
        assert_eq!(doc("2024-05-17T", Millis), "2024-05-17T00:00:00.000Z");
        // Hours alone and hours:minutes are allowed; the rest is zero.
        assert_eq!(doc("2024-05-17T10", Millis), "2024-05-17T10:00:00.000Z");
        assert_eq!(doc("2024-05-17T10:15", Millis), "2024-05-17T10:15:00.000Z");
    }

    #[test]
    fn fractions_of_one_to_nine_digits() {
        // DateFormatters: appendFraction(NANO_OF_SECOND, 1, 9); Iso8601Parser
        // reads up to 9 digits and scales them.
        assert_eq!(
            doc("2024-01-01T00:00:00.1Z", Millis),
            "2024-01-01T00:00:00.100Z"
        );
        assert_eq!(
            doc("2024-01-01T00:00:00.12Z", Millis),
            "2024-01-01T00:00:00.120Z"
        );
        assert_eq!(
            doc("2024-01-01T00:00:00.1234Z", Millis),
            "2024-01-01T00:00:00.123Z"
        );
        assert_eq!(
            doc("2024-01-01T00:00:00.123456789Z", Nanos),
            "2024-01-01T00:00:00.123456789Z"
        );
        assert_eq!(doc("2024-01-01T00:00:00.1234567891Z", Millis), "rejected");
        assert_eq!(doc("2024-01-01T00:00:00.Z", Millis), "rejected");
        // DecimalSeparator.BOTH: a comma works too.
        assert_eq!(
            doc("2024-01-01T00:00:00,5Z", Millis),
            "2024-01-01T00:00:00.500Z"
        );
        // A fraction needs seconds before it.
        assert_eq!(doc("2024-01-01T10:15.5Z", Millis), "rejected");
    }

    #[test]
    fn date_keeps_floored_milliseconds() {
        // DateUtils.toLongMillis uses Instant.toEpochMilli, which floors.
        assert_eq!(
            doc("2024-01-01T00:00:00.999999999Z", Millis),
            "2024-01-01T00:00:00.999Z"
        );
        assert_eq!(
            parse_document_text("1969-12-31T23:59:59.9999Z", Millis),
            Some(Instant::from_millis(-1))
        );
    }

    #[test]
    fn offsets_in_every_form_the_iso_parser_takes() {
        // Iso8601Parser.parseZoneId: ±HH, ±HHmm, ±HH:mm, ±HHmmss, ±HH:mm:ss.
        let expected = "2024-01-01T08:00:00.000Z";
        for text in [
            "2024-01-01T10:00:00+02:00",
            "2024-01-01T10:00:00+0200",
            "2024-01-01T10:00:00+02",
            "2024-01-01T10:00+02:00",
            "2024-01-01T10+02",
        ] {
            assert_eq!(doc(text, Millis), expected, "{text}");
        }
        assert_eq!(
            doc("2024-01-01T10:00:00-05:30", Millis),
            "2024-01-01T15:30:00.000Z"
        );
        assert_eq!(
            doc("2024-01-01T10:00:00+02:00:30", Millis),
            "2024-01-01T07:59:30.000Z"
        );
        assert_eq!(
            doc("2024-01-01T10:00:00+020030", Millis),
            "2024-01-01T07:59:30.000Z"
        );
        assert_eq!(
            doc("2024-01-01T10:00:00.5-00:00", Millis),
            "2024-01-01T10:00:00.500Z"
        );
    }

    #[test]
    fn malformed_or_out_of_range_offsets_are_rejected() {
        for text in [
            "2024-01-01T10:00:00+2",           // one hour digit
            "2024-01-01T10:00:00+02:0",        // one minute digit
            "2024-01-01T10:00:00+0200:00",     // separators differ
            "2024-01-01T10:00:00+02:00:0",     // one second digit
            "2024-01-01T10:00:00+19:00",       // ZoneOffset allows ±18:00 at most
            "2024-01-01T10:00:00+24:00",       // Iso8601Parser: hours ≤ 23
            "2024-01-01T10:00:00+02:60",       // minutes ≤ 59
            "2024-01-01T10:00:00z",            // `Z` is upper-case only
            "2024-01-01T10:00:00 Z",           // no space before the zone
            "2024-01-01Z",                     // a zone needs a time
            "2024-01-01TZ",                    // …an hour at least
            "2024-01-01T10:00:00Europe/Paris", // needs a tz database (unsupported)
        ] {
            assert_eq!(doc(text, Millis), "rejected", "{text}");
        }
        assert_eq!(
            doc("2024-01-01T10:00:00+18:00", Millis),
            "2023-12-31T16:00:00.000Z"
        );
    }

    #[test]
    fn fixed_offset_zone_ids() {
        // Iso8601Parser falls back on ZoneId.of for zones starting with a letter:
        // UTC aliases, UTC/GMT/UT with a ZoneOffset.of offset, Etc/GMT±h.
        assert_eq!(
            doc("2024-01-01T10:00:00UTC", Millis),
            "2024-01-01T10:00:00.000Z"
        );
        assert_eq!(
            doc("2024-01-01T10:00:00Zulu", Millis),
            "2024-01-01T10:00:00.000Z"
        );
        assert_eq!(
            doc("2024-01-01T10:00:00UTC+01:00", Millis),
            "2024-01-01T09:00:00.000Z"
        );
        assert_eq!(
            doc("2024-01-01T10:00:00GMT-5", Millis),
            "2024-01-01T15:00:00.000Z"
        );
        assert_eq!(
            doc("2024-01-01T10:00:00UT+0130", Millis),
            "2024-01-01T08:30:00.000Z"
        );
        // tz database names Etc/GMT+h are *west* of UTC.
        assert_eq!(
            doc("2024-01-01T10:00:00Etc/GMT+5", Millis),
            "2024-01-01T15:00:00.000Z"
        );
        assert_eq!(
            doc("2024-01-01T10:00:00Etc/GMT-14", Millis),
            "2023-12-31T20:00:00.000Z"
        );
        for text in [
            "2024-01-01T10:00:00utc",        // region ids are case-sensitive
            "2024-01-01T10:00:00UTC+1:00",   // ZoneOffset.of has no ±h:mm form
            "2024-01-01T10:00:00Etc/GMT+13", // not in the tz database
            "2024-01-01T10:00:00Etc/GMT+05", // no leading zeros there either
        ] {
            assert_eq!(doc(text, Millis), "rejected", "{text}");
        }
    }

    #[test]
    fn separators_are_strict() {
        // strict_date_optional_time: literal `T`, `-`, `:`; no space, no lower-case `t`.
        for text in [
            "2024-01-01 10:15:30",
            "2024-01-01t10:15:30",
            "2024/01/01",
            "2024-1-1",
            "24-01-01",
            "2024-01-01T1:15",
            " 2024-01-01",
            "2024-01-01T10:15:30.123Z ",
            "",
        ] {
            assert_eq!(doc(text, Millis), "rejected", "{text:?}");
        }
    }

    #[test]
    fn leap_years_and_impossible_dates() {
        // ResolverStyle.STRICT and LocalDate.of: proleptic Gregorian leap years.
        assert_eq!(doc("2024-02-29", Millis), "2024-02-29T00:00:00.000Z");
        assert_eq!(doc("2000-02-29", Millis), "2000-02-29T00:00:00.000Z");
        for text in [
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-01-32",
            "2024-01-01T24:00",
            "2024-01-01T10:60",
            // Iso8601Parser: seconds ≤ 59, no leap second.
            "2016-12-31T23:59:60Z",
        ] {
            assert_eq!(doc(text, Millis), "rejected", "{text}");
        }
    }

    #[test]
    fn years_are_exactly_four_digits_and_may_be_negative() {
        // STRICT_YEAR_MONTH_DAY_FORMATTER: year width 4..4, SignStyle.EXCEEDS_PAD
        // (a `-` is allowed, a `+` is not); Iso8601Parser negates after a leading `-`.
        assert_eq!(doc("0000-01-01", Millis), "0000-01-01T00:00:00.000Z");
        assert_eq!(doc("-0001-01-01", Millis), "-0001-01-01T00:00:00.000Z");
        assert_eq!(
            doc("9999-12-31T23:59:59.999Z", Millis),
            "9999-12-31T23:59:59.999Z"
        );
        assert_eq!(doc("+2024-01-01", Millis), "rejected");
        assert_eq!(doc("12024-01-01", Millis), "rejected");
    }

    // --- Documents: which of the two formats applies ------------------------

    #[test]
    fn four_digits_are_a_year_not_epoch_millis() {
        // The first format wins (JavaDateFormatter tries parsers in order), and
        // strict_date_optional_time takes a bare 4-digit year. Elasticsearch
        // issue #51080 describes this for the default format.
        assert_eq!(doc("2024", Millis), "2024-01-01T00:00:00.000Z");
        assert_eq!(doc("0001", Millis), "0001-01-01T00:00:00.000Z");
        // A leading `-` and four digits is a negative year too (#51080).
        assert_eq!(doc("-2024", Millis), "-2024-01-01T00:00:00.000Z");
        // Anything else made of digits is epoch_millis.
        assert_eq!(doc("999", Millis), "1970-01-01T00:00:00.999Z");
        assert_eq!(doc("12345", Millis), "1970-01-01T00:00:12.345Z");
        assert_eq!(doc("-12345", Millis), "1969-12-31T23:59:47.655Z");
        assert_eq!(doc("1700000000000", Millis), "2023-11-14T22:13:20.000Z");
        assert_eq!(doc("0", Millis), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn epoch_millis_grammar() {
        // EpochTime: optional `-` (never `+`), 1–19 digits up to Long.MAX_VALUE,
        // then `.` and up to 6 more digits.
        assert_eq!(doc("1700000000000.5", Millis), "2023-11-14T22:13:20.000Z");
        assert_eq!(
            doc("1700000000000.5", Nanos),
            "2023-11-14T22:13:20.000500000Z"
        );
        assert_eq!(doc("1.123456", Nanos), "1970-01-01T00:00:00.001123456Z");
        assert_eq!(doc("1.1234567", Nanos), "rejected");
        assert_eq!(doc("123.", Millis), "1970-01-01T00:00:00.123Z");
        assert_eq!(doc("+123", Millis), "rejected");
        assert_eq!(doc("-", Millis), "rejected");
        assert_eq!(doc(".5", Millis), "rejected");
        assert_eq!(doc("1e3", Millis), "rejected");
        assert_eq!(doc("1_000", Millis), "rejected");
        assert_eq!(
            parse_document_text("9223372036854775807", Millis),
            Some(Instant::from_millis(i64::MAX))
        );
        assert_eq!(doc("9223372036854775808", Millis), "rejected");
        assert_eq!(doc("00000000000000000001", Millis), "rejected"); // 20 digits
    }

    #[test]
    fn negative_epoch_millis() {
        // EpochTime's NEGATIVE_SIGN_FIELD: negative values (with fractions) are
        // accepted; the sign applies to millis and fraction together.
        assert_eq!(
            parse_document_text("-1", Millis),
            Some(Instant::from_millis(-1))
        );
        // −1.5 ms floors to −2 ms in a `date` field (Instant.toEpochMilli).
        assert_eq!(
            parse_document_text("-1.5", Millis),
            Some(Instant::from_millis(-2))
        );
        assert_eq!(parse_document_text("-0", Millis), Some(Instant::EPOCH));
    }

    #[test]
    fn json_numbers_are_read_as_their_text() {
        // DateFieldMapper.parseCreateField takes parser().textOrNull(), the
        // number as written, through the same formats.
        assert_eq!(
            parse_document_number("1700000000000", Millis),
            parse_document_text("1700000000000", Millis)
        );
        let year = parse_document_number("2024", Millis).unwrap();
        assert_eq!(format(year, Millis), "2024-01-01T00:00:00.000Z");
        // `2024.0` is not 4 digits alone, so it is epoch_millis.
        let millis = parse_document_number("2024.0", Millis).unwrap();
        assert_eq!(millis, Instant::from_millis(2024));
        assert_eq!(
            parse_document_number("1.5", Nanos),
            Some(Instant(1_500_000))
        );
        assert_eq!(parse_document_number("1.7e12", Millis), None);
    }

    #[test]
    fn time_after_an_incomplete_date_is_a_java_time_quirk() {
        // Only the java.time parser takes `T` after a year or year-month. With
        // no month java.time resolves no date, and DateFormatters.from puts the
        // time on LOCALDATE_EPOCH (1970-01-01); with a month, on day 1.
        assert_eq!(doc("2024T10", Millis), "1970-01-01T10:00:00.000Z");
        assert_eq!(
            doc("2024T10:15:30Z", Nanos),
            "1970-01-01T10:15:30.000000000Z"
        );
        assert_eq!(doc("2024-05T10:30", Millis), "2024-05-01T10:30:00.000Z");
        // With no hour, it is the year (or month) alone.
        assert_eq!(doc("2024T", Millis), "2024-01-01T00:00:00.000Z");
        assert_eq!(doc("2024-05T", Millis), "2024-05-01T00:00:00.000Z");
    }

    // --- Documents: date_nanos ----------------------------------------------

    #[test]
    fn date_nanos_needs_seconds_once_a_time_is_written() {
        // DateFieldMapper: date_nanos defaults to strict_date_optional_time_nanos,
        // whose ISO parser has HOUR, MINUTE and SECOND mandatory with optional time.
        assert_eq!(doc("2024-01-01", Nanos), "2024-01-01T00:00:00.000000000Z");
        assert_eq!(doc("2024", Nanos), "2024-01-01T00:00:00.000000000Z");
        assert_eq!(
            doc("2024-01-01T10:15:30", Nanos),
            "2024-01-01T10:15:30.000000000Z"
        );
        assert_eq!(
            doc("2024-01-01T10:15:30+01:00", Nanos),
            "2024-01-01T09:15:30.000000000Z"
        );
        for text in [
            "2024-01-01T",
            "2024-01-01T10",
            "2024-01-01T10:15",
            "2024-01-01T10Z",
        ] {
            assert_eq!(doc(text, Nanos), "rejected", "{text}");
        }
    }

    #[test]
    fn date_nanos_range_is_1970_to_2262() {
        // DateUtils.toLong throws before the epoch and after 2262-04-11T23:47:16.854775807.
        assert_eq!(doc("1969-12-31T23:59:59.999999999Z", Nanos), "rejected");
        assert_eq!(doc("-1", Nanos), "rejected");
        assert_eq!(
            doc("1970-01-01T00:00:00Z", Nanos),
            "1970-01-01T00:00:00.000000000Z"
        );
        assert_eq!(
            doc("2262-04-11T23:47:16.854775807Z", Nanos),
            "2262-04-11T23:47:16.854775807Z"
        );
        assert_eq!(doc("2262-04-11T23:47:16.854775808Z", Nanos), "rejected");
        // The same dates are fine in a `date` field.
        assert_eq!(
            doc("1969-12-31T23:59:59.999999999Z", Millis),
            "1969-12-31T23:59:59.999Z"
        );
    }

    // --- Queries: plain dates and rounding ----------------------------------

    #[test]
    fn complete_timestamps_ignore_rounding() {
        for rounding in [Down, Up] {
            assert_eq!(
                query("2024-01-01T10:15:30.123Z", rounding, Millis),
                "2024-01-01T10:15:30.123Z"
            );
            assert_eq!(
                query("2024-01-01T10:15:30.123456789Z", rounding, Nanos),
                "2024-01-01T10:15:30.123456789Z"
            );
        }
    }

    #[test]
    fn rounding_up_fills_missing_time_with_the_last_instant() {
        // JavaDateFormatter's round-up parsers default HOUR 23, MINUTE 59,
        // SECOND 59, NANO_OF_SECOND 999999999 when not written.
        assert_eq!(
            query("2024-01-01T10:15:30", Up, Millis),
            "2024-01-01T10:15:30.999Z"
        );
        assert_eq!(
            query("2024-01-01T10:15:30", Up, Nanos),
            "2024-01-01T10:15:30.999999999Z"
        );
        assert_eq!(
            query("2024-01-01T10:15", Up, Millis),
            "2024-01-01T10:15:59.999Z"
        );
        assert_eq!(
            query("2024-01-01T10", Up, Millis),
            "2024-01-01T10:59:59.999Z"
        );
        assert_eq!(query("2024-01-01", Up, Millis), "2024-01-01T23:59:59.999Z");
        assert_eq!(
            query("2024-01-01", Down, Millis),
            "2024-01-01T00:00:00.000Z"
        );
        // A written fraction is kept as is.
        assert_eq!(
            query("2024-01-01T10:15:30.5", Up, Nanos),
            "2024-01-01T10:15:30.500000000Z"
        );
    }

    #[test]
    fn rounding_up_a_partial_date_stays_on_the_first_day() {
        // Round-up defaults are MONTH_OF_YEAR 1 and DAY_OF_MONTH 1, not the end
        // of the year or month (range query docs, "Missing date components").
        assert_eq!(query("2024-05", Up, Millis), "2024-05-01T23:59:59.999Z");
        assert_eq!(query("2024", Up, Millis), "2024-01-01T23:59:59.999Z");
        assert_eq!(query("2024", Down, Millis), "2024-01-01T00:00:00.000Z");
        // The java.time-only shape: the round-up parser defaults month and day.
        assert_eq!(query("2024T10", Up, Millis), "2024-01-01T10:59:59.999Z");
        assert_eq!(query("2024T10", Down, Millis), "1970-01-01T10:00:00.000Z");
    }

    #[test]
    fn rounding_up_epoch_millis_fills_sub_millisecond_digits() {
        // EpochTime's round-up parser defaults NANOS_OF_MILLI to 999999.
        assert_eq!(
            query("1700000000000", Up, Millis),
            "2023-11-14T22:13:20.000Z"
        );
        assert_eq!(
            query("1700000000000", Up, Nanos),
            "2023-11-14T22:13:20.000999999Z"
        );
        assert_eq!(
            query("1700000000000.5", Up, Nanos),
            "2023-11-14T22:13:20.000500000Z"
        );
        assert_eq!(
            query("1700000000000", Down, Nanos),
            "2023-11-14T22:13:20.000000000Z"
        );
    }

    #[test]
    fn rounding_up_a_negative_epoch_moves_away_from_zero() {
        // EpochTime subtracts the defaulted 999999 ns from a negative value, so
        // `-1` rounds up to −1.999999 ms, which floors to −2 ms in a `date` field.
        let up = parse_query("-1", now(), Up, Millis).unwrap();
        assert_eq!(up, Instant::from_millis(-2));
        let down = parse_query("-1", now(), Down, Millis).unwrap();
        assert_eq!(down, Instant::from_millis(-1));
    }

    #[test]
    fn query_values_use_the_same_formats_as_documents() {
        // Kibana's KQL grammar keeps unquoted values as strings (grammar.peggy,
        // UnquotedLiteral), so DateFieldType never switches to its epoch_millis-only
        // parser (that happens only for JSON numbers): `2024` is a year here too.
        assert_eq!(query("2024", Down, Millis), "2024-01-01T00:00:00.000Z");
        assert_eq!(
            query("1700000000000", Down, Millis),
            "2023-11-14T22:13:20.000Z"
        );
        assert_eq!(query("2024-01-01T10", Down, Nanos), "error: failed to parse date \"2024-01-01T10\" with format \"strict_date_optional_time_nanos||epoch_millis\"");
    }

    // --- Queries: now and date math -----------------------------------------

    #[test]
    fn now_is_whole_milliseconds() {
        // JavaDateMathParser takes now as epoch millis (SearchExecutionContext.nowInMillis).
        for rounding in [Down, Up] {
            assert_eq!(query("now", rounding, Millis), "2024-05-15T10:20:30.123Z");
            assert_eq!(
                query("now", rounding, Nanos),
                "2024-05-15T10:20:30.123000000Z"
            );
        }
    }

    #[test]
    fn every_unit_adds_and_subtracts() {
        // JavaDateMathParser units: y M w d h H m s.
        let cases = [
            ("now+1y", "2025-05-15T10:20:30.123Z"),
            ("now-1M", "2024-04-15T10:20:30.123Z"),
            ("now+2w", "2024-05-29T10:20:30.123Z"),
            ("now-1d", "2024-05-14T10:20:30.123Z"),
            ("now+1h", "2024-05-15T11:20:30.123Z"),
            ("now+1H", "2024-05-15T11:20:30.123Z"),
            ("now-5m", "2024-05-15T10:15:30.123Z"),
            ("now+30s", "2024-05-15T10:21:00.123Z"),
            ("now+d", "2024-05-16T10:20:30.123Z"), // no number means 1
            ("now+0d", "2024-05-15T10:20:30.123Z"),
            ("now-1000d", "2021-08-19T10:20:30.123Z"),
        ];
        for (text, expected) in cases {
            assert_eq!(query(text, Down, Millis), expected, "{text}");
        }
    }

    #[test]
    fn adding_does_not_round_up() {
        // JavaDateMathParser applies the round-up only to `/` steps
        // (`round && roundUpProperty`), so plain arithmetic is the same both ways.
        assert_eq!(query("now-1d", Up, Millis), query("now-1d", Down, Millis));
    }

    #[test]
    fn rounding_to_each_unit() {
        // `/unit` truncates; rounding up then adds one unit and subtracts one
        // millisecond. Weeks start on Monday (previousOrSame(MONDAY)).
        let cases = [
            (
                "now/y",
                "2024-01-01T00:00:00.000Z",
                "2024-12-31T23:59:59.999Z",
            ),
            (
                "now/M",
                "2024-05-01T00:00:00.000Z",
                "2024-05-31T23:59:59.999Z",
            ),
            (
                "now/w",
                "2024-05-13T00:00:00.000Z",
                "2024-05-19T23:59:59.999Z",
            ),
            (
                "now/d",
                "2024-05-15T00:00:00.000Z",
                "2024-05-15T23:59:59.999Z",
            ),
            (
                "now/h",
                "2024-05-15T10:00:00.000Z",
                "2024-05-15T10:59:59.999Z",
            ),
            (
                "now/H",
                "2024-05-15T10:00:00.000Z",
                "2024-05-15T10:59:59.999Z",
            ),
            (
                "now/m",
                "2024-05-15T10:20:00.000Z",
                "2024-05-15T10:20:59.999Z",
            ),
            (
                "now/s",
                "2024-05-15T10:20:30.000Z",
                "2024-05-15T10:20:30.999Z",
            ),
            (
                "now/1d",
                "2024-05-15T00:00:00.000Z",
                "2024-05-15T23:59:59.999Z",
            ),
        ];
        for (text, down, up) in cases {
            assert_eq!(query(text, Down, Millis), down, "{text}");
            assert_eq!(query(text, Up, Millis), up, "{text}");
        }
    }

    #[test]
    fn rounding_up_stops_at_the_last_millisecond_even_for_date_nanos() {
        // JavaDateMathParser subtracts ChronoField.MILLI_OF_SECOND's base unit.
        assert_eq!(query("now/d", Up, Nanos), "2024-05-15T23:59:59.999000000Z");
    }

    #[test]
    fn several_steps_apply_left_to_right() {
        assert_eq!(
            query("now-1d+2h/h", Down, Millis),
            "2024-05-14T12:00:00.000Z"
        );
        assert_eq!(query("now-1d+2h/h", Up, Millis), "2024-05-14T12:59:59.999Z");
        // A rounding in the middle is applied where it stands.
        assert_eq!(query("now/d+1h", Up, Millis), "2024-05-16T00:59:59.999Z");
        assert_eq!(query("now/M/y", Down, Millis), "2024-01-01T00:00:00.000Z");
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        // java.time plusMonths/plusYears keep the day or use the month's last day.
        assert_eq!(
            query("2024-01-31||+1M", Down, Millis),
            "2024-02-29T00:00:00.000Z"
        );
        assert_eq!(
            query("2024-01-31||+1M+1M", Down, Millis),
            "2024-03-29T00:00:00.000Z"
        );
        assert_eq!(
            query("2024-02-29||+1y", Down, Millis),
            "2025-02-28T00:00:00.000Z"
        );
        assert_eq!(
            query("2024-03-31||-1M", Down, Millis),
            "2024-02-29T00:00:00.000Z"
        );
        assert_eq!(
            query("2024-02-29||+4y", Down, Millis),
            "2028-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn anchored_math() {
        // JavaDateMathParser: the date before `||` is parsed, then the math applies.
        assert_eq!(
            query("2024-01-01||+1M/d", Down, Millis),
            "2024-02-01T00:00:00.000Z"
        );
        assert_eq!(
            query("2024-01-01||+1M/d", Up, Millis),
            "2024-02-01T23:59:59.999Z"
        );
        assert_eq!(
            query("1700000000000||/d", Down, Millis),
            "2023-11-14T00:00:00.000Z"
        );
        assert_eq!(
            query("2024-01-01T10:00:00+02:00||+1h", Down, Millis),
            "2024-01-01T09:00:00.000Z"
        );
    }

    #[test]
    fn the_anchor_date_never_rounds_up() {
        // JavaDateMathParser parses the part before `||` with roundUp = false, so
        // `2024-05||` is May 1st 00:00 even as an upper bound.
        assert_eq!(query("2024-05||", Up, Millis), "2024-05-01T00:00:00.000Z");
        assert_eq!(
            query("2024-05-17T10:15:30||", Up, Millis),
            "2024-05-17T10:15:30.000Z"
        );
        assert_eq!(query("2024-05||/M", Up, Millis), "2024-05-31T23:59:59.999Z");
    }

    #[test]
    fn anchored_math_runs_on_nanoseconds() {
        assert_eq!(
            query("2024-01-01T00:00:00.000000001Z||+1s", Down, Nanos),
            "2024-01-01T00:00:01.000000001Z"
        );
    }

    // --- Queries: errors ----------------------------------------------------

    #[test]
    fn unparseable_values_are_errors() {
        assert_eq!(
            query("yesterday", Down, Millis),
            "error: failed to parse date \"yesterday\" with format \"strict_date_optional_time||epoch_millis\""
        );
        assert_eq!(
            query("2024-13||+1d", Down, Millis),
            "error: failed to parse date \"2024-13\" in \"2024-13||+1d\" with format \"strict_date_optional_time||epoch_millis\""
        );
        // `now` is case-sensitive (text.startsWith("now")).
        assert!(query("NOW", Down, Millis).starts_with("error: failed to parse date"));
    }

    #[test]
    fn empty_dates_are_errors() {
        // JavaDateMathParser.parseDateTime: "cannot parse empty datetime".
        assert_eq!(
            query("", Down, Millis),
            "error: cannot parse an empty date in \"\""
        );
        assert_eq!(
            query("||+1d", Down, Millis),
            "error: cannot parse an empty date in \"||+1d\""
        );
    }

    #[test]
    fn malformed_math_is_an_error() {
        // JavaDateMathParser.parseMath's failures: unknown operator, truncated
        // expression, `/` with a number other than 1, unknown unit, int overflow.
        let cases = [
            ("now+", "truncated expression in date math \"now+\""),
            ("now-1", "truncated expression in date math \"now-1\""),
            (
                "now*1d",
                "operator \"*\" is not supported in date math \"now*1d\"",
            ),
            (
                "nowhere",
                "operator \"h\" is not supported in date math \"nowhere\"",
            ),
            (
                "now||+1d",
                "operator \"|\" is not supported in date math \"now||+1d\"",
            ),
            (
                "now-1d ",
                "operator \" \" is not supported in date math \"now-1d \"",
            ),
            (
                "now/2d",
                "rounding with \"/\" takes a single unit in date math \"now/2d\"",
            ),
            (
                "now/0d",
                "rounding with \"/\" takes a single unit in date math \"now/0d\"",
            ),
            (
                "now+1x",
                "unit \"x\" is not supported in date math \"now+1x\"",
            ),
            (
                "now+1D",
                "unit \"D\" is not supported in date math \"now+1D\"",
            ),
            (
                "now+1é",
                "unit \"é\" is not supported in date math \"now+1é\"",
            ),
            (
                "now+2147483648d",
                "number \"2147483648\" is too large in date math \"now+2147483648d\"",
            ),
            (
                "2024-01-01||+1d|",
                "operator \"|\" is not supported in date math \"2024-01-01||+1d|\"",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(
                query(text, Down, Millis),
                format!("error: {message}"),
                "{text}"
            );
        }
        assert_eq!(
            query("now+2147483647s", Down, Millis),
            "2092-06-02T13:34:37.123Z"
        );
    }

    #[test]
    fn math_past_java_time_years_is_an_error() {
        // java.time throws past year 999999999; a long of milliseconds ends
        // earlier, around year 292278994 (DateUtils.toLongMillis).
        assert_eq!(
            query("now+1000000000y", Down, Millis),
            "error: date math \"now+1000000000y\" goes past the years java.time supports"
        );
        assert_eq!(
            query("now+300000000y", Down, Millis),
            "error: date \"now+300000000y\" is too far from 1970 to be represented in milliseconds"
        );
    }

    #[test]
    fn date_nanos_queries_outside_1970_to_2262_are_errors() {
        // DateFieldType.parseToLong → Resolution.NANOSECONDS.convert → DateUtils.toLong
        // throws (Kibana issue #31424 shows the resulting search failure).
        assert_eq!(
            query("1969-01-01", Down, Nanos),
            "error: date \"1969-01-01\" is before 1970 and cannot be stored in nanosecond resolution"
        );
        assert_eq!(
            query("now+300y", Down, Nanos),
            "error: date \"now+300y\" is after 2262-04-11T23:47:16.854775807 and cannot be stored in nanosecond resolution"
        );
        assert_eq!(
            query("1969-01-01", Down, Millis),
            "1969-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn error_display_is_the_message() {
        let error = parse_query("nope", now(), Down, Millis).unwrap_err();
        assert_eq!(error.to_string(), error.message);
        assert!(!error.message.ends_with('.'));
        assert!(error.message.contains("\"nope\""));
    }

    // --- Intervals ----------------------------------------------------------

    #[test]
    fn each_operator_on_a_day() {
        // DateFieldType.dateRangeQuery: lower parsed with roundUp = !includeLower
        // then ++l when exclusive; upper parsed with roundUp = includeUpper then
        // --u when exclusive.
        assert_eq!(
            interval(Bound::Gt, "2024-01-01", Millis),
            pair("2024-01-02T00:00:00.000Z", "unbounded")
        );
        assert_eq!(
            interval(Bound::Gte, "2024-01-01", Millis),
            pair("2024-01-01T00:00:00.000Z", "unbounded")
        );
        assert_eq!(
            interval(Bound::Lt, "2024-01-01", Millis),
            pair("unbounded", "2023-12-31T23:59:59.999Z")
        );
        assert_eq!(
            interval(Bound::Lte, "2024-01-01", Millis),
            pair("unbounded", "2024-01-01T23:59:59.999Z")
        );
        // Kibana is.ts: `field: value` → gte value, lte value.
        assert_eq!(
            interval(Bound::Equals, "2024-01-01", Millis),
            pair("2024-01-01T00:00:00.000Z", "2024-01-01T23:59:59.999Z")
        );
    }

    #[test]
    fn one_unit_is_a_millisecond_or_a_nanosecond() {
        assert_eq!(
            interval(Bound::Gt, "2024-01-01T10:15:30.123Z", Millis).0,
            "2024-01-01T10:15:30.124Z"
        );
        assert_eq!(
            interval(Bound::Gt, "2024-01-01T10:15:30.123Z", Nanos).0,
            "2024-01-01T10:15:30.123000001Z"
        );
        assert_eq!(
            interval(Bound::Lt, "2024-01-01T10:15:30Z", Nanos).1,
            "2024-01-01T10:15:29.999999999Z"
        );
        assert_eq!(
            interval(Bound::Equals, "2024-01-01T10:15:30", Nanos),
            pair(
                "2024-01-01T10:15:30.000000000Z",
                "2024-01-01T10:15:30.999999999Z"
            )
        );
    }

    #[test]
    fn lte_a_month_covers_only_its_first_day() {
        // Range query docs, "Missing date components": month and day default to 01.
        let interval = query_interval(Bound::Lte, "2024-05", now(), Millis).unwrap();
        let may_first_evening = parse_document_text("2024-05-01T23:00:00Z", Millis).unwrap();
        let mid_may = parse_document_text("2024-05-15", Millis).unwrap();
        assert!(interval.contains(may_first_evening));
        assert!(!interval.contains(mid_may));
        // `field: 2024` is the first day of 2024, not the year.
        let year = query_interval(Bound::Equals, "2024", now(), Millis).unwrap();
        assert!(year.contains(parse_document_text("2024-01-01T12:00:00Z", Millis).unwrap()));
        assert!(!year.contains(parse_document_text("2024-06-01", Millis).unwrap()));
    }

    #[test]
    fn relative_intervals() {
        assert_eq!(
            interval(Bound::Equals, "now-1d/d", Millis),
            pair("2024-05-14T00:00:00.000Z", "2024-05-14T23:59:59.999Z")
        );
        assert_eq!(
            interval(Bound::Gt, "now", Millis),
            pair("2024-05-15T10:20:30.124Z", "unbounded")
        );
        assert_eq!(
            interval(Bound::Lt, "now/d", Millis),
            pair("unbounded", "2024-05-14T23:59:59.999Z")
        );
        assert_eq!(
            interval(Bound::Gt, "now/d", Millis),
            pair("2024-05-16T00:00:00.000Z", "unbounded")
        );
    }

    #[test]
    fn equals_a_full_timestamp_is_one_instant() {
        let interval = query_interval(Bound::Equals, "2024-01-01T10:15:30.123Z", now(), Millis);
        let value = parse_document_text("2024-01-01T10:15:30.123999Z", Millis).unwrap();
        let interval = interval.unwrap();
        assert_eq!(interval.from, interval.to);
        assert!(interval.contains(value));
    }

    #[test]
    fn equals_a_negative_epoch_is_empty() {
        // Down gives −1 ms and Up −2 ms (see rounding_up_a_negative_epoch…), so
        // Lucene's LongPoint range [−1, −2] matches nothing.
        let interval = query_interval(Bound::Equals, "-1", now(), Millis).unwrap();
        assert!(interval.is_empty());
        assert!(!interval.contains(Instant::from_millis(-1)));
    }

    #[test]
    fn exclusive_bounds_wrap_like_java_longs() {
        // `++l` on Long.MAX_VALUE wraps to Long.MIN_VALUE in dateRangeQuery.
        let interval = query_interval(Bound::Gt, "9223372036854775807", now(), Millis).unwrap();
        assert_eq!(interval.from, Some(Instant::from_millis(i64::MIN)));
    }

    #[test]
    fn interval_errors_come_from_parsing() {
        assert!(query_interval(Bound::Gte, "now-1x", now(), Millis).is_err());
        assert!(query_interval(Bound::Equals, "", now(), Nanos).is_err());
    }

    #[test]
    fn unbounded_sides_contain_everything() {
        let interval = Interval {
            from: None,
            to: None,
        };
        assert!(interval.contains(Instant(i128::MIN)));
        assert!(!interval.is_empty());
    }

    // --- Formatting ---------------------------------------------------------

    #[test]
    fn formats_like_java_time() {
        assert_eq!(format(Instant::EPOCH, Millis), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format(Instant::EPOCH, Nanos),
            "1970-01-01T00:00:00.000000000Z"
        );
        assert_eq!(format(Instant(-1), Millis), "1969-12-31T23:59:59.999Z");
        assert_eq!(format(Instant(-1), Nanos), "1969-12-31T23:59:59.999999999Z");
        let far = Instant::from_millis(i64::MAX);
        assert_eq!(format(far, Millis), "+292278994-08-17T07:12:55.807Z");
        let ancient = parse_document_text("-0044-03-15T12:00:00Z", Millis).unwrap();
        assert_eq!(format(ancient, Millis), "-0044-03-15T12:00:00.000Z");
    }

    #[test]
    fn calendar_round_trips_over_many_days() {
        for days in (-800_000..800_000).step_by(997) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
            assert!((1..=days_in_month(year, month)).contains(&day));
        }
    }
}
