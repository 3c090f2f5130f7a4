//! Input in batches, as streams deliver it: the complete lines of a chunk of
//! NDJSON (or, given whole, an input of any shape [`crate::input`] reads),
//! evaluated, explained or ingested in one call, every line accounted for.
//!
//! A JavaScript stream hands over raw chunks and receives only results: it
//! frames no lines and parses no JSON itself, and crosses into WebAssembly
//! once per chunk rather than once per line (performance.md).
//!
//! Nothing is lost: every line has exactly one outcome, and the counts say
//! which. A line is blank, or it held at least one event, or it held none and
//! is invalid (each reason reported with the line's number), or it held none
//! and nothing invalid (an envelope of no records, a search response with no
//! hits): `lines = blank + lines with events + invalid lines + empty lines`
//! ([`LineTally`]). Events and invalid reports are totals besides: one line
//! can hold an envelope of many records, each an event or invalid. When
//! every line holds one event, `lines = events + invalid + blank`. An array
//! or pretty-printed documents, which are read whole rather than streamed,
//! are tallied per document (a document spans lines, and lines such as `[`
//! hold none).

use serde_json::Value;

use super::{Engine, RecentAlerts};
use crate::error::Error;
use crate::explain::Explanation;
use crate::ingest::Ingested;
use crate::input::{
    read_batch, read_batch_lazily, read_batch_marking_candidates, read_batch_unless_candidate,
    Batch, Document, Framing, Piece,
};
use crate::limits::InputLimits;
use crate::options::{self, Kind, Shape};
use crate::prefilter::CandidateStarts;
use crate::time::Timestamp;

/// What a host passes with a batch (the JavaScript `engine.evaluateNdjson(chunk, options)`).
#[derive(Clone, Debug, Default)]
pub struct BatchOptions {
    /// The line of the input the batch starts on; 1 (the default) is the start of the input.
    /// A stream that never ends can count past `usize::MAX` on 32-bit targets
    /// (WebAssembly): line numbers then stay at the largest one rather than
    /// the batch being refused.
    pub first_line: Option<u64>,
    /// Whether the batch ends the input (the default); when not, an incomplete
    /// last line is left unread for the next batch.
    pub end_of_input: Option<bool>,
    /// Lines longer than this many bytes are invalid (`too_long`); 16 MiB by default.
    pub max_line_bytes: Option<usize>,
    /// Events nested deeper than this are invalid (`too_deep`); 512 levels by default.
    pub max_json_depth: Option<usize>,
    /// An array or pretty-printed documents larger than this many bytes is
    /// read line by line (its first line `too_large`); 64 MiB by default.
    pub max_whole_input_bytes: Option<usize>,
    /// The input's name in messages, as the command line names files. A
    /// lone surrogate in it (`"\ud800"`, as `JSON.stringify` writes one)
    /// becomes U+FFFD, as in a string a host passes directly (through
    /// `TextEncoder`); the other options' strings refuse one.
    pub origin: Option<String>,
    /// How the outputs are handed back.
    pub output: OutputFormat,
    /// Which lines are read (checked to be JSON events) by `evaluateNdjson`.
    pub validate: Validation,
}

/// The batch options as a host writes them (`final` is `end_of_input`).
const BATCH_OPTIONS: Shape = Shape {
    name: "BatchOptions",
    keys: &[
        "firstLine",
        "final",
        "maxLineBytes",
        "maxJsonDepth",
        "maxWholeInputBytes",
        "origin",
        "output",
        "validate",
    ],
    kinds: &[
        Kind::Count,
        Kind::Flag,
        Kind::Size,
        Kind::Size,
        Kind::Size,
        Kind::Text,
        Kind::Named(OutputFormat::NAMES),
        Kind::Named(Validation::NAMES),
    ],
    in_array: 6,
};

impl BatchOptions {
    /// Reads options from JSON text; unknown keys and limits out of range are refused.
    pub fn from_json(text: &str) -> Result<BatchOptions, Error> {
        let mut options = BatchOptions::default();
        let text = lone_surrogates_replaced(text);
        for (index, given) in options::read(&text, "batch", &BATCH_OPTIONS)? {
            match index {
                0 => options.first_line = given.count,
                1 => options.end_of_input = given.flag,
                2 => options.max_line_bytes = given.size,
                3 => options.max_json_depth = given.size,
                4 => options.max_whole_input_bytes = given.size,
                5 => options.origin = given.text,
                6 => options.output = OutputFormat::NAMED[given.named],
                _ => options.validate = Validation::NAMED[given.named],
            }
        }
        options.limits()?;
        Ok(options)
    }

    /// The limits these options set, the defaults for the others.
    pub fn limits(&self) -> Result<InputLimits, Error> {
        let defaults = InputLimits::default();
        InputLimits {
            max_line_bytes: self.max_line_bytes.unwrap_or(defaults.max_line_bytes),
            max_json_depth: self.max_json_depth.unwrap_or(defaults.max_json_depth),
            max_whole_input_bytes: self
                .max_whole_input_bytes
                .unwrap_or(defaults.max_whole_input_bytes),
        }
        .validated()
    }

    /// The batch of `bytes` these options describe (limits out of range, which
    /// [`BatchOptions::from_json`] refuses, become the defaults).
    pub fn batch<'b>(&self, bytes: &'b [u8]) -> Batch<'b> {
        let first_line = self.first_line.unwrap_or(1);
        self.batch_at(bytes, first_line, self.end_of_input.unwrap_or(true))
    }

    /// The batch of `bytes` with these options' limits, starting on
    /// `first_line` and ending the input or not as `end_of_input` says, over
    /// what the options give: a stream's reader reads its options once and
    /// sets these two on every call.
    pub fn batch_at<'b>(&self, bytes: &'b [u8], first_line: u64, end_of_input: bool) -> Batch<'b> {
        Batch {
            bytes,
            first_line: usize::try_from(first_line).unwrap_or(usize::MAX),
            end_of_input,
            limits: self.limits().unwrap_or_default(),
        }
    }
}

/// How a host receives outputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// As objects (integers beyond 2^53 as strings of their digits).
    #[default]
    Objects,
    /// As NDJSON text, exactly as the command line prints them.
    Ndjson,
}

/// Which lines of a batch are read when evaluating it.
///
/// A shipper that only needs alerts can leave the lines no rule can match
/// unread: the prefilter rejects them at memory speed, but checking that each
/// is a well-formed JSON object costs more than finding the rules' literals
/// (performance.md, issue 9). Such lines are then counted apart
/// ([`LineTally::skipped`]), never as events, so the counts stay true.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Validation {
    /// Every line is read: a malformed one is reported as invalid.
    #[default]
    All,
    /// A line the prefilter shows no rule can match is left unread, when
    /// reading it could change nothing but the counts: with `input: "ecs"`
    /// (in `auto` input a raw Azure record lacks the literals its normalised
    /// document has, so every line is read) and outside tag mode.
    Candidates,
}

impl OutputFormat {
    /// The formats' names, as a host writes them.
    pub(crate) const NAMES: &'static [&'static str] = &["objects", "ndjson"];
    /// The formats in the order of [`OutputFormat::NAMES`].
    pub(crate) const NAMED: [OutputFormat; 2] = [OutputFormat::Objects, OutputFormat::Ndjson];
}

impl Validation {
    /// The settings' names, as a host writes them.
    const NAMES: &'static [&'static str] = &["all", "candidates"];
    /// The settings in the order of [`Validation::NAMES`].
    const NAMED: [Validation; 2] = [Validation::All, Validation::Candidates];
}

/// `text` with each lone surrogate escape (`\ud800` not in a pair) written
/// as `\ufffd`. A JavaScript string may hold a lone surrogate, which
/// `JSON.stringify` writes as such an escape and serde_json refuses ("unexpected
/// end of hex escape"); a stream's `origin` (a file name, say) then reads as
/// `TextEncoder` passes a string given directly. Only escapes change, so
/// every other fault is reported as before.
fn lone_surrogates_replaced(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let surrogate_at = |at: usize| {
        let digits = bytes.get(at + 2..at + 6)?;
        let unit = u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()?;
        (bytes[at + 1] == b'u' && (0xD800..0xE000).contains(&unit)).then_some(unit)
    };
    let mut replaced = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = bytes.get(at..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        at += offset;
        let Some(unit) = surrogate_at(at) else {
            at += 2; // an escape of one character, or the `\u` of another
            continue;
        };
        let pair_follows = (0xD800..0xDC00).contains(&unit)
            && surrogate_at(at + 6).is_some_and(|low| (0xDC00..0xE000).contains(&low));
        if pair_follows {
            at += 12;
            continue;
        }
        replaced.push_str(&text[copied..at]);
        replaced.push_str("\\ufffd");
        at += 6;
        copied = at;
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    replaced.push_str(&text[copied..]);
    std::borrow::Cow::Owned(replaced)
}

/// What a batch of input produced.
#[derive(Clone, Debug, PartialEq)]
pub struct NdjsonOutcome<T = Value> {
    /// Alerts (or passed or tagged events), explanations or documents, in input order.
    pub outputs: Vec<T>,
    /// How much of the batch was read: lines, blank lines, bytes.
    pub framing: Framing,
    /// What the lines that are not blank held.
    pub tally: LineTally,
    /// Documents read; a line holding an envelope of records counts each record.
    pub events: usize,
    /// Documents that matched at least one rule.
    pub matched: usize,
    /// Alerts not created again because the engine created them recently.
    pub deduplicated: usize,
    /// Lines and documents that are not events, each with its reason.
    pub invalid: Vec<InvalidInput>,
}

impl<T> Default for NdjsonOutcome<T> {
    fn default() -> Self {
        NdjsonOutcome {
            outputs: Vec::new(),
            framing: Framing::default(),
            tally: LineTally::default(),
            events: 0,
            matched: 0,
            deduplicated: 0,
            invalid: Vec::new(),
        }
    }
}

/// The outcome of every line that is not blank (of every document, for an
/// input read whole), by what it held. Counts saturate rather than wrap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineTally {
    /// Lines that held at least one event.
    pub with_events: usize,
    /// Lines that held no event and something invalid (each reason reported).
    pub invalid: usize,
    /// Lines that held neither: JSON with no events in it, such as
    /// `{"records": []}`.
    pub empty: usize,
    /// Lines left unread because no rule can match them
    /// ([`Validation::Candidates`]): not checked to be JSON, no events counted.
    pub skipped: usize,
}

impl LineTally {
    /// Counts one line that held `events` events and `invalid` invalid parts.
    pub fn record(&mut self, events: usize, invalid: usize) {
        let count = match (events, invalid) {
            (0, 0) => &mut self.empty,
            (0, _) => &mut self.invalid,
            _ => &mut self.with_events,
        };
        *count = count.saturating_add(1);
    }

    /// Lines tallied.
    pub fn lines(&self) -> usize {
        self.with_events
            .saturating_add(self.invalid)
            .saturating_add(self.empty)
            .saturating_add(self.skipped)
    }
}

impl std::ops::AddAssign for LineTally {
    /// Adds another batch's tally, as a stream's totals grow.
    fn add_assign(&mut self, other: LineTally) {
        self.with_events = self.with_events.saturating_add(other.with_events);
        self.invalid = self.invalid.saturating_add(other.invalid);
        self.empty = self.empty.saturating_add(other.empty);
        self.skipped = self.skipped.saturating_add(other.skipped);
    }
}

/// A line or document of the input that is not an event.
#[derive(Clone, Debug, PartialEq)]
pub struct InvalidInput {
    /// The line of the input it starts on.
    pub line: usize,
    /// Why it is not an event.
    pub error: Error,
}

impl InvalidInput {
    /// The error, naming the input it came from (`name`) and, when the error
    /// does not point into the line's text itself, the line.
    pub fn in_input(self, name: &str) -> Error {
        let origin = match self.error.source() {
            Some(_) => name.to_string(),
            None => format!("{name}, line {}", self.line),
        };
        self.error.in_origin(origin)
    }
}

/// One document's explanation, and the line of the input it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct LineExplanation {
    /// Where the document starts.
    pub line: usize,
    /// Why it does or does not match each rule.
    pub explanation: Explanation,
}

impl Engine {
    /// Evaluates the documents of a batch of input (see [`read_batch`] for
    /// what is read and what is left unread, and [`Validation`] for the lines
    /// no rule can match); with `recent`, alerts created recently are not
    /// created again.
    pub fn evaluate_ndjson(
        &self,
        batch: Batch,
        validation: Validation,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> NdjsonOutcome {
        let candidates = self.candidates_in(batch.bytes, validation);
        self.evaluate_batch(batch, validation, candidates, now, recent)
    }

    /// Where the lines of `bytes` the prefilter may pass start, when the
    /// prefilter may answer for a line before it is read: a line it rejects
    /// is then left unread (see [`Engine::leaves_unread`]), so escapes that
    /// may spell a literal are places too, or only checked, and the check
    /// reports those escapes itself.
    fn candidates_in<'t>(
        &'t self,
        bytes: &'t [u8],
        validation: Validation,
    ) -> Option<CandidateStarts<'t>> {
        if !self.prefilter_may_answer() {
            return None;
        }
        let escapes = self.leaves_lines_unread(validation);
        self.compiled
            .prefilter
            .as_ref()?
            .candidates_in(bytes, escapes)
    }

    /// Whether, with `validation`, the lines the prefilter rejects are left unread.
    fn leaves_lines_unread(&self, validation: Validation) -> bool {
        validation == Validation::Candidates && self.may_leave_lines_unread()
    }

    /// [`Engine::evaluate_ndjson`]; with `candidates`, a line before the
    /// next place a line may be a candidate is not searched on its own: it
    /// is left unread (as `leaves_unread` would leave it) or, when every
    /// line is read, only checked.
    fn evaluate_batch(
        &self,
        batch: Batch,
        validation: Validation,
        candidates: Option<CandidateStarts<'_>>,
        now: Timestamp,
        mut recent: Option<&mut RecentAlerts>,
    ) -> NdjsonOutcome {
        let mut outcome = NdjsonOutcome::default();
        // Lines are handed over as bytes: most never need parsing, and a line
        // the prefilter rejects is checked for UTF-8 with its JSON (see
        // `Engine::evaluate_input_line`), or left unread (`Validation`).
        let max_json_depth = batch.limits.max_json_depth;
        let mut skipped: usize = 0;
        let leaving_unread = self.leaves_lines_unread(validation);
        let each = |piece: Piece<'_>| {
            let (line, evaluated) = match piece {
                Piece::Line { text, .. } if leaving_unread && self.leaves_unread(text) => {
                    skipped += 1;
                    return;
                }
                Piece::Line {
                    line,
                    text,
                    candidate,
                } => {
                    let recent = recent.as_deref_mut();
                    let mut evaluated =
                        self.evaluate_searched_line(text, candidate, max_json_depth, now, recent);
                    // Errors point into the line's text: number it as the input's line.
                    // (Most lines have none; moving an empty list through an
                    // iterator still costs every line of the mix calls in the wasm.)
                    if !evaluated.errors.is_empty() {
                        evaluated.errors = evaluated
                            .errors
                            .into_iter()
                            .map(|error| error.starting_at_line(line))
                            .collect();
                    }
                    (line, evaluated)
                }
                Piece::Document(Document::Event { line, value, raw }) => (
                    line,
                    self.evaluate_input(value, raw.as_deref(), now, recent.as_deref_mut()),
                ),
                Piece::Document(Document::Invalid { line, error }) => {
                    outcome.tally.record(0, 1);
                    outcome.invalid.push(InvalidInput { line, error });
                    return;
                }
            };
            outcome
                .tally
                .record(evaluated.documents, evaluated.errors.len());
            outcome.events += evaluated.documents;
            outcome.matched += evaluated.matched;
            outcome.deduplicated += evaluated.deduplicated;
            if !evaluated.outputs.is_empty() {
                outcome.outputs.extend(evaluated.outputs);
            }
            if !evaluated.errors.is_empty() {
                let invalid = evaluated.errors.into_iter();
                outcome
                    .invalid
                    .extend(invalid.map(|error| InvalidInput { line, error }));
            }
        };
        let (framing, unread) = match candidates {
            Some(starts) => {
                let next_candidate = &mut |from| starts.next_from(from);
                if leaving_unread {
                    read_batch_unless_candidate(batch, next_candidate, each)
                } else {
                    let framing = read_batch_marking_candidates(batch, next_candidate, each);
                    (framing, 0)
                }
            }
            None => (read_batch_lazily(batch, each), 0),
        };
        outcome.framing = framing;
        outcome.tally.skipped = skipped.saturating_add(unread);
        outcome
    }

    /// Explains every document of a batch of input, rule by rule.
    pub fn explain_ndjson(&self, batch: Batch) -> NdjsonOutcome<LineExplanation> {
        read_ndjson(batch, |outcome, line, value, raw| {
            for ingested in self.ingest(value, raw) {
                match ingested.and_then(|ingested| self.explain(&ingested.document)) {
                    Ok(explanation) => {
                        outcome.events += 1;
                        outcome.matched += usize::from(explanation.matched);
                        outcome.outputs.push(LineExplanation { line, explanation });
                    }
                    Err(error) => outcome.invalid.push(InvalidInput { line, error }),
                }
            }
        })
    }

    /// The documents a batch of input holds, read with the engine's input options.
    pub fn ingest_ndjson(&self, batch: Batch) -> NdjsonOutcome<Ingested> {
        read_ndjson(batch, |outcome, line, value, raw| {
            for ingested in self.ingest(value, raw) {
                match ingested {
                    Ok(ingested) => {
                        outcome.events += 1;
                        outcome.outputs.push(ingested);
                    }
                    Err(error) => outcome.invalid.push(InvalidInput { line, error }),
                }
            }
        })
    }
}

/// Reads a batch, passing each event (its line, value and raw text) to `each`
/// and recording every invalid document; each line is tallied by what `each`
/// counted for it.
fn read_ndjson<T>(
    batch: Batch,
    mut each: impl FnMut(&mut NdjsonOutcome<T>, usize, Value, Option<&str>),
) -> NdjsonOutcome<T> {
    let mut outcome = NdjsonOutcome::default();
    let framing = read_batch(batch, |document| match document {
        Document::Event { line, value, raw } => {
            let before = (outcome.events, outcome.invalid.len());
            each(&mut outcome, line, value, raw.as_deref());
            let events = outcome.events - before.0;
            outcome
                .tally
                .record(events, outcome.invalid.len() - before.1);
        }
        Document::Invalid { line, error } => {
            outcome.tally.record(0, 1);
            outcome.invalid.push(InvalidInput { line, error });
        }
    });
    outcome.framing = framing;
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::InputKind;

    /// What a host hears for each batch options text: the value it passed
    /// and what was due, never serde_json's bare "expected value".
    #[test]
    fn batch_options_say_what_was_wrong() {
        let cases = [
            (r#"{"output":"ndjson","validate":"candidates"}"#, ""),
            (r#"{"output":"objects","validate":"all"}"#, ""),
            (
                r#"{"output":5}"#,
                "invalid batch options: invalid type: integer `5`, expected `objects` or `ndjson`",
            ),
            (
                r#"{"output":"x"}"#,
                "invalid batch options: unknown variant `x`, expected `objects` or `ndjson`",
            ),
            (
                r#"{"validate":true}"#,
                "invalid batch options: invalid type: boolean `true`, expected `all` or `candidates`",
            ),
            (
                r#"{"validate":"some"}"#,
                "invalid batch options: unknown variant `some`, expected `all` or `candidates`",
            ),
            (
                r#"{"validate":null}"#,
                "invalid batch options: invalid type: null, expected `all` or `candidates`",
            ),
            (
                r#"{"origin":false}"#,
                "invalid batch options: invalid type: boolean `false`, expected a string",
            ),
            (
                "{\"origin\":\"a\u{1}b\"}",
                "invalid batch options: control character (\\u0000-\\u001F) found while parsing a string",
            ),
            (
                r#"{"origin":"\ud800"#,
                "invalid batch options: EOF while parsing a string",
            ),
            (
                r#"{"origin":"x\"#,
                "invalid batch options: EOF while parsing a string",
            ),
            (
                r#"{"origin":["x"]}"#,
                "invalid batch options: invalid type: sequence, expected a string",
            ),
            (
                r#"{"firstLine":-1}"#,
                "invalid batch options: invalid value: integer `-1`, expected u64",
            ),
        ];
        for (text, expected) in cases {
            let message = BatchOptions::from_json(text)
                .err()
                .map(|error| error.message)
                .unwrap_or_default();
            assert_eq!(message, expected, "{text}");
        }
    }

    /// `JSON.stringify` writes a JavaScript string's lone surrogate as an
    /// escape; an origin holding one reads as `TextEncoder` would pass it.
    #[test]
    fn an_origin_reads_as_the_host_wrote_it() {
        let cases = [
            (r#"{"origin":"app.log"}"#, Some("app.log")),
            (r#"{"origin":null}"#, None),
            (r#"{}"#, None),
            (r#"{"origin":"a\"\ud800"}"#, Some("a\"\u{FFFD}")),
            (r#"{"origin":"\udc00x\ud83d"}"#, Some("\u{FFFD}x\u{FFFD}")),
            (r#"{"origin":"\ud800\ud800"}"#, Some("\u{FFFD}\u{FFFD}")),
            (r#"{"origin":"\ud83d\ude00 é"}"#, Some("\u{1F600} é")),
            // An escaped backslash before `ud800` is text, not an escape.
            (r#"{"origin":"\\ud800"}"#, Some("\\ud800")),
            (r#"{"origin":"\\\ud800"}"#, Some("\\\u{FFFD}")),
            (
                r#"{"origin":"\uD83D\uDE00\uDE00"}"#,
                Some("\u{1F600}\u{FFFD}"),
            ),
        ];
        for (text, expected) in cases {
            let options = BatchOptions::from_json(text).map_err(|error| error.message);
            assert_eq!(
                options.map(|options| options.origin),
                Ok(expected.map(String::from)),
                "{text}"
            );
        }
    }

    const SAMPLES: &str = include_str!("../../examples/azure-auditlogs.ndjson");
    const NOW: Timestamp = Timestamp(1_795_000_000_000);

    fn batch(bytes: &[u8], first_line: usize, end_of_input: bool) -> Batch<'_> {
        Batch {
            bytes,
            first_line,
            end_of_input,
            limits: InputLimits::default(),
        }
    }

    #[test]
    fn every_line_is_an_event_invalid_or_blank() {
        let engine = Engine::builtin();
        let input = b"{\"a\":1}\n\n  \n{\"s\":\"\xff\"}\n[1]\n{\"b\":\n{\"c\":2}";
        let outcome = engine.evaluate_ndjson(batch(input, 3, false), Validation::All, NOW, None);
        let invalid: Vec<usize> = outcome.invalid.iter().map(|invalid| invalid.line).collect();
        assert_eq!(invalid, [6, 7, 8], "bad UTF-8, not an object, malformed");
        assert_eq!(outcome.events, 1);
        assert_eq!((outcome.framing.lines, outcome.framing.blank), (6, 2));
        assert_eq!(
            &input[outcome.framing.consumed..],
            b"{\"c\":2}",
            "the incomplete last line is left for the next chunk"
        );
        let end = engine.evaluate_ndjson(batch(b"{\"c\":2}", 9, true), Validation::All, NOW, None);
        assert_eq!(
            (end.framing.lines, end.events, end.framing.consumed),
            (1, 1, 7)
        );
    }

    #[test]
    fn lines_the_lazy_path_skips_are_invalid_when_the_full_path_says_so() {
        let schema = crate::schema::Schema::builtin();
        let lazy = Engine::from_queries(["event.action:\"hostile-hit\""], &schema, NOW).unwrap();
        // Tag mode reads every line in full.
        let full = lazy.clone().with_mode(super::super::Mode::Tag);
        let bodies = [
            r#"{"a":1 "b":2}"#,
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{,}"#,
            r#"{"a":01}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":{"b"}}"#,
            r#"{"a"::1}"#,
            "{\"a\":\"x\ty\"}",
            "{\"a\":\"\u{1}\"}",
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\udc00x"}"#,
            r#"{"a":1}"#,
            r#"{"a":1e999}"#,
        ];
        for body in bodies {
            // Without the rule's literal (the prefilter skips it) and with it (the lazy reader reads it).
            for extra in ["", r#","event":{"action":"hostile-hit-not"}"#] {
                let line = format!("{}{extra}}}\n", body.strip_suffix('}').unwrap());
                let batch = || batch(line.as_bytes(), 2, true);
                let (lazily, fully) = (
                    lazy.evaluate_ndjson(batch(), Validation::All, NOW, None),
                    full.evaluate_ndjson(batch(), Validation::All, NOW, None),
                );
                assert_eq!(
                    (lazily.events, lazily.invalid.len()),
                    (fully.events, fully.invalid.len()),
                    "{line}"
                );
            }
        }
    }

    /// Lines for generated batches: matches, literals of a first group
    /// alone, a literal at a line's start or end or cut by a newline,
    /// escapes that may spell a literal and others, malformed lines with and
    /// without literals, blank lines, long lines, a byte order mark, and
    /// openings of an array or a pretty-printed document; and for `auto`
    /// input, raw Azure records (with and without a literal), an envelope,
    /// a search hit and a message holding JSON text.
    const LINES: [&str; 28] = [
        r#"{"event":{"action":"hit-one"},"user":{"name":"two/x"}}"#,
        r#"{"event":{"action":"hit-one"}}"#,
        r#"{"event":{"action":"other-rule"},"n":1}"#,
        r#"{"a":"x","b":[1,2,{"c":null}]}"#,
        r#"{"a":"\u0068it-one"}"#,
        r#"{"user":{"name":"two\/x"},"event":{"action":"hit-one"}}"#,
        r#"{"a":"\\x\n"}"#,
        r#"hit-one {"a":1}"#,
        r#"{"a":1} other-rule"#,
        r#"{"a":"hit-"#,
        r#"one"}"#,
        r#"{"a":"x\"#,
        r#"{"a":"#,
        "",
        "  ",
        "\t",
        "\u{feff}{\"a\":1}",
        r#"{"a":"a long line, longer than some batches' limit on a line's bytes"}"#,
        r#"{"a":"a long line with the literal hit-one, longer than some batches' limit"}"#,
        "[",
        "{",
        "[1]",
        r#"{"category":"AuditLogs","operationName":"Add"}"#,
        r#"{"category":"AuditLogs","operationName":"hit-one"}"#,
        r#"{"records":[{"category":"AuditLogs"}]}"#,
        r#"{"_source":{"a":1}}"#,
        r#"{"message":"{\"category\":\"AuditLogs\",\"time\":1}"}"#,
        r#"{"event":{"dataset":"azure.auditlogs"}}"#,
    ];

    /// Batches of [`LINES`], drawn by a fixed pseudo-random sequence: each
    /// with its lines, CRLF or LF after each, the last line complete or not,
    /// its first line, whether it ends the input, and its limits on a line
    /// and on an input read whole.
    fn generated_batches(count: usize) -> Vec<(Vec<u8>, usize, bool, InputLimits)> {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        (0..count)
            .map(|_| {
                let mut bytes = Vec::new();
                for _ in 0..next(12) {
                    bytes.extend_from_slice(LINES[next(LINES.len())].as_bytes());
                    bytes.extend_from_slice([&b"\n"[..], b"\r\n"][next(2)]);
                }
                if next(2) == 0 {
                    bytes.extend_from_slice(LINES[next(LINES.len())].as_bytes());
                }
                let first_line = [1, 1, 2, 7][next(4)];
                let limits = InputLimits {
                    max_line_bytes: [16 << 20, 40, 60][next(3)],
                    max_whole_input_bytes: [64 << 20, 100][next(2)],
                    ..InputLimits::default()
                };
                (bytes, first_line, next(2) == 0, limits)
            })
            .collect()
    }

    /// Where, at or after `from`, the first of `literals` or an escape that
    /// may spell one (`\u` when `unicode`, `\/` when `slash`) starts in
    /// `bytes`.
    fn first_candidate(
        bytes: &[u8],
        from: usize,
        literals: &[&str],
        slash: bool,
        unicode: bool,
    ) -> usize {
        (from..bytes.len())
            .find(|&at| {
                let rest = &bytes[at..];
                literals
                    .iter()
                    .any(|literal| rest.starts_with(literal.as_bytes()))
                    || unicode && rest.starts_with(b"\\u")
                    || slash && rest.starts_with(b"\\/")
            })
            .unwrap_or(bytes.len())
    }

    /// Rule sets with few first-group literals (searched apart), each with
    /// those literals and whether some literal holds a slash: one rule, two,
    /// and one whose literal a raw Azure record lacks but its normalised
    /// document has (`azure.auditlogs`, from `"category":"AuditLogs"`).
    const FEW_LITERALS: [(&[&str], &[&str], bool); 3] = [
        (
            &[r#"event.action:"hit-one" and user.name:"two/x""#],
            &["hit-one"],
            true,
        ),
        (
            &[
                r#"event.action:"hit-one" and user.name:"two/x""#,
                "event.action:other-rule",
            ],
            &["hit-one", "other-rule"],
            true,
        ),
        (
            &["event.dataset:azure.auditlogs"],
            &["azure.auditlogs"],
            false,
        ),
    ];

    /// Searching a whole batch for the places a line may start to be a
    /// candidate changes nothing a batch reports: every line is read as
    /// when each line is searched on its own (ECS and `auto` input), and
    /// with `validate: "candidates"` exactly the same lines are left unread.
    #[test]
    fn one_search_of_the_batch_reports_what_searching_line_by_line_reports() {
        let schema = crate::schema::Schema::builtin();
        let (mut unread_at_once, mut too_large) = (0, 0);
        for (queries, literals, slash) in FEW_LITERALS {
            let engines = [InputKind::Ecs, InputKind::Auto].map(|input| {
                Engine::from_queries(queries.iter().copied(), &schema, NOW)
                    .unwrap()
                    .with_ingest(crate::ingest::IngestOptions {
                        input,
                        keep_original: false,
                    })
            });
            for (bytes, first_line, end_of_input, limits) in generated_batches(2000) {
                let batch = Batch {
                    bytes: &bytes,
                    first_line,
                    end_of_input,
                    limits,
                };
                // The place given is never past the first candidate (a
                // hiding escape only when lines are left unread), and before
                // it by less than a literal's length.
                for (validation, escapes) in
                    [(Validation::Candidates, true), (Validation::All, false)]
                {
                    let starts = engines[0]
                        .candidates_in(&bytes, validation)
                        .expect("few literals, searched apart");
                    for from in 0..=bytes.len() {
                        let next = starts.next_from(from);
                        let first =
                            first_candidate(&bytes, from, literals, escapes && slash, escapes);
                        assert!(next <= first && first < next + 16, "{next} for {first}");
                    }
                }
                for (engine, validation) in engines.iter().flat_map(|engine| {
                    [Validation::All, Validation::Candidates].map(|v| (engine, v))
                }) {
                    let candidates = engine.candidates_in(&bytes, validation);
                    let at_once = engine.evaluate_batch(batch, validation, candidates, NOW, None);
                    let by_line = engine.evaluate_batch(batch, validation, None, NOW, None);
                    let text = String::from_utf8_lossy(&bytes);
                    assert_eq!(
                        at_once, by_line,
                        "{queries:?}, {:?}, {validation:?} over {text:?} from line {first_line}",
                        engine.ingest.input
                    );
                    unread_at_once += at_once.tally.skipped;
                    too_large += at_once
                        .invalid
                        .iter()
                        .filter(|invalid| invalid.error.kind == "too_large")
                        .count();
                }
            }
        }
        assert!(unread_at_once > 0, "some lines are left unread");
        assert!(too_large > 0, "some inputs are too large to read whole");
    }

    #[test]
    fn arrays_and_pretty_documents_wait_for_the_whole_input() {
        let engine = Engine::builtin();
        let lines: Vec<&str> = SAMPLES.lines().collect();
        let array = format!("\n[\n{},\n{}\n]\n", lines[0], lines[1]);
        let early = engine.evaluate_ndjson(
            batch(array.as_bytes(), 1, false),
            Validation::All,
            NOW,
            None,
        );
        assert!(early.framing.whole_input_needed);
        assert_eq!((early.framing.consumed, early.events), (0, 0));
        let whole =
            engine.evaluate_ndjson(batch(array.as_bytes(), 1, true), Validation::All, NOW, None);
        assert_eq!((whole.events, whole.outputs.len()), (2, 1));
        assert_eq!(whole.framing.consumed, array.len());
        // Later in an input the shape is settled: a `[` line is an invalid NDJSON line.
        let later = engine.evaluate_ndjson(batch(b"[\n", 5, false), Validation::All, NOW, None);
        assert_eq!(later.invalid[0].line, 5);
    }

    #[test]
    fn nothing_is_read_before_the_first_line_is_complete() {
        let engine = Engine::builtin();
        let outcome =
            engine.evaluate_ndjson(batch(b"\n\n{\"a\":", 1, false), Validation::All, NOW, None);
        assert_eq!(outcome.framing, Framing::default());
        let outcome = engine.evaluate_ndjson(batch(b"\n\n", 1, true), Validation::All, NOW, None);
        assert_eq!((outcome.framing.lines, outcome.framing.blank), (2, 2));
    }

    #[test]
    fn matches_and_re_sent_alerts_are_counted() {
        let engine = Engine::builtin();
        let mut recent = engine.recent_alerts();
        let first = engine.evaluate_ndjson(
            batch(SAMPLES.as_bytes(), 1, true),
            Validation::All,
            NOW,
            Some(&mut recent),
        );
        let again = engine.evaluate_ndjson(
            batch(SAMPLES.as_bytes(), 1, true),
            Validation::All,
            NOW,
            Some(&mut recent),
        );
        assert_eq!(
            (first.matched, first.outputs.len(), first.deduplicated),
            (4, 4, 0)
        );
        assert_eq!(
            (again.matched, again.outputs.len(), again.deduplicated),
            (4, 0, 4)
        );
    }

    #[test]
    fn explanations_and_documents_keep_their_lines() {
        let engine = Engine::builtin();
        let explained = engine.explain_ndjson(batch(SAMPLES.as_bytes(), 1, true));
        let matched: Vec<usize> = explained
            .outputs
            .iter()
            .filter(|output| output.explanation.matched)
            .map(|output| output.line)
            .collect();
        assert_eq!(matched, [1, 8, 9, 10]);
        let ingested = engine.ingest_ndjson(batch(b"{\"records\":[{},{}]}\n", 1, true));
        assert_eq!((ingested.events, ingested.invalid.len()), (0, 2));
        assert_eq!(
            ingested.invalid[0]
                .clone()
                .in_input("in.ndjson")
                .origin
                .as_deref(),
            Some("in.ndjson, line 1")
        );
    }
}
