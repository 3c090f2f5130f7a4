//! Inputs as users hand them over: one JSON value (a line, a pasted document)
//! may be an ECS document, a raw Azure record, an envelope of many records,
//! or search hits. Each is turned into documents by [`crate::ingest`] first,
//! and every document, or the reason one part of the input is not a
//! document, is accounted for.

use serde_json::Value;

use std::cell::RefCell;

use super::known::KnownVerdict;
use super::{Engine, Mode, RecentAlerts};
use crate::error::Error;
use crate::event::{Event, Scalar};
use crate::explain::Explanation;
use crate::ingest::{self, Ingested};
use crate::ingest::{
    may_embed_record, InputKind, EMBEDDING_FIELDS, NON_ECS_KEY_PREFIXES, NON_ECS_TOP_LEVEL_KEYS,
};
use crate::limits::{parse_json, JsonFault};
use crate::scan::{self, outline_bytes, outline_object, KeyWatch, Outline, Projected, Scanner};
use crate::time::Timestamp;

/// What one input produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InputOutcome {
    /// Alerts, passed events or tagged events, per the engine's mode.
    pub outputs: Vec<Value>,
    /// How many documents the input held and were evaluated.
    pub documents: usize,
    /// How many of them matched at least one rule.
    pub matched: usize,
    /// Alerts not created again because the engine created them recently.
    pub deduplicated: usize,
    /// Parts of the input that are not documents (or the whole input, when
    /// it is not JSON), each with its reason.
    pub errors: Vec<Error>,
}

impl Engine {
    /// The documents `value` holds, as the engine's input options read it.
    pub fn ingest(&self, value: Value, raw: Option<&str>) -> Vec<Result<Ingested, Error>> {
        ingest::ingest(value, raw, self.ingest)
    }

    /// Parses `text` and returns the documents it holds; the first part that
    /// is not a document fails the whole input.
    pub fn normalize_json(&self, text: &str) -> Result<Vec<Value>, Error> {
        ingest::normalize_json(text, self.ingest)
    }

    /// Evaluates every document `value` holds; `raw` is its JSON text when
    /// known (for `event.original`). With `recent`, alerts created recently
    /// are not created again.
    pub fn evaluate_input(
        &self,
        value: Value,
        raw: Option<&str>,
        now: Timestamp,
        mut recent: Option<&mut RecentAlerts>,
    ) -> InputOutcome {
        let mut outcome = InputOutcome::default();
        for ingested in self.ingest(value, raw) {
            let ingested = match ingested {
                Ok(ingested) => ingested,
                Err(error) => {
                    outcome.errors.push(error);
                    continue;
                }
            };
            let evaluated = self.evaluate_remembering(
                &ingested.document,
                ingested.identity.as_ref(),
                now,
                recent.as_deref_mut(),
            );
            match evaluated {
                Ok(evaluation) => {
                    outcome.documents += 1;
                    outcome.matched += usize::from(evaluation.matched);
                    outcome.deduplicated += evaluation.deduplicated;
                    outcome
                        .outputs
                        .extend(self.as_passed(evaluation.outputs, ingested.record));
                }
                Err(error) => outcome.errors.push(error),
            }
        }
        outcome
    }

    /// [`Engine::evaluate_input`] for JSON text.
    ///
    /// Most events match no rule. When the text is one ECS document, its
    /// bytes are first searched for the literals the rules require (see
    /// [`crate::prefilter`]); if it has some, it is read lazily, for the fields
    /// the rules read only; if no rule alerts on that, the answer is known
    /// without building the document; if some rule alerts, its verdict is
    /// kept (see `known.rs`: the document is built only for new alerts).
    /// Everything else (raw Azure records, envelopes, text the lazy reader
    /// does not accept) takes the full path. The lazy reader accepts events
    /// of up to [`scan::MAX_DEPTH`] levels (the top-level object included):
    /// it answers only when `max_json_depth` allows that many (else every
    /// event takes the full path, which measures it), so that it never
    /// passes or alerts on an event the limit refuses.
    pub fn evaluate_input_json(
        &self,
        text: &str,
        max_json_depth: usize,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> InputOutcome {
        // Text is UTF-8 already: only its JSON is checked.
        let outline = |watch: &KeyWatch<'_>| outline_object(text, watch);
        if lazy_reader_answers(max_json_depth) && self.cannot_match(text.as_bytes(), true, outline)
        {
            return one_document();
        }
        self.evaluate_past_prefilter(text, max_json_depth, now, recent)
    }

    /// [`Engine::evaluate_input_json`] for a line's bytes, not yet known to
    /// be UTF-8: a line the prefilter rejects is validated in the same pass
    /// as its JSON; the others apart. A line that is not UTF-8 is invalid as
    /// the parse reports it.
    pub fn evaluate_input_line(
        &self,
        line: &[u8],
        max_json_depth: usize,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> InputOutcome {
        self.evaluate_searched_line(line, true, max_json_depth, now, recent)
    }

    /// [`Engine::evaluate_input_line`] for a line that, unless `candidate`,
    /// a search of its whole batch showed to hold no literal the prefilter
    /// looks for (see [`Engine::candidates_in`]): it goes to the structure
    /// check without a search of its own.
    pub(super) fn evaluate_searched_line(
        &self,
        line: &[u8],
        candidate: bool,
        max_json_depth: usize,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> InputOutcome {
        let outline = |watch: &KeyWatch<'_>| outline_bytes(line, watch);
        if lazy_reader_answers(max_json_depth) && self.cannot_match(line, candidate, outline) {
            return one_document();
        }
        // SIMD validation: std's `from_utf8` takes eight bytes a step in the
        // wasm and was 3.5% of a run where every line is a candidate.
        match simdutf8::basic::from_utf8(line) {
            Ok(text) => self.evaluate_past_prefilter(text, max_json_depth, now, recent),
            Err(_) => {
                let text = String::from_utf8_lossy(line);
                self.evaluate_parsed(&text, parse_json(line, max_json_depth), now, recent)
            }
        }
    }

    /// [`Engine::evaluate_input_json`] once the prefilter let `text` through.
    fn evaluate_past_prefilter(
        &self,
        text: &str,
        max_json_depth: usize,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> InputOutcome {
        // The lazy reader answers only for text the full parse reads as one
        // object (it checks the values it skips against JSON's grammar too),
        // so a line it passes is rightly counted as an event.
        // Rules alerting on the lazily read event are not asked again.
        let verdict = lazy_reader_answers(max_json_depth)
            .then(|| self.alerts_on_projection(text, now))
            .flatten();
        match verdict {
            Some(verdict) if verdict.alerts() => {
                return self.evaluate_known(text, &verdict, max_json_depth, now, recent);
            }
            Some(_) => return one_document(),
            None => {}
        }
        self.evaluate_parsed(
            text,
            parse_json(text.as_bytes(), max_json_depth),
            now,
            recent,
        )
    }

    /// The outcome of `text`, parsed as `parsed`.
    fn evaluate_parsed(
        &self,
        text: &str,
        parsed: Result<Value, JsonFault>,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> InputOutcome {
        match parsed {
            Ok(value) => self.evaluate_input(value, Some(text), now, recent),
            Err(fault) => InputOutcome {
                errors: vec![fault.into_error(text)],
                ..InputOutcome::default()
            },
        }
    }

    /// The explanation of every document `text` holds.
    pub fn explain_input_json(&self, text: &str) -> Result<Vec<Explanation>, Error> {
        self.normalize_json(text)?
            .iter()
            .map(|document| self.explain(document))
            .collect()
    }

    /// Whether `line` may be left unread (`validate: "candidates"`): the
    /// prefilter shows no rule can match its bytes, and reading it could
    /// change nothing but the counts. ECS input only: search hits are
    /// unwrapped from it, but a hit's source is part of the line's bytes, so
    /// it lacks the literals too; a raw Azure record in `auto` input lacks
    /// the literals its normalised document has (`azure.auditlogs` is made
    /// from `"category":"AuditLogs"`). Tag mode passes on every event.
    pub fn leaves_unread(&self, line: &[u8]) -> bool {
        self.may_leave_lines_unread()
            && self
                .compiled
                .prefilter
                .as_ref()
                .is_some_and(|prefilter| !prefilter.may_match(line))
    }

    /// Whether [`Engine::leaves_unread`] may leave any line unread.
    pub(super) fn may_leave_lines_unread(&self) -> bool {
        self.ingest.input == InputKind::Ecs && self.mode != Mode::Tag
    }

    /// Whether the prefilter may answer for an event before it is read:
    /// tag mode passes on every event, and raw Azure input becomes
    /// documents with other text than its own.
    pub(super) fn prefilter_may_answer(&self) -> bool {
        self.mode != Mode::Tag && self.ingest.input != InputKind::Azure
    }

    /// True when the prefilter shows, from the bytes alone, that no rule can
    /// match `text` and that ingest would take it as it is (an ECS object of
    /// UTF-8 text, as `outline` reads it: bytes are checked for UTF-8 too,
    /// text is not checked again). Unless `candidate`, `text` is known to
    /// hold none of the prefilter's literals, and is not searched for them.
    fn cannot_match(
        &self,
        text: &[u8],
        candidate: bool,
        outline: impl FnOnce(&KeyWatch<'_>) -> Option<Outline>,
    ) -> bool {
        let Some(prefilter) = &self.compiled.prefilter else {
            return false;
        };
        if !self.prefilter_may_answer() || candidate && prefilter.literals_may_match(text) {
            return false;
        }
        // A line no rule can match is not read, but it must still be a JSON
        // object (a malformed one is reported, by the full path, as invalid),
        // and one ingest passes on unchanged: in auto input a raw record or a
        // wrapper could become a document with other text than its own, and
        // search hits are unwrapped from ECS input too (a hit whose `_source`
        // is no object is invalid). The watched keys include the hits' (and a
        // few more, which only cost a parse).
        let watch = KeyWatch {
            keys: &NON_ECS_TOP_LEVEL_KEYS,
            prefixes: &NON_ECS_KEY_PREFIXES,
        };
        // The check decodes every escape, so the prefilter's own pass over
        // the line for escapes that may spell a literal is not needed.
        outline(&watch).is_some_and(|outline| {
            let embeds = self.ingest.input == InputKind::Auto && outline.may_embed_json;
            let hidden =
                prefilter.escapes_may_hide_literals(outline.unicode_escape, outline.slash_escape);
            !(outline.saw_watched_key || embeds || hidden)
        })
    }

    /// The rules that alert on `text`, read lazily; `None` when the lazy
    /// reader cannot answer (see [`Engine::evaluate_input_json`]).
    fn alerts_on_projection(&self, text: &str, now: Timestamp) -> Option<KnownVerdict> {
        if self.mode == Mode::Tag || self.ingest.input == InputKind::Azure {
            return None;
        }
        let fields = self.compiled.fields.as_ref()?;
        SCANNER.with(|scanner| {
            let mut scanner = scanner.try_borrow_mut().ok()?;
            let projected = scanner.scan(text, fields)?;
            let unwrapped = match self.ingest.input {
                InputKind::Auto => may_not_be_ecs(&projected),
                // Search hits are unwrapped from ECS input too; the watched
                // keys include theirs (and a few more, which only cost a parse).
                _ => projected.saw_watched_key(),
            };
            if unwrapped {
                return None;
            }
            self.verdict_on(&projected, text, now)
        })
    }

    /// In filter mode a normalised record passes on as it came in, so a
    /// shipper forwards what Azure sent; other outputs are unchanged.
    fn as_passed(&self, outputs: Vec<Value>, record: Option<Value>) -> Vec<Value> {
        match (self.mode, record) {
            (Mode::Filter, Some(record)) if !outputs.is_empty() => vec![record],
            _ => outputs,
        }
    }
}

/// Whether the lazy reader (and the prefilter's structure check) may answer
/// under `max_json_depth`: they accept events of up to [`scan::MAX_DEPTH`]
/// levels, so only a limit that allows as many lets them, and the parse
/// reports every event too deep for a lower one.
fn lazy_reader_answers(max_json_depth: usize) -> bool {
    max_json_depth >= scan::MAX_DEPTH
}

/// One event, evaluated without alerts.
fn one_document() -> InputOutcome {
    InputOutcome {
        documents: 1,
        ..InputOutcome::default()
    }
}

thread_local! {
    /// The lazy reader's buffers, reused from event to event.
    static SCANNER: RefCell<Scanner> = RefCell::new(Scanner::default());
}

/// True when ingest might not pass the projected input through unchanged: it
/// has a top-level key of a raw record, envelope or search hit, or a wrapper
/// field holding JSON text.
fn may_not_be_ecs(projected: &Projected<'_>) -> bool {
    projected.saw_watched_key()
        || EMBEDDING_FIELDS.iter().any(|field| {
            projected.any_value(
                field,
                &mut |value| matches!(value, Scalar::Text(text) if may_embed_record(text)),
            )
        })
}
