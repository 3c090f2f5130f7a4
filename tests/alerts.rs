//! Alert documents, compared field by field with the case files in
//! `tests/cases/alerts/` (see the README there for the format).
//!
//! Set `UPDATE_GOLDEN=1` to rewrite the `alert` of every complete-document case
//! from the current output; review the diff before committing it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "common/json_cases.rs"]
mod json_cases;

use json_cases::json_case_files;
use kql_detect::engine::{Engine, RuleSource};
use kql_detect::ids::SourceIdentity;
use kql_detect::rule::azure_external_guest_user_invitation;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/alerts")
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

#[test]
fn alert_documents_match_their_case_files() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut skipped = Vec::new();
    for (name, case) in json_case_files("alerts") {
        let path = cases_dir().join(&name);
        match check(&name, &case) {
            Outcome::Passed => checked += 1,
            Outcome::Skipped(reason) => skipped.push(format!("{name}: {reason}")),
            Outcome::Failed(problems) => {
                failures.push(format!("{name}:\n  {}", problems.join("\n  ")))
            }
            Outcome::Updated(alert) => {
                let mut case = case;
                case["alert"] = alert;
                fs::write(&path, serde_json::to_string_pretty(&case).unwrap() + "\n").unwrap();
                checked += 1;
            }
        }
    }
    for reason in &skipped {
        println!("SKIPPED (corpus absent): {reason}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 5, "only {checked} alert cases ran");
}

enum Outcome {
    Passed,
    Skipped(String),
    Failed(Vec<String>),
    Updated(Value),
}

/// Runs one case: builds the engine, evaluates the event, compares.
fn check(name: &str, case: &Value) -> Outcome {
    let engine = match engine_for(&case["rule"], case) {
        Ok(engine) => engine,
        Err(reason) => return Outcome::Skipped(reason),
    };
    let event = match &case["event"] {
        Value::String(file) => read_json(&cases_dir().join("events").join(file)),
        inline => inline.clone(),
    };
    let now = Timestamp::parse_rfc3339(case["now"].as_str().unwrap_or("2026-11-26T09:05:00Z"))
        .unwrap_or_else(|| panic!("{name}: `now` is not RFC 3339"));
    let stored = case.get("stored").map(|stored| SourceIdentity {
        index: stored["index"].as_str().unwrap_or_default().to_string(),
        id: stored["id"].as_str().unwrap_or_default().to_string(),
    });
    let alerts = engine
        .evaluate_in(&event, stored.as_ref(), now)
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    compare(case, alerts)
}

fn compare(case: &Value, alerts: Vec<Value>) -> Outcome {
    let expected_count = case["alerts"].as_u64().unwrap_or(1) as usize;
    if alerts.len() != expected_count {
        return Outcome::Failed(vec![format!(
            "{} alerts, expected {expected_count}",
            alerts.len()
        )]);
    }
    let Some(actual) = alerts.into_iter().next() else {
        return Outcome::Passed;
    };
    let mut problems = Vec::new();
    if let Some(expected) = case.get("alert") {
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            return Outcome::Updated(actual);
        }
        problems.extend(differences(&leaves(expected), &leaves(&actual), true));
    }
    if let Some(Value::Object(fields)) = case.get("fields") {
        let expected: BTreeMap<String, Value> = fields
            .iter()
            .flat_map(|(path, value)| leaves_under(path, value))
            .collect();
        problems.extend(differences(&expected, &leaves(&actual), false));
    }
    let actual_leaves = leaves(&actual);
    for absent in case["absent"].as_array().into_iter().flatten() {
        let path = absent.as_str().unwrap_or_default();
        let under = format!("{path}.");
        if let Some(found) = actual_leaves
            .keys()
            .find(|leaf| *leaf == path || leaf.starts_with(&under))
        {
            problems.push(format!("{found}: present, expected no {path}"));
        }
    }
    if problems.is_empty() {
        Outcome::Passed
    } else {
        Outcome::Failed(problems)
    }
}

/// Every mismatch, by dotted path; with `complete`, unexpected fields too.
fn differences(
    expected: &BTreeMap<String, Value>,
    actual: &BTreeMap<String, Value>,
    complete: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, want) in expected {
        match actual.get(path) {
            Some(got) if got == want => {}
            Some(got) => problems.push(format!("{path}: got {got}, expected {want}")),
            None => problems.push(format!("{path}: missing, expected {want}")),
        }
    }
    if complete {
        for (path, got) in actual {
            if !expected.contains_key(path) {
                problems.push(format!("{path}: unexpected {got}"));
            }
        }
    }
    problems
}

/// A document as `path → leaf` pairs (`a.b.0.c`); empty arrays and objects are leaves.
fn leaves(document: &Value) -> BTreeMap<String, Value> {
    leaves_under("", document).into_iter().collect()
}

fn leaves_under(prefix: &str, value: &Value) -> Vec<(String, Value)> {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Object(fields) if !fields.is_empty() => fields
            .iter()
            .flat_map(|(key, child)| leaves_under(&join(key), child))
            .collect(),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .flat_map(|(index, child)| leaves_under(&join(&index.to_string()), child))
            .collect(),
        leaf => vec![(prefix.to_string(), leaf.clone())],
    }
}

/// The engine for a case's `rule`: `"builtin"`, `{"corpus": PATH}` (a rule file
/// in `../shared/corpus`), or a rule object in the rules API's shape.
fn engine_for(rule: &Value, case: &Value) -> Result<Engine, String> {
    let schema = Schema::builtin();
    let now = Timestamp(0);
    let engine = match rule {
        Value::String(builtin) if builtin == "builtin" => {
            Engine::new(vec![azure_external_guest_user_invitation()], &schema, now)
        }
        Value::Object(fields) if fields.contains_key("corpus") => {
            let relative = fields["corpus"].as_str().unwrap_or_default();
            let path = corpus_dir().join(relative);
            let Ok(text) = fs::read_to_string(&path) else {
                return Err(format!("{} not found", path.display()));
            };
            Engine::from_sources(
                vec![RuleSource::Text {
                    origin: relative.to_string(),
                    text,
                }],
                &schema,
                now,
            )
        }
        object => Engine::from_sources(vec![RuleSource::Object(object.clone())], &schema, now),
    };
    let engine = engine.unwrap_or_else(|error| panic!("the case's rule loads: {error}"));
    Ok(match case.get("space_id").and_then(Value::as_str) {
        Some(space) => engine.with_space(space.to_string()),
        None => engine,
    })
}

fn read_json(path: &Path) -> Value {
    let text =
        fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn every_case_file_says_why() {
    for entry in fs::read_dir(cases_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            let case = read_json(&path);
            let why = case.get("why").and_then(Value::as_str).unwrap_or_default();
            assert!(!why.is_empty(), "{} has no `why`", path.display());
        }
    }
}
