//! Inputs as users hand them over: one JSON value (a line, a pasted document)
//! may be an ECS document, a raw Azure record, an envelope of many records,
//! or search hits. Each is turned into documents by [`crate::ingest`] first,
//! and every document, or the reason one part of the input is not a
//! document, is accounted for.

use serde_json::Value;

use super::{Engine, Mode, RecentAlerts};
use crate::error::Error;
use crate::explain::Explanation;
use crate::ingest::{self, Ingested};
use crate::input::invalid_json;
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
    pub fn evaluate_input_json(
        &self,
        text: &str,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> InputOutcome {
        match serde_json::from_str(text) {
            Ok(value) => self.evaluate_input(value, Some(text), now, recent),
            Err(error) => InputOutcome {
                errors: vec![invalid_json(&error, text)],
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

    /// In filter mode a normalised record passes on as it came in, so a
    /// shipper forwards what Azure sent; other outputs are unchanged.
    fn as_passed(&self, outputs: Vec<Value>, record: Option<Value>) -> Vec<Value> {
        match (self.mode, record) {
            (Mode::Filter, Some(record)) if !outputs.is_empty() => vec![record],
            _ => outputs,
        }
    }
}
