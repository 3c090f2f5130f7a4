//! The lazy reader (`kql_detect::scan`) against the full parse: on every
//! event of every case file, each query must reach the same verdict on the
//! projected event as on the parsed one.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cases.rs"]
#[allow(dead_code)] // only the case-file parser is used here
mod cases;

use kql_detect::compile::CompiledQuery;
use kql_detect::event::JsonEvent;
use kql_detect::kql;
use kql_detect::limits::DEFAULT_MAX_JSON_DEPTH;
use kql_detect::scan::{FieldSet, Scanner};
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;

/// Every case file: the embedded ones and the corpus rules' ones.
fn all_case_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = cases::CASE_FILES
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/rules");
    for entry in std::fs::read_dir(rules).expect("tests/cases/rules") {
        let path = entry.expect("readable").path();
        let name = format!("rules/{}", path.file_name().unwrap().to_string_lossy());
        files.push((name, std::fs::read_to_string(&path).unwrap()));
    }
    files
}

/// The case's query: its own, the built-in rule's, or a corpus rule's.
fn query_of(get: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(query) = get("query") {
        return Some(query);
    }
    if get("rule").as_deref() == Some("seed") {
        return Some(kql_detect::rule::azure_external_guest_user_invitation().query);
    }
    let file = get("rule-file")?;
    let directory = cases::corpus_rules_directory()?;
    let text = std::fs::read_to_string(directory.join(&file)).ok()?;
    let loaded = kql_detect::rule::load::load(&file, &text)
        .into_iter()
        .next()?
        .ok()?;
    Some(loaded.rule.query)
}

#[test]
fn projected_events_give_the_same_verdicts_as_parsed_ones() {
    let mut scanner = Scanner::default();
    let mut compared = 0;
    for (file, text) in all_case_files() {
        for case in cases::parse_case_file(&file, &text) {
            let get = |key: &str| {
                case.entries
                    .iter()
                    .find(|(name, _)| name == key)
                    .map(|(_, value)| value.clone())
            };
            let (Some(query), Some(event_text)) = (query_of(&get), get("event")) else {
                continue;
            };
            let (query, event_text) = (query.as_str(), event_text.as_str());
            if get("input").is_some() {
                continue;
            }
            let builtin = get("rule").is_some() || get("rule-file").is_some();
            let schema = match get("fields") {
                Some(fields) => Schema::from_json(&fields).unwrap(),
                None if builtin || get("schema").as_deref() == Some("builtin") => Schema::builtin(),
                None => Schema::dynamic(),
            };
            let Ok(ast) = kql::parse(query) else { continue };
            let Ok(compiled) = CompiledQuery::compile(&ast, &schema, Timestamp(1_764_244_800_000))
            else {
                continue;
            };
            let Some(fields) = FieldSet::of([&compiled]) else {
                continue;
            };
            let Ok(event) = serde_json::from_str::<serde_json::Value>(event_text) else {
                continue;
            };
            if !event.is_object() {
                continue;
            }
            let projected = scanner.scan(event_text, &fields).unwrap_or_else(|| {
                panic!("{file}:{}: the reader refused a valid event", case.line)
            });
            assert_eq!(
                compiled.matches(&projected),
                compiled.matches(&JsonEvent(&event)),
                "{file}:{}: {query} on {event_text}",
                case.line
            );
            compared += 1;
        }
    }
    assert!(compared > 500, "only {compared} cases compared");
}

/// The engine's lazy path (`evaluate_input_json`) and its full path
/// (`evaluate_input` on the parsed value) give the same alerts on every event
/// of the case files and the bundled sample, with the built-in rule and with
/// every corpus rule at once.
#[test]
fn the_engine_answers_the_same_on_both_paths() {
    use kql_detect::engine::{Engine, RuleSource};
    let now = Timestamp(1_764_244_800_000);
    let mut engines = vec![Engine::builtin()];
    if let Some(directory) = cases::corpus_rules_directory() {
        let sources = std::fs::read_dir(&directory)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "toml")
            })
            .map(|path| RuleSource::Text {
                origin: path.display().to_string(),
                text: std::fs::read_to_string(&path).unwrap(),
            })
            .collect();
        engines.push(Engine::from_sources(sources, &Schema::builtin(), now).unwrap());
    } else {
        eprintln!("SKIPPED: ../shared/corpus is absent, so only the built-in rule is compared");
    }
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/azure-auditlogs.ndjson"),
    )
    .unwrap();
    let mut texts: Vec<String> = sample.lines().map(str::to_string).collect();
    for (file, text) in all_case_files() {
        for case in cases::parse_case_file(&file, &text) {
            texts.extend(
                case.entries
                    .iter()
                    .filter(|(key, _)| key == "event")
                    .map(|(_, value)| value.clone()),
            );
        }
    }
    let mut compared = 0;
    for engine in &engines {
        for text in &texts {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
                continue;
            };
            let lazy = engine.evaluate_input_json(text, DEFAULT_MAX_JSON_DEPTH, now, None);
            let full = engine.evaluate_input(value, Some(text), now, None);
            assert_eq!(lazy.outputs, full.outputs, "{text}");
            assert_eq!(lazy.errors.len(), full.errors.len(), "{text}");
            compared += 1;
        }
    }
    assert!(compared > 1000, "only {compared} events compared");
}

/// Every input ingest does not pass through unchanged carries one of
/// `NON_ECS_MARKERS`, so a text without them may be judged as an ECS
/// document from its bytes: checked on every raw fixture of the corpus, the
/// bundled sample and every case event.
#[test]
fn raw_inputs_always_carry_a_marker() {
    use kql_detect::ingest::{ingest, IngestOptions, NON_ECS_MARKERS};
    let mut texts: Vec<String> = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/azure-auditlogs.ndjson"),
    )
    .unwrap()
    .lines()
    .map(str::to_string)
    .collect();
    for (file, text) in all_case_files() {
        for case in cases::parse_case_file(&file, &text) {
            texts.extend(
                case.entries
                    .iter()
                    .filter(|(key, _)| key == "event")
                    .map(|(_, value)| value.clone()),
            );
        }
    }
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    match std::fs::read_dir(&corpus) {
        Ok(streams) => {
            for stream in streams {
                let tests = stream.unwrap().path().join("pipeline-tests");
                for entry in std::fs::read_dir(tests).into_iter().flatten() {
                    let path = entry.unwrap().path();
                    if path.extension().is_some_and(|extension| extension == "log") {
                        texts.extend(
                            std::fs::read_to_string(&path)
                                .unwrap()
                                .lines()
                                .map(str::to_string),
                        );
                    }
                }
            }
        }
        Err(_) => {
            eprintln!("SKIPPED: ../shared/corpus is absent, so its raw fixtures were not checked")
        }
    }
    let mut raw = 0;
    for text in &texts {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            continue;
        };
        let documents = ingest(value.clone(), Some(text), IngestOptions::default());
        let passed_through = matches!(documents.as_slice(), [Ok(document)] if document.document == value && document.identity.is_none());
        if passed_through {
            continue;
        }
        raw += 1;
        assert!(
            NON_ECS_MARKERS.iter().any(|marker| text.contains(marker)) || text.contains("\\u"),
            "no marker in a raw input: {text}"
        );
    }
    assert!(raw > 20, "only {raw} raw inputs checked");
}

/// A line no rule can match is not read, yet a malformed one is still
/// reported as invalid, whichever fast path it meets.
#[test]
fn malformed_lines_are_reported_on_every_path() {
    use kql_detect::engine::Engine;
    use kql_detect::ingest::{IngestOptions, InputKind};
    let now = Timestamp(1_764_244_800_000);
    for input in [InputKind::Auto, InputKind::Ecs] {
        let engine = Engine::builtin().with_ingest(IngestOptions {
            input,
            keep_original: false,
        });
        for text in [
            r#"{"event": broken}"#,
            r#"{"event": {"action": "Add user"}"#,
            r#"{"a": "Invite external user", "b": tru}"#,
            r#"{"a": 1} trailing"#,
        ] {
            let outcome = engine.evaluate_input_json(text, DEFAULT_MAX_JSON_DEPTH, now, None);
            assert_eq!(outcome.errors.len(), 1, "{input:?}: {text}");
            assert_eq!(outcome.documents, 0, "{input:?}: {text}");
        }
    }
}

/// With `input: ecs` a search hit or `_search` response is still unwrapped,
/// so the lazy path must not judge it as a document itself. Found by
/// fuzzing: a hit whose `_source` alerts raised no alert, and a hit whose
/// `_source` is not an object was counted as an event instead of reported.
#[test]
fn search_hits_are_unwrapped_on_the_lazy_path_with_ecs_input() {
    use kql_detect::engine::Engine;
    use kql_detect::ingest::{IngestOptions, InputKind};
    let now = Timestamp(1_764_244_800_000);
    let engine = Engine::from_queries(["event.outcome:success"], &Schema::builtin(), now)
        .unwrap()
        .with_ingest(IngestOptions {
            input: InputKind::Ecs,
            keep_original: false,
        });
    let success = r#"{"event":{"outcome":"success"}}"#;
    // Each input: how many documents it holds, alerts, errors.
    for (text, expected) in [
        (
            format!(r#"{{"_index":"logs","_source":{success}}}"#),
            (1, 1, 0),
        ),
        (
            format!(
                r#"{{"hits":{{"hits":[{{"_index":"a","_source":{success}}},{{"_index":"b","_source":{{}}}}]}}}}"#
            ),
            (2, 1, 0),
        ),
        (r#"{"hits":{"hits":[]}}"#.to_string(), (0, 0, 0)),
        (r#"{"_index":"logs","_source":1}"#.to_string(), (0, 0, 1)),
    ] {
        let outcome = engine.evaluate_input_json(&text, DEFAULT_MAX_JSON_DEPTH, now, None);
        let found = (
            outcome.documents,
            outcome.outputs.len(),
            outcome.errors.len(),
        );
        assert_eq!(found, expected, "{text}");
    }
}
