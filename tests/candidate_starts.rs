//! A batch is searched once for the places a line may start to be a
//! candidate (`prefilter::CandidateStarts`: in the WebAssembly build 64
//! bytes a step, natively memchr): wherever a literal or a hiding escape
//! falls in those steps, its line is read, and with `validate:
//! "candidates"` every other line is left unread; with every line read,
//! the search is for the literals alone (one byte for one rule), and a line
//! holding one is still found to match. Run natively and, through
//! tests/wasm_node.rs, in WebAssembly.

use kql_detect::engine::{Engine, Validation};
use kql_detect::ingest::{IngestOptions, InputKind};
use kql_detect::input::Batch;
use kql_detect::time::Timestamp;

const NOW: Timestamp = Timestamp(1_764_244_800_000);

/// What a line holds besides filler: nothing, a rule's literal, the
/// literal behind a `\u` escape, or a backslash that hides nothing; and
/// whether it is read (and matches) with the first rule alone and with both.
const HOLDINGS: [(&str, bool, bool); 5] = [
    ("", false, false),
    ("hit-one", true, true),
    ("quiz-two", false, true),
    ("\\u0068it-one", true, true),
    ("\\\\", false, false),
];

/// Two rules: their literals' rarest bytes (`h`, `q`) are searched for with
/// the backslash, two bytes or three (without it, one or two). Wildcards,
/// so that a line holding a literal amid filler matches.
const RULES: [&str; 2] = ["k:*hit-one*", "k:*quiz-two*"];

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
    for rules in [1, 2] {
        let engine = Engine::from_queries(RULES[..rules].iter().copied(), &schema, NOW)
            .expect("the rules compile")
            .with_ingest(IngestOptions {
                input: InputKind::Ecs,
                keep_original: false,
            });
        read_wherever_held(&engine, rules);
    }
}

/// Lines holding each of [`HOLDINGS`] at every offset of a block, after
/// lines that put them in every 64-byte step: each is read or left
/// unread as `rules` rules say.
fn read_wherever_held(engine: &Engine, rules: usize) {
    for lead in [10, 40, 63, 64, 65, 127] {
        for before in 0..=130 {
            let mut lines = vec![line(lead, 0, "")];
            let mut read = 0;
            for (held, read_by_one, read_by_two) in HOLDINGS {
                lines.push(line(150, before, held));
                read += usize::from(if rules == 1 { read_by_one } else { read_by_two });
            }
            let input = lines.join("\n");
            let evaluated = |validation| {
                let batch = Batch::whole(input.as_bytes());
                engine.evaluate_ndjson(batch, validation, NOW, None)
            };
            let case = format!(
                "{rules} rules, a lead of {lead} bytes, {before} bytes before what a line holds"
            );
            let unread = evaluated(Validation::Candidates);
            assert_eq!(
                (unread.tally.skipped, unread.events, unread.matched),
                (lines.len() - read, read, read),
                "{case}"
            );
            let all = evaluated(Validation::All);
            assert_eq!((all.events, all.matched), (lines.len(), read), "{case}");
        }
    }
}
