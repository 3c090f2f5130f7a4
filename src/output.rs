//! Results as JavaScript hosts receive them.
//!
//! JavaScript numbers are doubles, so `JSON.parse` silently rounds integers
//! beyond 2^53 (Azure sequence numbers, correlation counters, some ids). When
//! results are written for JavaScript, such integers are written as strings
//! with the same digits: the value stays exact, and Elasticsearch indexes a
//! numeric string in a long field as the number it spells.
//!
//! The protection happens while the JSON text is written ([`JsSafe`]), not
//! on a copy of the value: an alert is several kilobytes, and copying it (or
//! rewriting it in place, number by number) cost more than writing it.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// `value` serialised as JavaScript must receive it: every integer JavaScript
/// cannot hold exactly becomes a string of its digits; everything else is
/// written as `value` itself would be.
#[derive(Clone, Copy, Debug)]
pub struct JsSafe<'a>(pub &'a Value);

impl Serialize for JsSafe<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Number(number) if is_unsafe_integer(number) => {
                serializer.serialize_str(number.as_str())
            }
            Value::Array(items) => {
                let mut sequence = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    sequence.serialize_element(&JsSafe(item))?;
                }
                sequence.end()
            }
            Value::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, field) in fields {
                    map.serialize_entry(key, &JsSafe(field))?;
                }
                map.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// Whether `number` (kept as written, see serde_json's `arbitrary_precision`)
/// is an integer beyond ±(2^53 − 1).
fn is_unsafe_integer(number: &Number) -> bool {
    let text = number.as_str();
    let digits = text.strip_prefix('-').unwrap_or(text);
    // Sixteen digits or more, since 2^53 − 1 has sixteen: shorter ones are safe.
    if digits.len() < 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    digits
        .parse::<u64>()
        .map_or(true, |magnitude| magnitude > MAX_SAFE_INTEGER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_integers_beyond_two_to_the_53_become_strings() {
        let value: Value = serde_json::from_str(
            r#"{"big": 12345678901234567890, "neg": -9007199254740992, "edge": 9007199254740991,
                "small": 42, "float": 1.5, "exp": 1e300, "text": "7",
                "list": [18446744073709551616, {"deep": 9007199254740993}]}"#,
        )
        .unwrap();
        let written = serde_json::to_string(&JsSafe(&value)).unwrap();
        assert_eq!(
            written,
            concat!(
                r#"{"big":"12345678901234567890","neg":"-9007199254740992","edge":9007199254740991,"#,
                r#""small":42,"float":1.5,"exp":1e+300,"text":"7","#,
                r#""list":["18446744073709551616",{"deep":"9007199254740993"}]}"#
            )
        );
    }
}
