//! Severity, risk-score and rule-name overrides read from the matched event.
//!
//! Kibana reads each override field from the hit's `_source` with lodash
//! `get`: a top-level key spelled exactly like the path wins, otherwise the
//! path is followed through nested objects (`transform_hit_to_alert.ts`).
//! The value rules below are those of `build_severity_from_mapping.ts`,
//! `build_risk_score_from_mapping.ts` and `build_rule_name_from_mapping.ts`.

use serde_json::Value;

use crate::rule::{Rule, SeverityMapping, SEVERITIES};

/// What the event changes about the alert.
#[derive(Clone, Debug, PartialEq)]
pub struct Overrides {
    /// `kibana.alert.rule.name` (and the name in the reason).
    pub rule_name: String,
    /// `kibana.alert.severity`.
    pub severity: String,
    /// `kibana.alert.risk_score`.
    pub risk_score: Value,
}

/// The overrides `rule` takes from `event` (its values when nothing applies).
pub fn overrides(rule: &Rule, event: &Value) -> Overrides {
    Overrides {
        rule_name: rule_name(rule, event),
        severity: severity(rule, event),
        risk_score: risk_score(rule, event),
    }
}

/// `severity_mapping` sorted by severity, as Kibana sorts it (in place, so the
/// alert's copy of the mapping is sorted too).
pub fn sorted_severity_mapping(rule: &Rule) -> Vec<SeverityMapping> {
    let mut mapping = rule.severity_mapping.clone();
    crate::sort::sort_by_key(&mut mapping, |entry| severity_rank(&entry.severity));
    mapping
}

/// A string value of the override field replaces the name; anything else
/// (an array, even of one string) does not.
fn rule_name(rule: &Rule, event: &Value) -> String {
    rule.rule_name_override
        .as_deref()
        .and_then(|field| lodash_get(event, field))
        .and_then(Value::as_str)
        .map_or_else(|| rule.name.clone(), str::to_string)
}

/// The highest severity whose entry's value the event's field holds.
fn severity(rule: &Rule, event: &Value) -> String {
    let winner = sorted_severity_mapping(rule)
        .into_iter()
        .rev()
        .find(|entry| severity_entry_matches(entry, event))
        .map(|entry| entry.severity);
    match winner {
        Some(severity) if SEVERITIES.contains(&severity.as_str()) => severity,
        _ => rule.severity.clone(),
    }
}

fn severity_entry_matches(entry: &SeverityMapping, event: &Value) -> bool {
    let Some(found) = lodash_get(event, &entry.field) else {
        return false;
    };
    let values = as_list(found);
    if entry.field == "event.severity" {
        // Kibana compares numbers here: only integer values of the event, and
        // the entry's value through Math.floor(Number(value)).
        let wanted = js_number(&entry.value).floor();
        return values
            .filter_map(safe_integer)
            .any(|value| value as f64 == wanted);
    }
    values
        .filter_map(|value| match value {
            Value::String(text) => Some(text.clone()),
            other => safe_integer(other).map(|number| number.to_string()),
        })
        .any(|text| text == entry.value)
}

/// The largest 0–100 number in the field of the first mapping entry.
fn risk_score(rule: &Rule, event: &Value) -> Value {
    let mapped = rule
        .risk_score_mapping
        .first()
        .and_then(|entry| lodash_get(event, &entry.field))
        .and_then(|found| {
            as_list(found)
                .filter_map(|value| match value {
                    Value::Number(number) => number.as_f64(),
                    Value::String(text) => Some(js_number(text)),
                    _ => None,
                })
                .filter(|score| score.is_finite() && (0.0..=100.0).contains(score))
                .fold(None, |best: Option<f64>, score| {
                    Some(best.map_or(score, |best| best.max(score)))
                })
        });
    match mapped {
        Some(score) => js_number_value(score),
        None => Value::from(rule.risk_score),
    }
}

fn severity_rank(severity: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|known| *known == severity)
        .unwrap_or(0)
}

fn as_list(value: &Value) -> impl Iterator<Item = &Value> {
    match value {
        Value::Array(items) => items.iter(),
        single => std::slice::from_ref(single).iter(),
    }
}

/// JavaScript's `Number.isSafeInteger` on a JSON number.
fn safe_integer(value: &Value) -> Option<i64> {
    const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
    let number = value.as_number()?.as_f64()?;
    (number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER).then_some(number as i64)
}

/// A number as JavaScript would write it back into JSON: integers without `.0`.
fn js_number_value(number: f64) -> Value {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        Value::from(number as i64)
    } else {
        serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
    }
}

/// lodash `get(object, path)`: the key spelled `path` if the object has it,
/// else the dotted path through objects (and array indices).
pub fn lodash_get<'v>(object: &'v Value, path: &str) -> Option<&'v Value> {
    if let Some(exact) = object.get(path) {
        return Some(exact);
    }
    path.split('.')
        .try_fold(object, |current, key| match current {
            Value::Object(map) => map.get(key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|index| items.get(index)),
            _ => None,
        })
}

/// JavaScript's `Number(text)`: surrounding whitespace ignored, `""` is 0,
/// `0x`/`0o`/`0b` prefixes, `Infinity`; NaN for anything else.
pub fn js_number(text: &str) -> f64 {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.is_empty() {
        return 0.0;
    }
    let radix = match trimmed.get(..2) {
        Some("0x" | "0X") => Some(16),
        Some("0o" | "0O") => Some(8),
        Some("0b" | "0B") => Some(2),
        _ => None,
    };
    if let Some(radix) = radix {
        return u128::from_str_radix(&trimmed[2..], radix).map_or(f64::NAN, |n| n as f64);
    }
    let unsigned = trimmed.trim_start_matches(['+', '-']);
    if unsigned == "Infinity" && trimmed.len() - unsigned.len() <= 1 {
        return if trimmed.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    // Rust also reads "inf", "nan" and "infinity", which JavaScript does not.
    let is_decimal = unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !is_decimal || trimmed.len() - unsigned.len() > 1 {
        return f64::NAN;
    }
    trimmed.parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn js_number_reads_what_javascript_reads() {
        for (text, expected) in [
            ("42", 42.0),
            (" 42\n", 42.0),
            ("", 0.0),
            ("  ", 0.0),
            ("4.5e1", 45.0),
            (".5", 0.5),
            ("5.", 5.0),
            ("+7", 7.0),
            ("-7", -7.0),
            ("0x1f", 31.0),
            ("Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
        ] {
            assert_eq!(js_number(text), expected, "Number({text:?})");
        }
        for text in [
            "abc", "inf", "nan", "infinity", "1_000", "--1", "+-1", "0x", "1 2",
        ] {
            assert!(js_number(text).is_nan(), "Number({text:?}) is NaN");
        }
    }

    #[test]
    fn lodash_get_prefers_the_exact_top_level_key() {
        let event = json!({"a.b": 1, "a": {"b": 2, "c": [{"d": 3}]}, "x": {"y.z": 4}});
        assert_eq!(lodash_get(&event, "a.b"), Some(&json!(1)));
        assert_eq!(lodash_get(&event, "a.c.0.d"), Some(&json!(3)));
        // Only the top level is tried whole: lodash splits the path otherwise.
        assert_eq!(lodash_get(&event, "x.y.z"), None);
    }
}
