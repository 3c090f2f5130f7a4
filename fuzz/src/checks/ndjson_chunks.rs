//! `ndjson_chunks`: an input evaluated in one batch and in chunks cut
//! anywhere (`Engine::evaluate_ndjson`, as streams and `evaluateNdjson` feed
//! it) gives the same outputs, invalid lines and counters, and loses nothing;
//! leaving the lines no rule can match unread (`Validation::Candidates`)
//! changes no output and only moves lines from the other counts to `skipped`.
//!
//! The fuzz input is a settings byte (low four bits: the engine's mode and
//! input kind; high four: the limits), a count of cuts (0 to 7), that many
//! chunk lengths (one byte each), then the input itself.
//!
//! Nothing lost means: every line of the input is counted; each document the
//! framing reads (an NDJSON line, a document of an array) becomes as many
//! events or invalid inputs, together, as ingest makes of it; and in NDJSON,
//! every line that is not blank is exactly one document.

use std::sync::OnceLock;

use serde_json::Value;

use kql_detect::engine::LineTally;
use kql_detect::engine::{Engine, InvalidInput, Mode, RuleSource, Validation};
use kql_detect::ingest::{IngestOptions, InputKind};
use kql_detect::input::{read_batch, Batch, Document, Framing};
use kql_detect::limits::InputLimits;
use kql_detect::rule::azure_external_guest_user_invitation;
use kql_detect::schema::Schema;

use super::chunked::in_chunks;
use super::NOW;

/// The rules every engine runs: the built-in rule (index patterns, a
/// wildcard field name) and queries that exercise the prefilter, the lazy
/// reader and the evaluator's value types.
const QUERIES: [&str; 4] = [
    "event.outcome:success",
    "user.name:admin* and not source.ip:10.0.0.0/8",
    "event.severity >= 3 or @timestamp < now-1d",
    "message:\"failed login\" or tags:*",
];

/// Limits the fuzz input can choose: the defaults, limits small inputs
/// reach, and limits that make every line too long and every input too large.
const LIMITS: [InputLimits; 3] = [
    InputLimits {
        max_line_bytes: kql_detect::limits::DEFAULT_MAX_LINE_BYTES,
        max_json_depth: kql_detect::limits::DEFAULT_MAX_JSON_DEPTH,
        max_whole_input_bytes: kql_detect::limits::DEFAULT_MAX_WHOLE_INPUT_BYTES,
    },
    InputLimits {
        max_line_bytes: 48,
        max_json_depth: 8,
        max_whole_input_bytes: 96,
    },
    InputLimits {
        max_line_bytes: 1,
        max_json_depth: 1,
        max_whole_input_bytes: 1,
    },
];

/// One engine per mode and input kind, compiled once per process.
fn engines() -> &'static [(Mode, InputKind, Engine)] {
    static ENGINES: OnceLock<Vec<(Mode, InputKind, Engine)>> = OnceLock::new();
    ENGINES.get_or_init(|| engines_of(&[0, 1, 2, 3, 4]))
}

/// [`engines`] without the rules that require no literal, so that each has a
/// prefilter and `Validation::Candidates` can leave lines unread.
fn engines_with_prefilter() -> &'static [(Mode, InputKind, Engine)] {
    static ENGINES: OnceLock<Vec<(Mode, InputKind, Engine)>> = OnceLock::new();
    ENGINES.get_or_init(|| engines_of(&[0, 1, 4]))
}

/// An engine per mode and input kind running the rules at `rules` of
/// [`QUERIES`] followed by the built-in rule.
fn engines_of(rules: &[usize]) -> Vec<(Mode, InputKind, Engine)> {
    let builtin = serde_json::to_value(azure_external_guest_user_invitation())
        .expect("the built-in rule serializes");
    let sources: Vec<RuleSource> = QUERIES
        .iter()
        .map(|query| RuleSource::Query(query.to_string()))
        .chain([RuleSource::Object(builtin)])
        .enumerate()
        .filter(|(index, _)| rules.contains(index))
        .map(|(_, source)| source)
        .collect();
    let engine =
        Engine::from_sources(sources, &Schema::builtin(), NOW).expect("the fuzz rules compile");
    let mut engines = Vec::new();
    for mode in [Mode::Alerts, Mode::Filter, Mode::Tag] {
        for input in [InputKind::Auto, InputKind::Ecs, InputKind::Azure] {
            let ingest = IngestOptions {
                input,
                keep_original: input == InputKind::Azure,
            };
            let configured = engine.clone().with_mode(mode).with_ingest(ingest);
            engines.push((mode, input, configured));
        }
    }
    engines
}

/// What a whole run gave, comparable across chunkings.
#[derive(Debug, Default, PartialEq)]
struct Run {
    outputs: Vec<Value>,
    framing: Framing,
    tally: LineTally,
    events: usize,
    matched: usize,
    deduplicated: usize,
    invalid: Vec<InvalidInput>,
}

/// Runs the check on one fuzz input (see the module's documentation).
pub fn check(data: &[u8]) {
    let (&settings, rest) = data.split_first().unwrap_or((&0, &[]));
    let (&count, rest) = rest.split_first().unwrap_or((&0, &[]));
    let (lengths, input) = rest.split_at(usize::from(count % 8).min(rest.len()));
    let cuts: Vec<usize> = lengths
        .iter()
        .scan(0, |at, &length| {
            *at += usize::from(length);
            Some(*at)
        })
        .collect();
    let index = usize::from(settings & 0x0f) % engines().len();
    let (_, _, engine) = &engines()[index];
    let limits = LIMITS[usize::from(settings >> 4) % LIMITS.len()];

    let whole = run(engine, input, &[], limits, Validation::All);
    let chunked = run(engine, input, &cuts, limits, Validation::All);
    assert_eq!(whole, chunked, "chunks cut at {cuts:?} change the outcome");
    every_line_is_accounted_for(engine, input, limits, &whole);

    let (mode, input_kind, engine) = &engines_with_prefilter()[index];
    let all = run(engine, input, &cuts, limits, Validation::All);
    let candidates = run(engine, input, &cuts, limits, Validation::Candidates);
    unread_lines_change_only_counts(&all, &candidates);
    if *input_kind != InputKind::Ecs || *mode == Mode::Tag {
        assert_eq!(
            candidates.tally.skipped, 0,
            "only ECS input outside tag mode"
        );
    }
}

/// Leaving lines unread keeps every output, match and re-sent alert, and
/// every line still has one outcome.
fn unread_lines_change_only_counts(all: &Run, candidates: &Run) {
    assert_eq!(
        (
            &candidates.outputs,
            candidates.matched,
            candidates.deduplicated
        ),
        (&all.outputs, all.matched, all.deduplicated),
        "leaving lines unread changed an output"
    );
    assert_eq!(candidates.framing, all.framing, "lines framed");
    assert_eq!(
        candidates.tally.lines(),
        all.tally.lines(),
        "a line with no outcome, or with two"
    );
    assert!(candidates.events <= all.events && candidates.invalid.len() <= all.invalid.len());
    assert_eq!(all.tally.skipped, 0, "\"all\" reads every line");
}

/// Evaluates `input` cut at `cuts`, as a stream does, remembering recent
/// alerts from chunk to chunk.
fn run(
    engine: &Engine,
    input: &[u8],
    cuts: &[usize],
    limits: InputLimits,
    validation: Validation,
) -> Run {
    let mut recent = engine.recent_alerts();
    let mut run = Run::default();
    run.framing = in_chunks(input, cuts, limits, |batch| {
        let outcome = engine.evaluate_ndjson(batch, validation, NOW, Some(&mut recent));
        run.tally += outcome.tally;
        run.outputs.extend(outcome.outputs);
        run.events += outcome.events;
        run.matched += outcome.matched;
        run.deduplicated += outcome.deduplicated;
        run.invalid.extend(outcome.invalid);
        outcome.framing
    });
    run
}

fn every_line_is_accounted_for(engine: &Engine, input: &[u8], limits: InputLimits, run: &Run) {
    let physical_lines = input.split(|&byte| byte == b'\n').count()
        - usize::from(input.is_empty() || input.ends_with(b"\n"));
    assert_eq!(run.framing.lines, physical_lines, "lines counted");

    let (mut events, mut invalid, mut documents) = (0, 0, 0);
    read_batch(whole_batch(input, limits), |document| {
        documents += 1;
        match document {
            Document::Event { value, raw, .. } => {
                for ingested in engine.ingest(value, raw.as_deref()) {
                    match ingested {
                        Ok(_) => events += 1,
                        Err(_) => invalid += 1,
                    }
                }
            }
            Document::Invalid { .. } => invalid += 1,
        }
    });
    // The lazy path may count a line with a fault `scan::well_formed_object`
    // does not look for (a raw control character in a string, a missing
    // comma) as an event rather than an invalid line: it is still counted.
    assert_eq!(
        run.events + run.invalid.len(),
        events + invalid,
        "events and invalid inputs, against what ingest makes of each document"
    );
    assert!(
        run.invalid.len() <= invalid,
        "a document reported invalid twice"
    );
    if is_ndjson(input, limits) {
        assert_eq!(
            run.framing.lines,
            documents + run.framing.blank,
            "an NDJSON line that is neither blank nor one document"
        );
    }
}

fn whole_batch(bytes: &[u8], limits: InputLimits) -> Batch<'_> {
    Batch {
        bytes,
        first_line: 1,
        end_of_input: true,
        limits,
    }
}

/// Whether the input is read line by line: a batch that does not end the
/// input asks for the whole input when it is an array or pretty-printed
/// documents within the size read whole (the newline completes a first line
/// that has none).
fn is_ndjson(input: &[u8], limits: InputLimits) -> bool {
    let completed = [input, b"\n"].concat();
    // The newline that completes the first line is a byte the input does not
    // hold: without a limit one byte larger, an array of exactly the limit
    // would be taken for NDJSON here while the run read it whole.
    let limits = InputLimits {
        max_whole_input_bytes: limits.max_whole_input_bytes.saturating_add(1),
        ..limits
    };
    let batch = Batch {
        end_of_input: false,
        ..whole_batch(&completed, limits)
    };
    !read_batch(batch, |_| {}).whole_input_needed
}
