//! What Kibana 7.x does differently when it turns KQL into DSL: its
//! literals and its query-string escaping (the npm copy of Kibana 7.3,
//! `@cybernetex/kbn-es-query` 1.0.2, `src/kuery/ast/kuery.peg` and
//! `src/kuery/node_types/wildcard.js`).

use serde_json::Value;

use crate::kql::{Piece, WildcardPattern};

/// Kibana 7's `UnquotedLiteral`: text that JavaScript's `Number(sequence)`
/// reads becomes a number (`007` is 7, `1e3` is 1000, `0x10` is 16). In JSON,
/// as Elasticsearch receives it, infinities become `null` and `-0` is `0`.
pub(super) fn unquoted_number(text: &str) -> Option<Value> {
    let number = js_number(text)?;
    if !number.is_finite() {
        return Some(Value::Null);
    }
    serde_json::from_slice(js_number_text(number).as_bytes()).ok()
}

/// The name a numeric field literal becomes as a JavaScript object key (`String(number)`).
pub(super) fn unquoted_number_key(text: &str) -> Option<String> {
    js_number(text).map(js_number_text)
}

/// ECMAScript `StringToNumber` on a literal the parser has already trimmed
/// (as `String.prototype.trim` does); `None` for `NaN`.
fn js_number(text: &str) -> Option<f64> {
    if text.is_empty() {
        return Some(0.0);
    }
    if let Some(value) = non_decimal_integer(text) {
        return Some(value);
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if unsigned == "Infinity" {
        let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
        return Some(sign * f64::INFINITY);
    }
    // Rust also reads `inf` and `NaN`; JavaScript reads only digits here.
    let is_decimal_syntax = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && unsigned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    is_decimal_syntax.then(|| text.parse().ok()).flatten()
}

/// `0x…`, `0o…`, `0b…` (no sign), read exactly up to 2^128 and rounded once.
fn non_decimal_integer(text: &str) -> Option<f64> {
    let radix = match text.get(..2)?.to_ascii_lowercase().as_str() {
        "0x" => 16,
        "0o" => 8,
        "0b" => 2,
        _ => return None,
    };
    let digits = &text[2..];
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    match u128::from_str_radix(digits, radix) {
        Ok(value) => Some(value as f64),
        Err(_) => Some(digits.chars().fold(0.0, |value, c| {
            value * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
        })),
    }
}

/// ECMAScript `Number::toString`: the shortest digits that read back as the
/// same number, laid out as JavaScript does (`1e+21`, `1e-7`, `0.000001`).
fn js_number_text(number: f64) -> String {
    if number == 0.0 {
        return "0".to_string();
    }
    if number < 0.0 {
        return format!("-{}", js_number_text(-number));
    }
    let scientific = format!("{number:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let k = digits.len() as i64;
    let n = exponent + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (whole, fraction) = digits.split_at(n as usize);
        format!("{whole}.{fraction}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        format!("{first}{dot}{rest}e{sign}{}", (n - 1).abs())
    }
}

/// A wildcard as a range bound in Kibana 7: `namedArg.buildNode` wraps any
/// node that is not a literal in a literal, so the bound sent is the wildcard
/// node itself, `*`s written as Kibana's marker (Elasticsearch rejects it).
pub(super) fn wildcard_node(pattern: &WildcardPattern) -> Value {
    let value: String = pattern
        .pieces()
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.as_str(),
            Piece::AnySequence => "@kuery-wildcard@",
        })
        .collect();
    super::object([("type", "wildcard".into()), ("value", value.into())])
}

/// Kibana 7.3's `escapeQueryString`: the character class
/// `[+-=&|><!(){}[\]^"~*?:\\/]`, whose `+-=` is a *range* (U+002B to U+003D),
/// so digits, `,`, `.`, `;` are escaped too. Escaping a character that needs
/// none is harmless to Lucene; Kibana later fixed the class to `\-`.
pub(super) fn escape_query_string(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if ('+'..='=').contains(&c) || "&|><!(){}[]^\"~*?:\\/".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_javascript_reads_them() {
        let read = |text: &str| unquoted_number(text).map(|value| value.to_string());
        assert_eq!(read("007").as_deref(), Some("7"));
        assert_eq!(read("1e3").as_deref(), Some("1000"));
        assert_eq!(read("0x10").as_deref(), Some("16"));
        assert_eq!(read("0B101").as_deref(), Some("5"));
        assert_eq!(read(".5").as_deref(), Some("0.5"));
        assert_eq!(read("5.").as_deref(), Some("5"));
        assert_eq!(read("-0").as_deref(), Some("0"));
        assert_eq!(read("+2.50").as_deref(), Some("2.5"));
        assert_eq!(read("Infinity").as_deref(), Some("null"));
        assert_eq!(read("1e400").as_deref(), Some("null"));
        assert_eq!(read("").as_deref(), Some("0"));
        assert_eq!(
            read("12345678901234567890").as_deref(),
            Some("12345678901234567000")
        );
        for not_a_number in [
            "inf", "NaN", "infinity", "1_000", "0x", "-0x1", "1e", "1.2.3", "a1", "1 2",
        ] {
            assert_eq!(read(not_a_number), None, "{not_a_number}");
        }
    }

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        for (number, text) in [
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (123.456, "123.456"),
            (-2.0, "-2"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(js_number_text(number), text);
        }
    }

    #[test]
    fn the_kibana_7_escape_class_includes_the_plus_to_equals_range() {
        assert_eq!(escape_query_string("a-1.b,c;d e"), "a\\-\\1\\.b\\,c\\;d e");
        assert_eq!(escape_query_string("x@y"), "x@y");
    }
}
