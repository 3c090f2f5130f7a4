//! `validate: "candidates"` (`Validation::Candidates`): a line the prefilter
//! shows no rule can match is left unread. Over the benchmark mix and worst
//! case, the bundled sample (one line a raw Azure record), lines cut short
//! (malformed) and lines whose strings hide behind `\u` escapes, the alerts
//! must be exactly those of reading every line, and every line must keep one
//! outcome. Only ECS input outside tag mode leaves lines unread.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/escaped.rs"]
mod escaped;

#[path = "../benches/data.rs"]
#[allow(dead_code)] // this test uses only the mix and the worst case
mod data;

#[path = "../benches/corpus_engine.rs"]
mod corpus_engine;

#[path = "common/chunked.rs"]
#[allow(dead_code)] // this test uses only `in_chunks`
mod chunked;

use kql_detect::engine::{Engine, LineTally, Mode, NdjsonOutcome, Validation};
use kql_detect::ingest::{IngestOptions, InputKind};
use kql_detect::input::{Batch, Framing};
use kql_detect::limits::InputLimits;
use kql_detect::time::Timestamp;
use serde_json::Value;

const NOW: Timestamp = Timestamp(1_764_244_800_000);

/// The lines read: generated events, each tenth one also cut short and
/// also escaped, and the bundled sample.
fn input() -> String {
    let sample = include_str!("../examples/azure-auditlogs.ndjson");
    let generated = format!("{}{}", data::mix(600), data::worst(60));
    let mut lines: Vec<String> = sample.lines().map(str::to_string).collect();
    for (index, line) in generated.lines().enumerate() {
        lines.push(line.to_string());
        if index % 10 == 0 {
            lines.push(line[..line.len() / 2].to_string());
            let value: Value = serde_json::from_str(line).expect("generated JSON");
            lines.push(escaped::escaped(&value, true));
        }
    }
    lines.join("\n")
}

/// The outcomes of evaluating `input` twice with one memory of recent
/// alerts, so that re-sent alerts are de-duplicated too.
fn evaluate(engine: &Engine, input: &str, validation: Validation) -> [NdjsonOutcome; 2] {
    let mut recent = engine.recent_alerts();
    let mut once = || {
        engine.evaluate_ndjson(
            Batch::whole(input.as_bytes()),
            validation,
            NOW,
            Some(&mut recent),
        )
    };
    [once(), once()]
}

fn ecs(engine: Engine) -> Engine {
    engine.with_ingest(IngestOptions {
        input: InputKind::Ecs,
        keep_original: false,
    })
}

/// Leaving lines unread changes no alert and no line's existence, only
/// which count a line is in.
fn same_alerts(engine: &Engine, input: &str) -> usize {
    let [all, all_again] = evaluate(engine, input, Validation::All);
    let [candidates, candidates_again] = evaluate(engine, input, Validation::Candidates);
    assert!(!all.outputs.is_empty(), "the input raises alerts");
    assert_eq!(candidates.outputs, all.outputs);
    assert_eq!(candidates.matched, all.matched);
    assert_eq!(
        all_again.deduplicated,
        all.outputs.len(),
        "every re-sent alert"
    );
    assert_eq!(candidates_again.deduplicated, all_again.deduplicated);
    assert_eq!(candidates_again.outputs, all_again.outputs);
    assert_eq!(candidates.framing, all.framing);
    assert_eq!(
        candidates.tally.lines(),
        all.tally.lines(),
        "one outcome a line"
    );
    assert_eq!(
        all.tally.lines() + all.framing.blank,
        all.framing.lines,
        "NDJSON: a line is blank or has an outcome"
    );
    assert_eq!(all.tally.skipped, 0, "\"all\" reads every line");
    assert!(
        all.invalid.len() <= candidates.invalid.len() + candidates.tally.skipped,
        "only lines left unread are no longer reported"
    );
    assert!(
        candidates
            .invalid
            .iter()
            .all(|invalid| all.invalid.contains(invalid)),
        "a line read is invalid as before"
    );
    candidates.tally.skipped
}

#[test]
fn the_seed_rule_alerts_the_same_with_lines_unread() {
    let input = input();
    let skipped = same_alerts(&ecs(Engine::builtin()), &input);
    let lines = input.lines().count();
    // Invitations (1% of the mix, every worst-case line) and escaped lines are read.
    assert!(
        skipped * 10 > lines * 8,
        "{skipped} of {lines} lines unread"
    );
}

#[test]
fn the_azure_rules_alert_the_same_with_lines_unread() {
    let Some(engine) = corpus_engine::corpus_engine(NOW) else {
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent, so the 68 rules are not run");
        return;
    };
    let skipped = same_alerts(&ecs(engine), &input());
    assert!(skipped > 0);
}

#[test]
fn auto_input_and_tag_mode_read_every_line() {
    let input = input();
    let tagging = ecs(Engine::builtin()).with_mode(Mode::Tag);
    for engine in [Engine::builtin(), tagging] {
        let outcome = evaluate(&engine, &input, Validation::Candidates);
        assert_eq!(outcome[0].tally.skipped, 0);
        assert_eq!(
            outcome,
            evaluate(&engine, &input, Validation::All),
            "as without the option"
        );
    }
}

#[test]
fn a_malformed_line_holding_a_literal_is_still_reported() {
    let engine = ecs(Engine::builtin());
    // A first line that is an event: the input is NDJSON, not pretty-printed JSON.
    let sample = include_str!("../examples/azure-auditlogs.ndjson");
    let first = sample.lines().next().unwrap_or_default();
    let may_match = r#"{"event":{"dataset":"azure.auditlogs","outcome":"success"},"azure":{"auditlogs":{"operation_name":"Invite external user","properties":{"target_resources":{"0":{"display_name":"guest"}}}}},"#;
    let cannot_match = r#"{"not":"json""#;
    let input = [first, may_match, cannot_match, ""].join("\n");
    let [outcome, _] = evaluate(&engine, &input, Validation::Candidates);
    assert_eq!(
        (outcome.tally.invalid, outcome.tally.skipped),
        (1, 1),
        "the second line may match, so it is read and found malformed; the third cannot"
    );
    assert_eq!(outcome.invalid[0].line, 2);
}

/// Search hits are unwrapped from ECS input, but a hit's `_source` is part of
/// its line, and its `_index` only narrows which rules apply; with a depth
/// limit the lazy reader cannot honour, "all" parses every line rather than
/// asking the prefilter. Either way the alerts, and filter mode's outputs,
/// are the same.
#[test]
fn search_hits_filter_mode_and_depth_limits_alert_the_same() {
    let events: Vec<String> = input().lines().step_by(3).map(str::to_string).collect();
    let mut lines = Vec::new();
    for (n, event) in events.iter().enumerate() {
        let Ok(value) = serde_json::from_str::<Value>(event) else {
            continue;
        };
        lines.push(format!(
            r#"{{"_index":".ds-logs-azure.auditlogs-default-2026.11.27-000001","_id":"a{n}","_source":{value}}}"#
        ));
        lines.push(format!(
            r#"{{"_index":"logs-okta.system-default","_id":"b{n}","_source":{value}}}"#
        ));
        lines.push(format!(
            r#"{{"took":1,"hits":{{"hits":[{{"_index":"logs-x","_id":"c{n}","_source":{value}}}]}}}}"#
        ));
    }
    let input = lines.join("\n");
    for mode in [Mode::Alerts, Mode::Filter] {
        let engine = ecs(Engine::builtin()).with_mode(mode);
        for max_json_depth in [512, 100, 12] {
            let limits = InputLimits {
                max_json_depth,
                ..InputLimits::default()
            };
            let read = |validation| {
                let batch = Batch {
                    limits,
                    ..Batch::whole(input.as_bytes())
                };
                engine.evaluate_ndjson(batch, validation, NOW, None)
            };
            let (all, candidates) = (read(Validation::All), read(Validation::Candidates));
            assert!(!all.outputs.is_empty(), "{mode:?}, depth {max_json_depth}");
            assert_eq!(
                candidates.outputs, all.outputs,
                "{mode:?}, depth {max_json_depth}"
            );
            assert!(candidates.tally.skipped > 0);
        }
    }
}

/// Cut into a stream's batches, with a byte order mark, CRLF, blank,
/// malformed and too-long lines, or an input read whole (an array,
/// pretty-printed JSON, one too large for that): every line has one outcome,
/// and the outputs are those of reading every line.
#[test]
fn lines_cut_into_chunks_keep_one_outcome_each() {
    let sample = include_str!("../examples/azure-auditlogs.ndjson");
    let alerting = sample.lines().next().unwrap_or_default();
    let inputs = [
        format!("\u{feff}{{\"a\":1}}\r\n\r\n{alerting}\r\nnot json\r\n   \n{{\"b\":2}}"),
        format!("\u{feff}not json\n{alerting}\n{}\n", "x".repeat(100)),
        format!("[\n{{\"a\":1}},\n{alerting}\n]\n"),
        format!("{{\n\"a\": 1\n}}\n{alerting}\n"),
    ];
    let engine = ecs(Engine::builtin());
    let limits = [(16 << 20, 64 << 20), (60, 64 << 20), (1 << 20, 10)];
    for input in &inputs {
        for (max_line_bytes, max_whole_input_bytes) in limits {
            let limits = InputLimits {
                max_line_bytes,
                max_whole_input_bytes,
                ..InputLimits::default()
            };
            for cut in cuts(input.as_bytes()) {
                let all = chunked_run(&engine, input.as_bytes(), cut, limits, Validation::All);
                let candidates = chunked_run(
                    &engine,
                    input.as_bytes(),
                    cut,
                    limits,
                    Validation::Candidates,
                );
                assert_eq!(all.2.skipped, 0);
                assert_eq!(
                    (candidates.0, candidates.1, candidates.2.lines()),
                    (all.0, all.1, all.2.lines()),
                    "{input:?} cut at {cut}"
                );
            }
        }
    }
}

/// Where to cut `input`: around every line break, and every 11th byte.
fn cuts(input: &[u8]) -> Vec<usize> {
    let around_breaks = input
        .iter()
        .enumerate()
        .filter(|&(_, &byte)| byte == b'\n')
        .flat_map(|(at, _)| [at.saturating_sub(1), at, at + 1]);
    (0..=input.len()).step_by(11).chain(around_breaks).collect()
}

/// The lines framed, outputs and tally of `input` cut at `cut`.
fn chunked_run(
    engine: &Engine,
    input: &[u8],
    cut: usize,
    limits: InputLimits,
    validation: Validation,
) -> (Framing, Vec<Value>, LineTally) {
    let mut recent = engine.recent_alerts();
    let (mut outputs, mut tally) = (Vec::new(), LineTally::default());
    let framing = chunked::in_chunks(input, &[cut], limits, |batch| {
        let outcome = engine.evaluate_ndjson(batch, validation, NOW, Some(&mut recent));
        outputs.extend(outcome.outputs);
        tally += outcome.tally;
        outcome.framing
    });
    (framing, outputs, tally)
}
