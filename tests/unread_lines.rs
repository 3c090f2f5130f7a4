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

use kql_detect::engine::{Engine, Mode, NdjsonOutcome, Validation};
use kql_detect::ingest::{IngestOptions, InputKind};
use kql_detect::input::Batch;
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
        all.invalid.len() - candidates.invalid.len() <= candidates.tally.skipped,
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
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent");
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
