//! Lines the prefilter rejects are validated as UTF-8 in the same pass as
//! their JSON (`scan::outline_bytes`), not apart before it, and the others
//! apart by `simdutf8`: a line that is not UTF-8 must still be reported
//! invalid, never counted as an event, wherever its bad bytes fall among
//! the check's (or the validator's) 64-byte blocks. Run
//! natively and, through tests/wasm_node.rs, in WebAssembly, whose block
//! classification (simd128) is other code.

use kql_detect::engine::{Engine, Validation};
use kql_detect::input::Batch;
use kql_detect::limits::InputLimits;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;

const NOW: Timestamp = Timestamp(1_764_244_800_000);

/// Bytes to put in a line: good characters of every length, and what no
/// UTF-8 text holds.
const INSERTS: [&[u8]; 10] = [
    "é".as_bytes(),
    "€".as_bytes(),
    "😀".as_bytes(),
    b"\x80",
    b"\xc3",
    b"\xe2\x82",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xff",
];

/// An ECS event no rule of the engine below can match, with `insert` after
/// `pad` bytes of its message, so that the insert meets every block offset.
fn line(insert: &[u8], pad: usize) -> Vec<u8> {
    let mut line = format!(
        "{{\"@timestamp\":\"2026-11-26T09:00:00.000Z\",\"message\":\"{}",
        "x".repeat(pad)
    )
    .into_bytes();
    line.extend_from_slice(insert);
    line.extend_from_slice(b"\",\"event\":{\"outcome\":\"failure\"}}");
    line
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rejected_lines_that_are_not_utf8_are_invalid_at_every_offset() {
    every_line_not_utf8_is_invalid("event.outcome:success", false);
}

/// Lines that hold the rule's literals are validated apart, before the lazy
/// reader (by `simdutf8`): the same lines, each a match when it is UTF-8.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn candidate_lines_that_are_not_utf8_are_invalid_at_every_offset() {
    every_line_not_utf8_is_invalid("event.outcome:failure", true);
}

/// Over lines with every insert at every offset, an engine with `query`
/// reports exactly those that are not UTF-8 invalid, and counts the others
/// as events, each a match when `matches`.
fn every_line_not_utf8_is_invalid(query: &str, matches: bool) {
    let engine = Engine::from_queries([query], &Schema::builtin(), NOW).expect("a valid query");
    let mut input = Vec::new();
    let mut expected_invalid = Vec::new();
    let mut number = 0;
    for insert in INSERTS {
        for pad in 0..130 {
            number += 1;
            let line = line(insert, pad);
            if std::str::from_utf8(&line).is_err() {
                expected_invalid.push(number);
            }
            input.extend_from_slice(&line);
            input.push(b'\n');
        }
    }
    let batch = Batch {
        bytes: &input,
        first_line: 1,
        end_of_input: true,
        limits: InputLimits::default(),
    };
    let outcome = engine.evaluate_ndjson(batch, Validation::All, NOW, None);
    let invalid: Vec<usize> = outcome.invalid.iter().map(|invalid| invalid.line).collect();
    assert_eq!(invalid, expected_invalid);
    let events = number - expected_invalid.len();
    assert_eq!(outcome.events, events);
    assert_eq!(outcome.matched, if matches { events } else { 0 });
    assert!(expected_invalid.len() > 500 && outcome.events > 300);
}
