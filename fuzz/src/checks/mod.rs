//! The invariants each fuzz target holds the library to, one module per
//! target, each with a `check(data)` that panics when one is broken.
//!
//! The fuzz targets (`fuzz/fuzz_targets/`) call these on generated inputs,
//! and `tests/fuzz_corpus.rs` includes this module by path and calls them on
//! every committed corpus file, so the two can never check different things.

pub mod evaluate;
pub mod kql_parse;
pub mod ndjson_chunks;
pub mod normalize;
pub mod rule_load;

// The stream harness of tests/framing.rs, so that chunks are fed here exactly
// as there; this module does not use all of it.
#[allow(dead_code)]
#[path = "../../../tests/common/chunked.rs"]
mod chunked;

use kql_detect::time::Timestamp;
use kql_detect::Error;

/// What `now` means in every check (date math, alert times): fixed, so that
/// two runs over the same input can be compared.
const NOW: Timestamp = Timestamp(1_795_000_000_000);

/// The input as text: invalid UTF-8 becomes U+FFFD rather than a wasted run.
fn text_of(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The first line of `text` and the rest (empty when there is no newline).
fn first_line_and_rest(text: &str) -> (&str, &str) {
    text.split_once('\n').unwrap_or((text, ""))
}

/// What JavaScript and the command line receive of an error must be sound:
/// its span lies inside its source text, on character boundaries, and it
/// renders (with its line and column) without panicking.
fn check_error(error: &Error) {
    if let (Some(span), Some(source)) = (error.span(), error.source()) {
        assert!(
            span.start <= span.end && span.end <= source.len(),
            "span {span:?} outside its {}-byte source: {error:?}",
            source.len()
        );
        assert!(
            source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
            "span {span:?} splits a character: {error:?}"
        );
        assert!(error.line_column().is_some());
    }
    assert!(error.rendered().starts_with("error: "));
}
