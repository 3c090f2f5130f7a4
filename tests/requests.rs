//! The search request of one rule execution, against the case files in
//! tests/cases/requests/: each holds a rule (rules API JSON), the execution
//! time, optionally the field types and exception clauses, and the request
//! Kibana's detection engine would send, compared key order and all.
//! UPDATE_SNAPSHOTS=1 writes the requests produced into the files, to review.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

#[path = "common/json_cases.rs"]
mod json_cases;

use json_cases::json_case_files;
use kql_detect::dsl::request::search_request;
use kql_detect::dsl::{DataView, Form};
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
    let exceptions = case["exception_clauses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let search = search_request(
        &rule,
        &DataView::of(&schema),
        Form::Current,
        now,
        &exceptions,
    )
    .map_err(|error| error.rendered())?;
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
