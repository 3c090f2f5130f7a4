//! Scheduled execution, replayed: the case files in `tests/cases/replay/` give
//! rules, events and the executions Kibana would run, with hand-computed
//! expectations (see the README there).

use std::fs;
use std::path::Path;

#[path = "common/json_cases.rs"]
mod json_cases;

use json_cases::json_case_files;
use kql_detect::engine::{Engine, ExceptionSource, ReplayEvent, ReplayOptions, RuleSource};
use kql_detect::ids::SourceIdentity;
use kql_detect::rule::azure_external_guest_user_invitation;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;
use serde_json::{json, Value};

#[test]
fn replays_match_their_case_files() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, case) in json_case_files("replay") {
        assert!(
            case["why"].as_str().is_some_and(|why| !why.is_empty()),
            "{name}: no `why`"
        );
        match check(&case) {
            Ok(true) => ran += 1,
            Ok(false) => println!("SKIPPED (corpus absent): {name}"),
            Err(problems) => failures.push(format!("{name}:\n  {}", problems.join("\n  "))),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 5, "only {ran} replay cases ran");
}

/// Runs one case; `Ok(false)` when it needs the corpus and the corpus is absent.
fn check(case: &Value) -> Result<bool, Vec<String>> {
    let Some(engine) = engine_for(&case["rules"], &case["exceptions"]) else {
        return Ok(false);
    };
    let events = events_of(case);
    let time = |key: &str| {
        case["options"][key]
            .as_str()
            .map(|text| Timestamp::parse_rfc3339(text).expect("RFC 3339 option"))
    };
    let options = ReplayOptions {
        start: time("start"),
        end: time("end"),
    };
    let replay = engine
        .replay(&events, options)
        .map_err(|error| vec![error.to_string()])?;
    let expect = &case["expect"];
    let mut problems = Vec::new();
    let mut same = |what: &str, got: Value, want: &Value| {
        if !want.is_null() && got != *want {
            problems.push(format!("{what}: got {got}, expected {want}"));
        }
    };
    same("alerts", json!(replay.alerts.len()), &expect["alerts"]);
    same(
        "execution count",
        json!(replay.executions.len()),
        &expect["execution_count"],
    );
    let with_matches: Vec<Value> = replay
        .executions
        .iter()
        .filter(|execution| execution.matched > 0)
        .map(|execution| {
            json!({
                "time": execution.time,
                "matched": execution.matched,
                "created": execution.created,
                "deduplicated": execution.deduplicated,
                "truncated": execution.truncated,
                "warnings": execution.warnings,
            })
        })
        .collect();
    same(
        "executions with matches",
        json!(with_matches),
        &expect["executions_with_matches"],
    );
    same(
        "gaps",
        serde_json::to_value(&replay.gaps).unwrap(),
        &expect["gaps"],
    );
    same(
        "untimed",
        serde_json::to_value(&replay.untimed).unwrap(),
        &expect["untimed"],
    );
    let original_times: Vec<Value> = replay
        .alerts
        .iter()
        .map(|alert| alert["kibana"]["alert"]["original_time"].clone())
        .collect();
    same(
        "alerts' original times",
        json!(original_times),
        &expect["alert_original_times"],
    );
    if problems.is_empty() {
        Ok(true)
    } else {
        Err(problems)
    }
}

/// `"builtin"`, or a list of rule objects and `{"corpus": PATH}` references,
/// with `exceptions` (exception lists and items) when given.
fn engine_for(rules: &Value, exceptions: &Value) -> Option<Engine> {
    let schema = Schema::builtin();
    let exceptions: Vec<ExceptionSource> = exceptions
        .as_array()
        .into_iter()
        .flatten()
        .map(|record| ExceptionSource {
            origin: "exceptions".to_string(),
            text: record.to_string(),
        })
        .collect();
    let build = |sources| {
        Engine::from_sources_and_exceptions(
            sources,
            exceptions.clone(),
            &Default::default(),
            &schema,
            Timestamp(0),
        )
        .expect("the case's rules load")
    };
    if rules == "builtin" {
        let rule = serde_json::to_value(azure_external_guest_user_invitation()).unwrap();
        return Some(build(vec![RuleSource::Object(rule)]));
    }
    let mut sources = Vec::new();
    for rule in rules.as_array().expect("`rules` is \"builtin\" or a list") {
        match rule.get("corpus").and_then(Value::as_str) {
            Some(relative) => {
                let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../shared/corpus")
                    .join(relative);
                let text = fs::read_to_string(path).ok()?;
                sources.push(RuleSource::Text {
                    origin: relative.to_string(),
                    text,
                });
            }
            None => sources.push(RuleSource::Object(rule.clone())),
        }
    }
    Some(build(sources))
}

/// `events` as given, plus `generate`: `count` copies of `template`, the
/// n-th with `@timestamp` = `start` + n × `every_ms` and `event.sequence` = n.
fn events_of(case: &Value) -> Vec<ReplayEvent> {
    let mut documents: Vec<(Value, Option<SourceIdentity>)> = case["events"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|event| match event.get("_source") {
            Some(source) => (
                source.clone(),
                Some(SourceIdentity {
                    index: event["_index"].as_str().unwrap_or_default().to_string(),
                    id: event["_id"].as_str().unwrap_or_default().to_string(),
                }),
            ),
            None => (event.clone(), None),
        })
        .collect();
    if let Some(generate) = case.get("generate") {
        let start = Timestamp::parse_rfc3339(generate["start"].as_str().unwrap()).unwrap();
        let every = generate["every_ms"].as_i64().unwrap();
        for n in 0..generate["count"].as_u64().unwrap() as i64 {
            let mut event = generate["template"].clone();
            event["@timestamp"] = json!(Timestamp(start.0 + n * every).to_string());
            event["event"]["sequence"] = json!(n);
            documents.push((event, None));
        }
    }
    documents
        .into_iter()
        .map(|(document, stored)| ReplayEvent { document, stored })
        .collect()
}

#[test]
fn a_span_needing_too_many_executions_is_refused() {
    let engine = Engine::builtin();
    let events = [ReplayEvent {
        document: json!({"@timestamp": "2026-11-26T09:00:00Z"}),
        stored: None,
    }];
    let options = ReplayOptions {
        start: Timestamp::parse_rfc3339("1990-01-01T00:00:00Z"),
        end: None,
    };
    let error = engine.replay(&events, options).unwrap_err();
    assert_eq!(error.kind, "too_many_executions");
}
