//! With `validate: "candidates"` a batch is searched once for the places a
//! line may start to be a candidate (`prefilter::CandidateStarts`: in the
//! WebAssembly build 64 bytes a step, natively memchr): wherever a literal
//! or a hiding escape falls in those steps, its line is read, and every
//! other line is left unread. Run natively and, through tests/wasm_node.rs,
//! in WebAssembly.

use kql_detect::engine::{Engine, Validation};
use kql_detect::ingest::{IngestOptions, InputKind};
use kql_detect::input::Batch;
use kql_detect::time::Timestamp;

const NOW: Timestamp = Timestamp(1_764_244_800_000);

/// What a line holds besides filler: nothing, the rule's literal, the
/// literal behind a `\u` escape, or a backslash that hides nothing.
const HOLDINGS: [(&str, bool); 4] = [
    ("", false),
    ("hit-one", true),
    ("\\u0068it-one", true),
    ("\\\\", false),
];

/// A line of about `length` bytes holding `held` after `before` bytes of filler.
fn line(length: usize, before: usize, held: &str) -> String {
    let after = length.saturating_sub(before + held.len() + 10);
    format!(
        "{{\"k\":\"{}{held}{}\"}}",
        "x".repeat(before),
        "x".repeat(after)
    )
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn lines_holding_a_literal_or_an_escape_are_read_wherever_it_falls_in_a_block() {
    let schema = kql_detect::schema::Schema::builtin();
    let engine = Engine::from_queries(["k:\"hit-one\""], &schema, NOW)
        .expect("the rule compiles")
        .with_ingest(IngestOptions {
            input: InputKind::Ecs,
            keep_original: false,
        });
    for lead in [10, 40, 63, 64, 65, 127] {
        for before in 0..=130 {
            let mut lines = vec![line(lead, 0, "")];
            let mut read = 0;
            for (held, is_read) in HOLDINGS {
                lines.push(line(150, before, held));
                read += usize::from(is_read);
            }
            let input = lines.join("\n");
            let outcome = engine.evaluate_ndjson(
                Batch::whole(input.as_bytes()),
                Validation::Candidates,
                NOW,
                None,
            );
            assert_eq!(
                (outcome.tally.skipped, outcome.events),
                (lines.len() - read, read),
                "a lead of {lead} bytes, {before} bytes before what a line holds"
            );
        }
    }
}
