//! The search request of one rule execution, against the case files in
//! tests/cases/requests/: each holds a rule (rules API JSON), the execution
//! time, optionally the field types, and the request Kibana's detection engine
//! would send, compared key order and all. Exceptions come either as
//! `exceptions` (exception list records, with `lists` for value lists), which
//! `dsl::exception_clauses` writes as the lists plugin does and which must
//! also come out of an `Engine` given the rule and the records, or as
//! `exception_clauses` already built.
//! UPDATE_SNAPSHOTS=1 writes the requests produced into the files, to review.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

#[path = "common/json_cases.rs"]
mod json_cases;

use json_cases::json_case_files;
use kql_detect::dsl::request::search_request;
use kql_detect::dsl::{exception_clauses, DataView, Form};
use kql_detect::engine::{Engine, ExceptionSource, RuleSource};
use kql_detect::exception::{self, ExceptionSet, ValueLists};
use kql_detect::rule::Rule;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;
use serde_json::Value;

#[test]
fn requests_match_their_case_files() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/requests");
    let cases = json_case_files("requests");
    assert!(!cases.is_empty());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, case)| {
            check(&directory.join(name), case)
                .err()
                .map(|error| format!("{name}: {error}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn check(path: &Path, case: &Value) -> Result<(), String> {
    let rule = Rule::from_api_json(&case["rule"]).map_err(|error| error.to_string())?;
    let schema = match case.get("fields") {
        Some(fields) => Schema::from_value(fields).map_err(|error| error.to_string())?,
        None => Schema::builtin(),
    };
    let now = case["now"]
        .as_str()
        .and_then(Timestamp::parse_rfc3339)
        .ok_or("`now` must be an RFC 3339 time")?;
    let records = exception_records(case);
    let lists: ValueLists = match case.get("lists") {
        Some(lists) => serde_json::from_value(lists.clone()).map_err(|error| error.to_string())?,
        None => ValueLists::new(),
    };
    let exceptions = match (&records, case["exception_clauses"].as_array()) {
        (Some(_), Some(_)) => return Err("give exceptions or exception_clauses, not both".into()),
        (Some(records), None) => {
            let mut set = ExceptionSet::default();
            for record in exception::load("exceptions", records) {
                set.add(record.map_err(|error| error.rendered())?);
            }
            exception_clauses(&set.items, now, &lists).map_err(|error| error.rendered())?
        }
        (None, clauses) => clauses.cloned().unwrap_or_default(),
    };
    let search = search_request(
        &rule,
        &DataView::of(&schema),
        Form::Current,
        now,
        &exceptions,
    )
    .map_err(|error| error.rendered())?;
    if let Some(records) = &records {
        check_engine(case, records, &lists, &schema, now, &search.request)?;
    }
    let pretty = |value: &Value| serde_json::to_string_pretty(value).unwrap_or_default();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let mut updated = case.clone();
        updated["request"] = search.request.clone();
        updated["warnings"] = serde_json::to_value(&search.warnings).unwrap_or_default();
        std::fs::write(path, pretty(&updated) + "\n").map_err(|error| error.to_string())?;
        return Ok(());
    }
    if pretty(&search.request) != pretty(&case["request"]) {
        return Err(format!(
            "request differs:\n--- expected\n{}\n--- got\n{}",
            pretty(&case["request"]),
            pretty(&search.request)
        ));
    }
    let warnings = serde_json::to_value(&search.warnings).unwrap_or_default();
    if case
        .get("warnings")
        .is_some_and(|expected| *expected != warnings)
    {
        return Err(format!("warnings differ: {}", pretty(&warnings)));
    }
    Ok(())
}

/// A case's `exceptions` as NDJSON text, one record a line, as an exception
/// list export holds them.
fn exception_records(case: &Value) -> Option<String> {
    let records = case.get("exceptions")?.as_array()?;
    Some(
        records
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// An engine given the case's rule and exception records (items of lists no
/// rule names apply to every rule) sends the same request.
fn check_engine(
    case: &Value,
    records: &str,
    lists: &ValueLists,
    schema: &Schema,
    now: Timestamp,
    expected: &Value,
) -> Result<(), String> {
    let engine = Engine::from_sources_and_exceptions(
        vec![RuleSource::Object(case["rule"].clone())],
        vec![ExceptionSource {
            origin: "exceptions".to_string(),
            text: records.to_string(),
        }],
        lists,
        schema,
        now,
    )
    .map_err(|error| error.rendered())?;
    let searches = engine
        .search_requests(Form::Current, now)
        .map_err(|error| error.rendered())?;
    // As text, so that key order counts (maps compare equal in any order).
    let text = |value: &Value| serde_json::to_string(value).unwrap_or_default();
    match &searches[..] {
        [search] if text(&search.request) == text(expected) => Ok(()),
        [search] => Err(format!(
            "the engine's request differs:\n{}",
            serde_json::to_string_pretty(&search.request).unwrap_or_default()
        )),
        other => Err(format!("the engine made {} requests", other.len())),
    }
}
