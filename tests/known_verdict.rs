//! Events the lazy reader finds rules alerting on keep its verdict, and are
//! named by the hash of their own text when it is what serde_json writes
//! (`src/engine/known.rs`, `src/engine/canonical.rs`). Checked against the
//! full path (`evaluate_input` on the parsed value): the same alerts (ids
//! included), counts and deduplication, for every case event and the bundled
//! sample, each spelled several ways (as written, as serde_json writes it,
//! with whitespace, escapes serde_json does not write, a repeated key), sent
//! twice, through engines whose rules alert on an event together or apart.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cases.rs"]
#[allow(dead_code)] // only the case-file parser is used here
mod cases;
#[path = "common/rule_cases.rs"]
mod rule_cases;
#[path = "common/rule_files.rs"]
mod rule_files;

use kql_detect::engine::{Engine, EngineOptions, InputOutcome, RecentAlerts};
use kql_detect::limits::DEFAULT_MAX_JSON_DEPTH;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;
use serde_json::Value;

const NOW: Timestamp = Timestamp(1_764_244_800_000);

fn engine(options: &str) -> Engine {
    Engine::from_options(&EngineOptions::from_json(options).unwrap(), NOW).unwrap()
}

/// Engines whose rules alert on the sample events alone and together, in each mode.
fn engines() -> Vec<(&'static str, Engine)> {
    let two_rules = r#""rules": ["event.dataset:azure.auditlogs and event.outcome:success", "azure.auditlogs.operation_name:\"Invite external user\""]"#;
    let mut engines = vec![
        ("built-in rule", engine("{}")),
        ("built-in rule, filter", engine(r#"{"mode": "filter"}"#)),
        (
            "built-in rule, an index",
            engine(r#"{"index": "logs-azure.auditlogs-default"}"#),
        ),
        ("built-in rule, a space", engine(r#"{"spaceId": "soc"}"#)),
        ("two rules", engine(&format!("{{{two_rules}}}"))),
        (
            "two rules, input ecs",
            engine(&format!(r#"{{{two_rules}, "input": "ecs"}}"#)),
        ),
    ];
    match corpus_engine() {
        Some(engine) => engines.push(("corpus rules", engine)),
        None => eprintln!("SKIPPED: ../shared/corpus is absent, so its rules are not compared"),
    }
    engines
}

/// Every rule of the corpus at once.
fn corpus_engine() -> Option<Engine> {
    let sources = rule_files::rule_sources(&cases::corpus_rules_directory()?);
    Some(Engine::from_sources(sources, &Schema::builtin(), NOW).unwrap())
}

/// Each text spelled as written, as serde_json writes it, and in ways
/// serde_json does not write; and, where it is stored in a `logs` data
/// stream, stored in a `metrics` one.
fn spellings(text: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return vec![text.to_string()];
    };
    let compact = value.to_string();
    let mut spellings = vec![
        text.to_string(),
        compact.clone(),
        serde_json::to_string_pretty(&value).unwrap(),
        compact.replace('/', "\\/"),
        compact.replacen("\"azure\"", "\"\\u0061zure\"", 1),
        compact.replacen('e', "\\u0065", 1),
    ];
    if let Some(rest) = compact.strip_prefix('{') {
        spellings.push(format!(r#"{{"repeated":1,"repeated":2,{rest}"#));
        spellings.push(format!(r#"{{"n":1E2,{rest}"#));
        spellings.push(format!(r#"{{"n":1e+2,{rest}"#));
        // A data stream field written both dotted and nested: the two readers
        // meet its values in different orders.
        spellings.push(format!(r#"{{"data_stream.type":"logs",{rest}"#));
        spellings.push(format!(r#"{{"data_stream.type":"metrics",{rest}"#));
        spellings.push(format!(r#"{{"data_stream.namespace":"other",{rest}"#));
        if let Some(start) = compact.strip_suffix('}') {
            spellings.push(format!(r#"{start},"data_stream.dataset":"other"}}"#));
        }
    }
    // A data stream the rules' index patterns (`logs-azure*`) do not
    // search: their queries match, their indices refuse.
    let logs = r#""namespace":"default","type":"logs"}"#;
    if compact.contains(logs) {
        let metrics = r#""namespace":"default","type":"metrics"}"#;
        spellings.push(compact.replace(logs, metrics));
    }
    spellings
}

fn texts() -> Vec<String> {
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/azure-auditlogs.ndjson"),
    )
    .unwrap();
    sample
        .lines()
        .map(str::to_string)
        .chain(
            rule_cases::rule_case_events()
                .into_iter()
                .map(|(_, text)| text),
        )
        .flat_map(|text| spellings(&text))
        .collect()
}

fn full_path(engine: &Engine, text: &str, recent: &mut RecentAlerts) -> InputOutcome {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => engine.evaluate_input(value, Some(text), NOW, Some(recent)),
        // Malformed text: the lazy path must fail it too.
        Err(_) => engine.evaluate_input_json(text, 0, NOW, Some(recent)),
    }
}

#[test]
fn a_kept_verdict_gives_the_full_paths_alerts_ids_and_deduplication() {
    let texts = texts();
    for (name, engine) in engines() {
        let mut lazy_recent = engine.recent_alerts();
        let mut full_recent = engine.recent_alerts();
        let (mut matched, mut deduplicated) = (0, 0);
        // Twice: the second time every alert is one created recently.
        for text in texts.iter().chain(&texts) {
            let lazy = engine.evaluate_input_json(
                text,
                DEFAULT_MAX_JSON_DEPTH,
                NOW,
                Some(&mut lazy_recent),
            );
            let full = full_path(&engine, text, &mut full_recent);
            assert_eq!(lazy.outputs, full.outputs, "{name}: {text}");
            assert_eq!(lazy.documents, full.documents, "{name}: {text}");
            assert_eq!(lazy.matched, full.matched, "{name}: {text}");
            assert_eq!(lazy.deduplicated, full.deduplicated, "{name}: {text}");
            assert_eq!(lazy.errors.len(), full.errors.len(), "{name}: {text}");
            assert_eq!(lazy_recent.len(), full_recent.len(), "{name}: {text}");
            matched += lazy.matched;
            deduplicated += lazy.deduplicated;
        }
        assert!(matched > 40, "{name}: only {matched} events matched");
        if !name.ends_with("filter") {
            assert!(
                deduplicated > 20,
                "{name}: only {deduplicated} alerts deduplicated"
            );
        }
    }
}

/// The id of an event sent as serde_json writes it is the hash of its text,
/// and the same for every spelling of the same value: pinned here for one
/// sample event, so that a shortcut that hashed other text would fail.
#[test]
fn every_spelling_of_an_event_has_one_document_id_and_alert_id() {
    let engine = engine("{}");
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/azure-auditlogs.ndjson"),
    )
    .unwrap();
    let first = sample.lines().next().unwrap();
    let uuid_of = |text: &str| {
        let outcome = engine.evaluate_input_json(text, DEFAULT_MAX_JSON_DEPTH, NOW, None);
        let alert = &outcome.outputs[0];
        let ids = (
            alert.pointer("/kibana/alert/uuid").cloned(),
            alert.pointer("/kibana/alert/ancestors/0/id").cloned(),
        );
        assert!(ids.0.as_ref().is_some_and(Value::is_string), "{alert}");
        ids
    };
    let value: Value = serde_json::from_str(first).unwrap();
    let expected = uuid_of(&value.to_string());
    for spelling in spellings(first).iter().take(6) {
        assert_eq!(uuid_of(spelling), expected, "{spelling}");
    }
}

/// Events nested around the depth limit, where the lazy reader's and the
/// structure check's own limits lie: an event the full path refuses as too
/// deep is refused every time it is sent (whether it holds the rule's
/// literals or not, and as text or as a line's bytes), and never enters the
/// memory of recent alerts.
#[test]
fn events_around_the_depth_limit_are_refused_as_the_full_path_refuses_them() {
    let engine = engine(r#"{"rules": ["g:1"]}"#);
    for max_json_depth in [127, 128, 129, 130] {
        for nested in 125..=130 {
            for (field, matches) in [("g", true), ("h", false)] {
                let text = format!(
                    r#"{{"{field}":1,"f":{}{}}}"#,
                    "[".repeat(nested),
                    "]".repeat(nested)
                );
                check_depth_outcomes(&engine, &text, nested + 1, max_json_depth, matches);
            }
        }
    }
}

fn check_depth_outcomes(
    engine: &Engine,
    text: &str,
    levels: usize,
    max_json_depth: usize,
    matches: bool,
) {
    let mut recent = engine.recent_alerts();
    for send in 0..4 {
        let outcome = if send % 2 == 0 {
            engine.evaluate_input_json(text, max_json_depth, NOW, Some(&mut recent))
        } else {
            engine.evaluate_input_line(text.as_bytes(), max_json_depth, NOW, Some(&mut recent))
        };
        let case = format!("{text:.8}, {levels} levels, limit {max_json_depth}, send {send}");
        if levels > max_json_depth {
            assert_eq!(outcome.errors.len(), 1, "{case}");
            assert_eq!(outcome.documents, 0, "{case}");
            assert_eq!(recent.len(), 0, "{case}");
        } else {
            assert!(outcome.errors.is_empty(), "{case}");
            assert_eq!(outcome.documents, 1, "{case}");
            assert_eq!(outcome.matched, usize::from(matches), "{case}");
            let deduplicated = usize::from(matches && send > 0);
            assert_eq!(outcome.deduplicated, deduplicated, "{case}");
        }
    }
}
