//! Reads rules in the forms detection engineers have them: Elastic's
//! detection-rules TOML files, the Detection Engine API's JSON (one rule or an
//! array), and Kibana's rule export NDJSON (with its trailing export summary).
//!
//! Every rule in the input has an outcome: it loads, or it is reported — as
//! unsupported (another rule type or language), or as malformed with its place.
//! The library reads no files; callers pass each file's name and text.

use serde_json::{Map, Value};

use super::Rule;
use crate::error::{Error, ErrorType};
use crate::span::{floor_char_boundary, Span};

/// A rule read from a text, with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedRule {
    /// The rule.
    pub rule: Rule,
    /// The file (and line, for NDJSON) it was read from.
    pub origin: String,
    /// `[metadata] updated_date` of a detection-rules file, used to choose between duplicates.
    pub updated_date: Option<String>,
}

/// Reads every rule in `text`, which came from `origin` (a file name).
pub fn load(origin: &str, text: &str) -> Vec<Result<LoadedRule, Error>> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.starts_with('{')
        || trimmed.starts_with('[') && serde_json::from_slice::<Value>(trimmed.as_bytes()).is_ok()
    {
        return load_json(origin, text);
    }
    if looks_like_toml(trimmed) {
        return vec![load_toml(origin, text)];
    }
    vec![Err(Error::new(
        ErrorType::RuleInvalid,
        "unknown_format",
        "not a rule: expected detection-rules TOML, rules API JSON or a Kibana export (NDJSON)",
    )
    .in_origin(origin))]
}

/// A rule already in the model, from `origin`: checked as a rule read from a text is.
pub fn load_rule(origin: &str, rule: Rule) -> Result<LoadedRule, Error> {
    checked(Ok(rule), origin).map(|rule| LoadedRule {
        rule,
        origin: origin.to_string(),
        updated_date: None,
    })
}

/// True when `text` is shaped like a detection-rules TOML file.
pub fn looks_like_toml(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        line == "[rule]" || line == "[metadata]"
    })
}

fn load_toml(origin: &str, text: &str) -> Result<LoadedRule, Error> {
    // basic-toml recurses once per level without a limit: measure first.
    crate::limits::check_toml_depth(text).map_err(|error| error.in_origin(origin))?;
    let super::toml::Toml(table) = basic_toml::from_str(text).map_err(|error| {
        let offset = error
            .line_col()
            .map_or(0, |(line, column)| offset_of(text, line, column));
        let message = error.to_string();
        let message = message.split(" at line ").next().unwrap_or_default();
        Error::new(
            ErrorType::RuleInvalid,
            "malformed_toml",
            format!("malformed TOML: {message}"),
        )
        .at(Span::new(offset, offset), text)
        .in_origin(origin)
    })?;
    let rule = table.get("rule").ok_or_else(|| {
        Error::new(
            ErrorType::RuleInvalid,
            "malformed_rule",
            "the file has no [rule] table",
        )
        .in_origin(origin)
    })?;
    let updated_date = table
        .get("metadata")
        .and_then(|metadata| metadata.get("updated_date"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut value = rule.clone();
    normalize_whitespace(&mut value, None);
    checked(Rule::from_api_json(&value), origin).map(|rule| LoadedRule {
        rule,
        origin: origin.to_string(),
        updated_date,
    })
}

/// detection-rules wraps long strings over several lines in TOML and joins them
/// back when it loads a rule (rule_formatter.py `nested_normalize`: each line
/// stripped, joined with single spaces), except the query (only trimmed) and the
/// Markdown fields `note` and `setup`, which keep their layout.
fn normalize_whitespace(value: &mut Value, key: Option<&str>) {
    match value {
        Value::String(text) => match key {
            Some("query") => *text = text.trim().to_string(),
            Some("note" | "setup") => {}
            _ => {
                *text = text
                    .trim()
                    .lines()
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        },
        Value::Array(items) => {
            for item in items {
                normalize_whitespace(item, None);
            }
        }
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                normalize_whitespace(value, Some(key));
            }
        }
        _ => {}
    }
}

/// JSON: one rule object, an array of them, or NDJSON (one per line, as Kibana exports).
fn load_json(origin: &str, text: &str) -> Vec<Result<LoadedRule, Error>> {
    if let Ok(value) = serde_json::from_slice::<Value>(text.as_bytes()) {
        return match value {
            Value::Array(rules) => rules
                .iter()
                .enumerate()
                .filter_map(|(index, rule)| load_json_rule(rule, &format!("{origin}[{index}]")))
                .collect(),
            rule => load_json_rule(&rule, origin).into_iter().collect(),
        };
    }
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .filter_map(|(index, line)| {
            let line_origin = format!("{origin}, line {}", index + 1);
            match serde_json::from_slice::<Value>(line.as_bytes()) {
                Ok(value) => load_json_rule(&value, &line_origin),
                Err(error) => Some(Err(Error::new(
                    ErrorType::RuleInvalid,
                    "malformed_json",
                    format!("malformed JSON: {}", strip_position(&error.to_string())),
                )
                .at(character_at(line, error.column().saturating_sub(1)), line)
                .starting_at_line(index + 1)
                .in_origin(origin))),
            }
        })
        .collect()
}

/// One JSON object: a rule, or what else a Kibana export holds (the summary
/// line, exception lists and items: [`crate::exception::load`] reads those).
fn load_json_rule(value: &Value, origin: &str) -> Option<Result<LoadedRule, Error>> {
    let Value::Object(object) = value else {
        return Some(Err(Error::new(
            ErrorType::RuleInvalid,
            "malformed_rule",
            "a rule must be a JSON object",
        )
        .in_origin(origin)));
    };
    if is_export_summary(object) || is_exception_record(object) {
        return None;
    }
    Some(checked(Rule::from_api_json(value), origin).map(|rule| {
        LoadedRule {
            rule,
            origin: origin.to_string(),
            updated_date: object
                .get("updated_at")
                .and_then(Value::as_str)
                .map(str::to_string),
        }
    }))
}

/// An exception list container or item, as a Kibana rule export carries them after the rules.
fn is_exception_record(object: &Map<String, Value>) -> bool {
    object.contains_key("list_id") && !object.contains_key("rule_id")
}

/// The last line of a Kibana rule or exception list export: counts, no rule.
fn is_export_summary(object: &Map<String, Value>) -> bool {
    [
        "exported_count",
        "exported_rules_count",
        "exported_exception_list_count",
    ]
    .iter()
    .any(|key| object.contains_key(*key))
}

/// Validation and support checks, reported with the rule's name.
fn checked(rule: Result<Rule, Error>, origin: &str) -> Result<Rule, Error> {
    let rule = rule.map_err(|error| error.in_origin(origin))?;
    let named = |message: String| format!("rule \"{}\" ({}): {message}", rule.name, rule.rule_id);
    if let Some(reason) = rule.unsupported_reason() {
        return Err(Error::new(
            ErrorType::RuleUnsupported,
            "unsupported_rule",
            named(reason),
        )
        .in_origin(origin));
    }
    rule.validate().map_err(|reason| {
        Error::new(ErrorType::RuleInvalid, "invalid_rule", named(reason)).in_origin(origin)
    })?;
    Ok(rule)
}

/// The byte offset of a 0-based line and character column of `text`.
/// The byte offset of basic-toml's 0-based line and byte column, clamped to
/// the text and to a character boundary.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    floor_char_boundary(text, line_start + column)
}

/// The span of the character at byte `offset` (serde_json's column, which
/// counts bytes and may fall inside a character), or an empty span at the end.
fn character_at(text: &str, offset: usize) -> Span {
    let start = floor_char_boundary(text, offset);
    let length = text[start..].chars().next().map_or(0, char::len_utf8);
    Span::new(start, start + length)
}

fn strip_position(message: &str) -> &str {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(message, _)| message)
}

/// Of several rules with the same `rule_id`, keeps the most recently updated
/// (then the highest version, then the first read); the others are reported.
pub fn deduplicate(rules: Vec<LoadedRule>) -> (Vec<LoadedRule>, Vec<Error>) {
    let mut kept: Vec<LoadedRule> = Vec::new();
    let mut dropped = Vec::new();
    for rule in rules {
        match kept
            .iter_mut()
            .find(|kept| kept.rule.rule_id == rule.rule.rule_id)
        {
            None => kept.push(rule),
            Some(existing) => {
                let freshness =
                    |loaded: &LoadedRule| (loaded.updated_date.clone(), loaded.rule.version);
                let loser = if freshness(&rule) > freshness(existing) {
                    std::mem::replace(existing, rule)
                } else {
                    rule
                };
                dropped.push(
                    Error::new(
                        ErrorType::RuleInvalid,
                        "duplicate_rule",
                        format!(
                            "rule_id {} is also in {}, which is newer; this copy is ignored",
                            loser.rule.rule_id, existing.origin
                        ),
                    )
                    .in_origin(loser.origin),
                );
            }
        }
    }
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(rule_id: &str, origin: &str, updated_date: Option<&str>, version: u32) -> LoadedRule {
        LoadedRule {
            rule: Rule {
                rule_id: rule_id.to_string(),
                version,
                ..Rule::default()
            },
            origin: origin.to_string(),
            updated_date: updated_date.map(str::to_string),
        }
    }

    #[test]
    fn of_rules_sharing_an_id_the_fresher_is_kept_and_the_other_reported() {
        // (the rules read, in order; the origins kept; the origins reported with
        // the one each lost to)
        let cases = [
            (
                vec![
                    loaded("a", "old", Some("2024/01/01"), 9),
                    loaded("a", "new", Some("2025/01/01"), 1),
                ],
                vec!["new"],
                vec![("old", "new")],
            ),
            (
                vec![
                    loaded("a", "new", Some("2025/01/01"), 1),
                    loaded("a", "old", Some("2024/01/01"), 9),
                ],
                vec!["new"],
                vec![("old", "new")],
            ),
            // Same date: the higher version; then the first read.
            (
                vec![loaded("a", "v1", None, 1), loaded("a", "v2", None, 2)],
                vec!["v2"],
                vec![("v1", "v2")],
            ),
            (
                vec![
                    loaded("a", "first", None, 1),
                    loaded("a", "second", None, 1),
                ],
                vec!["first"],
                vec![("second", "first")],
            ),
            // Other ids are untouched, in the order read.
            (
                vec![
                    loaded("a", "x", None, 1),
                    loaded("b", "y", None, 1),
                    loaded("a", "z", None, 2),
                ],
                vec!["z", "y"],
                vec![("x", "z")],
            ),
        ];
        for (rules, kept_origins, reported) in cases {
            let (kept, dropped) = deduplicate(rules);
            let origins: Vec<&str> = kept.iter().map(|rule| rule.origin.as_str()).collect();
            assert_eq!(origins, kept_origins);
            let reports: Vec<(Option<String>, &str, String)> = dropped
                .into_iter()
                .map(|error| (error.origin, error.kind, error.message))
                .collect();
            let expected: Vec<(Option<String>, &str, String)> = reported
                .iter()
                .map(|(loser, winner)| {
                    let message = format!(
                        "rule_id a is also in {winner}, which is newer; this copy is ignored"
                    );
                    (Some(loser.to_string()), "duplicate_rule", message)
                })
                .collect();
            assert_eq!(reports, expected);
        }
    }
}
