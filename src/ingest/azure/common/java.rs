//! How Elasticsearch's Java side sees a parsed JSON value: which class holds a
//! number, how `toString()` prints it, how Painless multiplies it, how
//! `convert` turns it into text or a number, and in which order a
//! `java.util.HashMap` yields its keys.
//!
//! The pipelines' outputs depend on all of these: an `int` duration wraps at
//! 2^31 when scaled to nanoseconds, `event.action` is `operationName` as Java
//! prints it, and a Painless loop over an index-keyed map visits `"11"` before
//! `"1"`.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use crate::collect::try_map;

/// The Java class Jackson (Elasticsearch's JSON parser) gives a JSON number.
pub(crate) enum JavaNumber {
    /// `java.lang.Integer`: an integer that fits 32 bits.
    Int(i32),
    /// `java.lang.Long`: an integer that fits 64 bits.
    Long(i64),
    /// `java.math.BigInteger`, with its decimal text.
    BigInteger(String),
    /// `java.lang.Double`: any number written with a fraction or an exponent.
    Double(f64),
}

impl JavaNumber {
    /// Jackson's choice for `number`, read from its JSON text
    /// (`serde_json`'s `arbitrary_precision` keeps that text).
    pub(crate) fn of(number: &Number) -> JavaNumber {
        let text = number.to_string();
        if text.contains(['.', 'e', 'E']) {
            return JavaNumber::Double(text.parse().unwrap_or(f64::NAN));
        }
        if let Ok(int) = text.parse() {
            JavaNumber::Int(int)
        } else if let Ok(long) = text.parse() {
            JavaNumber::Long(long)
        } else {
            JavaNumber::BigInteger(text)
        }
    }

    /// The class name Elasticsearch writes in type errors.
    fn class_name(&self) -> &'static str {
        match self {
            JavaNumber::Int(_) => "java.lang.Integer",
            JavaNumber::Long(_) => "java.lang.Long",
            JavaNumber::BigInteger(_) => "java.math.BigInteger",
            JavaNumber::Double(_) => "java.lang.Double",
        }
    }
}

/// The Java class Elasticsearch holds a parsed JSON value in, as named in its
/// error messages.
pub(crate) fn class_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(number) => JavaNumber::of(number).class_name(),
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.HashMap",
    }
}

/// Java's `Object.toString()` of an ingest value, which is also what the
/// `date` processor parses and what `convert` to string yields: strings as
/// they are, numbers as Java prints them, lists as `[a, b]`, maps as `{k=v}`,
/// and `null` for null.
pub(crate) fn to_string(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number_to_string(number),
        Value::String(text) => text.clone(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(to_string).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(key, value)| format!("{key}={}", to_string(value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// What a mustache template (`{{field}}`) renders: nothing for a missing or
/// null field, Java's `toString()` otherwise.
pub(crate) fn render_template(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(value) => to_string(value),
    }
}

fn number_to_string(number: &Number) -> String {
    match JavaNumber::of(number) {
        JavaNumber::Int(int) => int.to_string(),
        JavaNumber::Long(long) => long.to_string(),
        JavaNumber::BigInteger(text) => text,
        JavaNumber::Double(double) => double_to_string(double),
    }
}

/// Java's `Double.toString`: plain decimal with at least one fraction digit
/// for magnitudes in [10^-3, 10^7), computerized scientific notation
/// (`1.0E7`) otherwise.
fn double_to_string(double: f64) -> String {
    if double.is_nan() {
        return "NaN".into();
    }
    if double.is_infinite() {
        let sign = if double > 0.0 { "" } else { "-" };
        return format!("{sign}Infinity");
    }
    if double == 0.0 || (1e-3..1e7).contains(&double.abs()) {
        let plain = format!("{double:?}");
        return if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        };
    }
    let scientific = format!("{double:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    if mantissa.contains('.') {
        format!("{mantissa}E{exponent}")
    } else {
        format!("{mantissa}.0E{exponent}")
    }
}

/// A Java `double` as JSON; the infinities, which JSON cannot hold, as Java
/// prints them.
fn double_value(double: f64) -> Value {
    Number::from_f64(double).map_or_else(|| Value::String(double_to_string(double)), Value::Number)
}

/// The `convert` processor with `type: string`: a list converts item by
/// item. A null item fails, as Java's `toString()` on it throws.
pub(crate) fn convert_to_string(value: &Value) -> Result<Value, String> {
    match value {
        Value::Array(items) => try_map(items, |item| match item {
            Value::Null => Err(NULL_TO_STRING.to_string()),
            item => Ok(Value::String(to_string(item))),
        })
        .map(Value::Array),
        other => Ok(Value::String(to_string(other))),
    }
}

const NULL_TO_STRING: &str = "Cannot invoke \"Object.toString()\" because \"value\" is null";

/// Painless `value * factor` for a `def` value and an `int` factor: a
/// `Double` stays a double, a `Long` multiplies as `long`, and every other
/// number as `int` (`intValue()`, so a `BigInteger` keeps its low 32 bits),
/// all with Java's silent overflow. Anything but a number fails with
/// Painless's message.
pub(crate) fn multiply_by_int(value: &Value, factor: i32) -> Result<Value, String> {
    let Value::Number(number) = value else {
        return Err(format!(
            "Cannot apply [*] operation to types [{}] and [java.lang.Integer].",
            class_name(value)
        ));
    };
    Ok(match JavaNumber::of(number) {
        JavaNumber::Int(int) => Value::from(int.wrapping_mul(factor)),
        JavaNumber::Long(long) => Value::from(long.wrapping_mul(i64::from(factor))),
        JavaNumber::BigInteger(text) => Value::from(low_32_bits(&text).wrapping_mul(factor)),
        JavaNumber::Double(double) => double_value(double * f64::from(factor)),
    })
}

/// Painless's comparison of a `def` number with the `int` 0 (`None` for
/// NaN, which JSON cannot hold): a `BigInteger` compares by its `intValue()`.
pub(crate) fn compare_to_zero(number: &Number) -> Option<Ordering> {
    match JavaNumber::of(number) {
        JavaNumber::Int(int) => Some(int.cmp(&0)),
        JavaNumber::Long(long) => Some(long.cmp(&0)),
        JavaNumber::BigInteger(text) => Some(low_32_bits(&text).cmp(&0)),
        JavaNumber::Double(double) => double.partial_cmp(&0.0),
    }
}

/// `BigInteger.intValue()` of a decimal integer: its low 32 bits, two's complement.
fn low_32_bits(decimal: &str) -> i32 {
    let (negative, digits) = match decimal.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, decimal),
    };
    let magnitude = digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0u32, |low, digit| {
            low.wrapping_mul(10).wrapping_add(u32::from(digit - b'0'))
        });
    let bits = if negative {
        magnitude.wrapping_neg()
    } else {
        magnitude
    };
    i32::from_ne_bytes(bits.to_ne_bytes())
}

/// `convert` with `type: long`: Java's `Long.parseLong`, or `Long.decode`
/// for `0x` / `-0x` hexadecimal.
pub(crate) fn parse_long(text: &str) -> Option<i64> {
    match parse_hex(text) {
        Some(hex) => i64::try_from(hex?).ok(),
        None => text.parse().ok(),
    }
}

/// `convert` with `type: integer`: `Integer.parseInt`, or `Integer.decode`
/// for `0x` / `-0x` hexadecimal.
pub(crate) fn parse_int(text: &str) -> Option<i32> {
    match parse_hex(text) {
        Some(hex) => i32::try_from(hex?).ok(),
        None => text.parse().ok(),
    }
}

/// `Some` when the text is written in hexadecimal (`0x…`, `-0x…`), with its
/// value if the digits are valid.
fn parse_hex(text: &str) -> Option<Option<i128>> {
    let (negative, digits) = match (text.strip_prefix("0x"), text.strip_prefix("-0x")) {
        (Some(digits), _) => (false, digits),
        (None, Some(digits)) => (true, digits),
        (None, None) => return None,
    };
    if digits.starts_with(['+', '-']) {
        return Some(None);
    }
    let magnitude = i128::from_str_radix(digits, 16).ok();
    Some(magnitude.map(|magnitude| if negative { -magnitude } else { magnitude }))
}

/// Every number as Elasticsearch stores it after parsing: doubles come back
/// in Java's shortest form (`78.376632690429688` → `78.37663269042969`),
/// integers keep their digits. A double beyond the range of `double` (Java's
/// infinity) has no JSON form and becomes null.
pub(crate) fn canonical_numbers(value: Value) -> Value {
    match value {
        Value::Number(number) => match JavaNumber::of(&number) {
            JavaNumber::Double(double) => {
                Number::from_f64(double).map_or(Value::Null, Value::Number)
            }
            _ => Value::Number(number),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(canonical_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (key, canonical_numbers(value)))
                .collect(),
        ),
        other => other,
    }
}

/// The order in which a `java.util.HashMap` (default capacity and load
/// factor) holding `keys`, inserted in the given order, iterates them: by
/// bucket, then by insertion within a bucket. With 11 or more index keys the
/// order is no longer numeric (`"0"`, `"11"`, `"1"`, …, `"10"` for 12 keys).
/// Bins large enough to become trees (8 colliding keys) are not modelled.
pub(crate) fn hash_map_order<'a>(keys: &[&'a String]) -> Vec<&'a String> {
    let mut capacity = 16;
    while keys.len() > capacity / 4 * 3 {
        capacity *= 2;
    }
    let mut ordered: Vec<(usize, usize, &'a String)> = keys
        .iter()
        .enumerate()
        .map(|(insertion, key)| (hash_map_bucket(key, capacity), insertion, *key))
        .collect();
    crate::sort::sort_by_key(&mut ordered, |&(bucket, insertion, _)| (bucket, insertion));
    ordered.into_iter().map(|(_, _, key)| key).collect()
}

fn hash_map_bucket(key: &str, capacity: usize) -> usize {
    let hash = key.encode_utf16().fold(0u32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(u32::from(unit))
    });
    // HashMap spreads the high bits of String.hashCode() into the low ones.
    usize::try_from(hash ^ (hash >> 16)).unwrap_or(0) & (capacity - 1)
}
