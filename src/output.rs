//! Results as JavaScript hosts receive them.
//!
//! JavaScript numbers are doubles, so `JSON.parse` silently rounds integers
//! beyond 2^53 (Azure sequence numbers, correlation counters, some ids). Before
//! results cross into JavaScript, such integers are turned into strings with
//! the same digits: the value stays exact, and Elasticsearch indexes a numeric
//! string in a long field as the number it spells.

use serde_json::Value;

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Rewrites, in place, every integer JavaScript cannot hold exactly as a string
/// of its digits.
pub fn protect_large_integers(value: &mut Value) {
    match value {
        Value::Number(number) if is_unsafe_integer(&number.to_string()) => {
            *value = Value::String(number.to_string());
        }
        Value::Array(items) => items.iter_mut().for_each(protect_large_integers),
        Value::Object(fields) => fields.values_mut().for_each(protect_large_integers),
        _ => {}
    }
}

/// Whether `text` (a JSON number as written) is an integer beyond ±(2^53 − 1).
fn is_unsafe_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
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
        let mut value: Value = serde_json::from_str(
            r#"{"big": 12345678901234567890, "neg": -9007199254740992, "edge": 9007199254740991,
                "small": 42, "float": 1.5, "exp": 1e300, "list": [18446744073709551616]}"#,
        )
        .unwrap();
        protect_large_integers(&mut value);
        assert_eq!(value["big"], "12345678901234567890");
        assert_eq!(value["neg"], "-9007199254740992");
        assert_eq!(value["list"][0], "18446744073709551616");
        assert!(value["edge"].is_number());
        assert!(value["small"].is_number());
        assert!(value["float"].is_number());
        assert!(value["exp"].is_number());
    }
}
