//! Loading rules: detection-rules TOML, rules API JSON, Kibana export NDJSON,
//! Kibana's defaults, what is reported instead of loaded, and index patterns.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use kql_detect::engine::{Engine, RuleSource};
use kql_detect::ids::SourceIdentity;
use kql_detect::rule::load::{load, LoadedRule};
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;
use kql_detect::{Error, ErrorType};
use serde_json::json;

fn corpus() -> Option<PathBuf> {
    let directory =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/detection-rules-azure");
    directory.is_dir().then_some(directory)
}

fn loaded(origin: &str, text: &str) -> Vec<LoadedRule> {
    load(origin, text)
        .into_iter()
        .map(|result| result.unwrap_or_else(|error| panic!("{}", error.rendered())))
        .collect()
}

fn errors(origin: &str, text: &str) -> Vec<Error> {
    load(origin, text)
        .into_iter()
        .filter_map(Result::err)
        .collect()
}

const MINIMAL_TOML: &str = r#"
[metadata]
creation_date = "2026/11/01"
updated_date = "2026/11/20"

[rule]
author = ["kql-detect"]
description = "A rule written for this test."
name = "Test Rule"
risk_score = 47
rule_id = "00000000-0000-4000-8000-000000000001"
severity = "medium"
type = "query"
index = ["logs-azure.auditlogs-*"]
query = '''
event.action:"Add user"
'''
"#;

#[test]
fn every_azure_rule_in_the_corpus_loads() {
    let Some(corpus) = corpus() else {
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent");
        return;
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for directory in [
        corpus.clone(),
        corpus.join("rules_building_block"),
        corpus.join("guest-invite-history"),
    ] {
        for entry in std::fs::read_dir(directory).expect("readable corpus") {
            let path = entry.expect("readable entry").path();
            if path
                .extension()
                .is_some_and(|extension| extension == "toml")
            {
                files.push(path);
            }
        }
    }
    assert_eq!(
        files.len(),
        73,
        "68 rules and 5 historical versions of the guest-invite rule"
    );
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable rule");
        let rules = loaded(&path.display().to_string(), &text);
        assert_eq!(rules.len(), 1, "{}", path.display());
        let rule = &rules[0].rule;
        assert_eq!(
            (rule.rule_type.as_str(), rule.language.as_str()),
            ("query", "kuery")
        );
        assert!(
            !rule.query.starts_with('\n') && !rule.query.ends_with('\n'),
            "queries are trimmed"
        );
        assert!(rules[0].updated_date.is_some());
    }
}

#[test]
fn the_historical_seed_rule_loads_with_kibana_defaults() {
    let Some(corpus) = corpus() else {
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent");
        return;
    };
    let path = corpus.join(
        "guest-invite-history/2022-07-18_a5275149_initial_access_external_guest_user_invite.toml",
    );
    let rule = loaded(
        "seed.toml",
        &std::fs::read_to_string(path).expect("readable"),
    )
    .remove(0)
    .rule;
    let builtin = kql_detect::rule::azure_external_guest_user_invitation();
    assert_eq!(rule.rule_id, builtin.rule_id);
    assert_eq!(rule.query, builtin.query);
    assert_eq!(rule.name, builtin.name);
    // detection-rules joins the TOML's wrapped lines with spaces (rule_formatter.py nested_normalize).
    assert_eq!(rule.description, builtin.description);
    assert_eq!(rule.false_positives, builtin.false_positives);
    assert_eq!(rule.note, builtin.note);
    assert_eq!(rule.index, builtin.index);
    assert_eq!(rule.from, "now-25m");
    assert_eq!(rule.interval, "5m", "Kibana's default");
    assert_eq!(rule.to, "now", "Kibana's default");
    assert_eq!(rule.max_signals, 100, "Kibana's default");
    assert_eq!(rule.threat, builtin.threat);
    assert_eq!(rule.tags, builtin.tags);
    assert_eq!(rule.timestamp_override.as_deref(), Some("event.ingested"));
    // The TOML carries no version (Elastic keeps it in version.lock.json), so Kibana's default applies.
    assert_eq!(rule.version, 1);
}

#[test]
fn api_json_arrays_and_kibana_exports_load() {
    let api = json!({
        "rule_id": "r1", "name": "API rule", "description": "d", "type": "query", "language": "kuery",
        "query": "event.outcome:failure", "severity": "high", "risk_score": 73, "version": 4,
        "created_at": "2026-11-01T00:00:00.000Z", "actions": [], "output_index": ""
    });
    let single = loaded("rule.json", &api.to_string());
    assert_eq!(single[0].rule.version, 4);
    assert_eq!(single[0].rule.severity, "high");

    let array = json!([api, {"rule_id": "r2", "name": "Second", "description": "d", "type": "query",
        "query": "a:1", "severity": "low", "risk_score": 21}]);
    let rules = loaded("rules.json", &array.to_string());
    assert_eq!(
        rules
            .iter()
            .map(|rule| rule.rule.rule_id.as_str())
            .collect::<Vec<_>>(),
        ["r1", "r2"]
    );
    assert_eq!(
        rules[1].rule.language, "kuery",
        "Kibana's default for query rules"
    );

    let export = format!(
        "{}\n{}\n{}\n",
        api,
        json!({"rule_id": "r3", "name": "Threshold", "description": "d", "type": "threshold", "query": "*",
            "severity": "low", "risk_score": 21, "threshold": {"field": [], "value": 5}}),
        json!({"exported_count": 2, "exported_rules_count": 2, "missing_rules": [], "missing_rules_count": 0,
            "exported_exception_list_count": 0, "exported_exception_list_item_count": 0})
    );
    let results = load("export.ndjson", &export);
    assert_eq!(results.len(), 2, "the export summary is not a rule");
    assert_eq!(
        results[0]
            .as_ref()
            .map(|rule| rule.rule.rule_id.as_str())
            .ok(),
        Some("r1")
    );
    let unsupported = results[1]
        .as_ref()
        .expect_err("threshold rules are reported");
    assert_eq!(unsupported.error_type, ErrorType::RuleUnsupported);
    assert_eq!(unsupported.message, "rule \"Threshold\" (r3): threshold rules are not supported: kql-detect runs KQL query rules");
    assert_eq!(unsupported.origin.as_deref(), Some("export.ndjson, line 2"));
}

#[test]
fn every_unsupported_type_and_language_is_reported_by_name() {
    for (rule_type, language) in [
        ("eql", "eql"),
        ("esql", "esql"),
        ("threshold", "kuery"),
        ("new_terms", "kuery"),
        ("machine_learning", "kuery"),
        ("threat_match", "kuery"),
        ("query", "lucene"),
    ] {
        let rule = json!({"rule_id": "x", "name": format!("{rule_type} rule"), "description": "d", "type": rule_type,
            "language": language, "query": "a", "severity": "low", "risk_score": 1});
        let errors = errors("x.json", &rule.to_string());
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].error_type,
            ErrorType::RuleUnsupported,
            "{rule_type}/{language}"
        );
        assert!(
            errors[0].message.contains(&format!("{rule_type} rule")),
            "{}",
            errors[0].message
        );
    }
    let with_filters = json!({"rule_id": "x", "name": "f", "description": "d", "type": "query", "query": "a",
        "severity": "low", "risk_score": 1, "filters": [{"query": {"match_all": {}}}]});
    assert_eq!(
        errors("x.json", &with_filters.to_string())[0].error_type,
        ErrorType::RuleUnsupported
    );
}

#[test]
fn malformed_files_point_at_the_fault() {
    let broken = MINIMAL_TOML.replace("risk_score = 47", "risk_score = ");
    let error = errors("broken.toml", &broken).remove(0);
    assert_eq!(
        (error.error_type, error.kind),
        (ErrorType::RuleInvalid, "malformed_toml")
    );
    assert_eq!(error.line_column().map(|position| position.line), Some(10));
    assert!(
        error.rendered().contains("--> broken.toml, line 10"),
        "{}",
        error.rendered()
    );

    let ndjson = "{\"rule_id\": \"r1\", \"name\": \"n\", \"description\": \"d\", \"query\": \"a\", \"severity\": \"low\", \"risk_score\": 1}\n{\"rule_id\": \n";
    let results = load("export.ndjson", ndjson);
    assert!(results[0].is_ok());
    let error = results[1].as_ref().expect_err("line 2 is malformed");
    assert_eq!(error.line_column().map(|position| position.line), Some(2));

    let invalid = MINIMAL_TOML.replace("severity = \"medium\"", "severity = \"urgent\"");
    let error = errors("invalid.toml", &invalid).remove(0);
    assert_eq!(error.kind, "invalid_rule");
    assert!(error
        .message
        .contains("severity must be one of low, medium, high, critical, not `urgent`"));

    assert_eq!(
        errors("notes.txt", "just some notes")[0].kind,
        "unknown_format"
    );
}

/// Spans are byte offsets on character boundaries, also after (or at) text
/// beyond ASCII: serde_json and basic-toml count columns in bytes. Found by
/// fuzzing: an NDJSON rule line whose fault is a two-byte character got a
/// span ending inside it.
#[test]
fn malformed_files_point_at_the_fault_after_any_characters() {
    let at_fault = |error: &Error| {
        let (span, source) = (error.span().unwrap(), error.source().unwrap());
        assert!(source.is_char_boundary(span.end), "{error:?}");
        source.get(span.start..).unwrap().to_string()
    };
    let ndjson = "{\"rule_id\": \"r1\" \u{e9}}\n";
    let error = errors("export.ndjson", ndjson).remove(0);
    assert_eq!(error.kind, "malformed_json");
    assert!(at_fault(&error).starts_with('\u{e9}'), "{error:?}");

    let toml = "[rule]\nname = \"\u{e9}\u{e9}\u{e9}\" x\n";
    let error = errors("accents.toml", toml).remove(0);
    assert_eq!(error.kind, "malformed_toml");
    assert!(at_fault(&error).starts_with('x'), "{error:?}");
}

#[test]
fn rules_only_see_events_of_their_index_patterns() {
    let sources = vec![RuleSource::Text {
        origin: "test.toml".to_string(),
        text: MINIMAL_TOML.to_string(),
    }];
    let engine =
        Engine::from_sources(sources, &Schema::builtin(), Timestamp(0)).expect("the rule compiles");
    let now = Timestamp(0);
    let event = json!({"event": {"action": "Add user"}});
    let stored_in = |index: &str| SourceIdentity {
        index: index.to_string(),
        id: "hit-1".to_string(),
    };
    // Without any index information, every rule searches the event.
    assert_eq!(engine.evaluate(&event, now).unwrap().len(), 1);
    // A search hit's backing index belongs to a data stream the pattern covers.
    let backing = ".ds-logs-azure.auditlogs-default-2026.11.20-000001";
    assert_eq!(
        engine
            .evaluate_in(&event, Some(&stored_in(backing)), now)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        engine
            .evaluate_in(
                &event,
                Some(&stored_in("logs-azure.signinlogs-default")),
                now
            )
            .unwrap()
            .len(),
        0
    );
    // The event's own data_stream fields name its data stream.
    let signin = json!({"event": {"action": "Add user"}, "data_stream": {"type": "logs", "dataset": "azure.signinlogs", "namespace": "default"}});
    assert_eq!(engine.evaluate(&signin, now).unwrap().len(), 0);
    // The caller can say where a whole input comes from.
    let engine = engine.with_index(Some("filebeat-7.17.0-2026.11.20".to_string()));
    assert_eq!(engine.evaluate(&event, now).unwrap().len(), 0);
}
