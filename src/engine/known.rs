//! Events the lazy reader found some rule alerting on.
//!
//! The lazy reader (see [`Engine::evaluate_input_json`]) finds an ECS
//! document's verdict from the fields the rules read. When some rule alerts,
//! the full path would parse the event, evaluate every rule again on the
//! parsed value and write the value back as JSON to hash its document id,
//! only to find, for an event sent again, that the engine created its alerts
//! already. Here the verdict is kept: the rules that alert are the lazy
//! reader's; the id is the hash of the text itself when the text is what
//! serde_json would write (see [`super::canonical`]); and the event is parsed
//! only when its text is not, or when an alert is new and must be built.
//!
//! Why the answers are the same: the lazy reader's verdict is the full
//! path's (tests/scan.rs compares them on every case event); it answers only
//! for objects ingest passes through unchanged, so the event is the document
//! itself, with no stored `_index` or `_id`; the index the rules' patterns
//! were checked against is the one the full path names (the engine's, else
//! the data stream, which a field holding two different names leaves
//! unnamed on both paths); and alert ids are admitted to the memory of recent
//! alerts rule by rule in the same order. tests/known_verdict.rs compares
//! both paths, events sent again included.

use std::cell::RefCell;
use std::sync::OnceLock;

use serde_json::Value;

use super::{
    canonical, data_stream_of, CompiledRule, Engine, InputOutcome, Mode, RecentAlerts,
    DATA_STREAM_FIELDS,
};
use crate::alert::tag_event;
use crate::event::Event;
use crate::ids::{self, SourceIdentity};
use crate::limits::{parse_json, JsonFault};
use crate::scan::{FieldSet, Scanner};
use crate::time::Timestamp;

/// The rules that alert on an event, as the lazy reader found them.
pub(super) struct KnownVerdict {
    /// Their positions, in order.
    rules: Vec<usize>,
    /// The index their patterns were checked against: the engine's, else the
    /// event's data stream.
    index: Option<String>,
}

impl KnownVerdict {
    /// Whether any rule alerts.
    pub(super) fn alerts(&self) -> bool {
        !self.rules.is_empty()
    }
}

/// Outputs and how many alerts were not created again.
type Emitted = (Vec<Value>, usize);

impl Engine {
    /// The rules that alert on `event`, the lazy reader's reading of `text`,
    /// at `now` (index patterns, query and exceptions), for an event that
    /// does not say where it is stored; `None` if its data stream could not
    /// be read.
    pub(super) fn verdict_on(
        &self,
        event: &dyn Event,
        text: &str,
        now: Timestamp,
    ) -> Option<KnownVerdict> {
        // The index is named only once some rule's query matches, and then
        // once for all: most events read match no rule, and reading their
        // data stream (its fields are not among those `event` was read for),
        // naming it and matching it against each rule's index patterns cost
        // more than their queries. Both tests are pure, so their order
        // changes no verdict.
        let mut index: Option<Option<String>> = self.index.clone().map(Some);
        let mut rules = Vec::new();
        for position in self.compiled.dispatch.candidates(event) {
            let compiled = &self.compiled.rules[position];
            if !compiled.alerts_on(event, now) {
                continue;
            }
            let named = match &mut index {
                Some(named) => named,
                unnamed => unnamed.insert(data_stream_of_text(text)?),
            };
            if named
                .as_deref()
                .is_none_or(|index| compiled.indices.includes(index))
            {
                rules.push(position);
            }
        }
        Some(KnownVerdict {
            rules,
            index: index.flatten(),
        })
    }

    /// [`Engine::evaluate_input_json`] for `text`, an ECS document on which
    /// `verdict`'s rules (some) alert.
    pub(super) fn evaluate_known(
        &self,
        text: &str,
        verdict: &KnownVerdict,
        max_json_depth: usize,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> InputOutcome {
        let parse = || parse_json(text.as_bytes(), max_json_depth);
        let emitted = match self.mode {
            Mode::Alerts => self.known_alerts(text, verdict, parse, now, recent),
            Mode::Filter => parse().map(|event| (vec![event], 0)),
            // The lazy reader declines tag mode today (events no rule tags
            // are passed on too, so each is parsed anyway); were it to answer,
            // the kept rules are the tags.
            Mode::Tag => parse().map(|event| {
                let rules: Vec<_> = self
                    .rules_of(verdict)
                    .map(|compiled| &compiled.rule)
                    .collect();
                (vec![tag_event(&event, &rules)], 0)
            }),
        };
        match emitted {
            Ok((outputs, deduplicated)) => InputOutcome {
                outputs,
                documents: 1,
                matched: 1,
                deduplicated,
                errors: Vec::new(),
            },
            Err(fault) => InputOutcome {
                errors: vec![fault.into_error(text)],
                ..InputOutcome::default()
            },
        }
    }

    /// The alerts of `verdict`'s rules on `text` that `recent` does not hold.
    fn known_alerts(
        &self,
        text: &str,
        verdict: &KnownVerdict,
        parse: impl Fn() -> Result<Value, JsonFault>,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> Result<Emitted, JsonFault> {
        let (id, parsed) = if canonical::is_canonical(text) {
            (ids::document_id(text), None)
        } else {
            let event = parse()?;
            (ids::document_id(&event.to_string()), Some(event))
        };
        let source = SourceIdentity {
            index: verdict.index.clone().unwrap_or_default(),
            id,
        };
        let matched: Vec<&CompiledRule> = self.rules_of(verdict).collect();
        let fresh = self.new_alerts(&matched, &source, now, recent);
        let deduplicated = matched.len() - fresh.len();
        if fresh.is_empty() {
            return Ok((Vec::new(), deduplicated));
        }
        let event = match parsed {
            Some(event) => event,
            None => parse()?,
        };
        Ok((
            self.alerts_taking(event, &fresh, &source, now),
            deduplicated,
        ))
    }

    fn rules_of<'e>(&'e self, verdict: &'e KnownVerdict) -> impl Iterator<Item = &'e CompiledRule> {
        verdict
            .rules
            .iter()
            .map(|&position| &self.compiled.rules[position])
    }
}

/// The data stream `text` (an event the lazy reader accepted) is stored in,
/// as [`data_stream_of`] names it; `None` (the outer) if the reader could
/// not read it, which it always can, having accepted it once.
fn data_stream_of_text(text: &str) -> Option<Option<String>> {
    // Read again for these three fields alone, by a scanner of its own (the
    // thread's first is lent out for the event's first reading), kept so
    // that a stream where most events match allocates nothing per match.
    thread_local! {
        static DATA_STREAM_SCANNER: RefCell<Scanner> = RefCell::new(Scanner::default());
    }
    static FIELDS: OnceLock<FieldSet> = OnceLock::new();
    let fields = FIELDS.get_or_init(|| {
        DATA_STREAM_FIELDS
            .iter()
            .fold(FieldSet::default(), |fields, path| fields.with_exact(path))
    });
    let read = |scanner: &mut Scanner| Some(data_stream_of(&scanner.scan(text, fields)?));
    DATA_STREAM_SCANNER.with(|scanner| match scanner.try_borrow_mut() {
        Ok(mut scanner) => read(&mut scanner),
        Err(_) => read(&mut Scanner::default()),
    })
}
