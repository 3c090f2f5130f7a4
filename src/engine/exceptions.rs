//! Rule exceptions attached to the engine's rules.
//!
//! Kibana applies to each rule the items of the exception lists its
//! `exceptions_list` names. Lists come with the rules (a Kibana rule export
//! carries them after the rules) or separately (an exception list export, API
//! JSON); items of lists no rule names apply to every rule, which is how a
//! user adds exceptions "by option" without editing rules. A rule naming a
//! list nobody supplied runs without it, with a diagnostic, as it would be
//! wrong to stay silent about it.

use super::Engine;
use crate::error::Error;
use crate::exception::{
    self, CompiledExceptions, ExceptionItem, ExceptionListReference, ExceptionSet, ValueLists,
};

/// Exception lists and items from one text (a file, or a JavaScript option).
#[derive(Clone, Debug)]
pub struct ExceptionSource {
    /// Where the text came from, for messages.
    pub origin: String,
    /// The text: an exception list export (NDJSON), API JSON, or a rule export
    /// carrying lists.
    pub text: String,
}

/// Every exception record of `sources`; the first malformed one fails.
pub(super) fn load_sources(sources: &[ExceptionSource]) -> Result<ExceptionSet, Error> {
    let mut set = ExceptionSet::default();
    for source in sources {
        for record in exception::load(&source.origin, &source.text) {
            set.add(record?);
        }
    }
    Ok(set)
}

impl Engine {
    /// Compiles, for every rule, the items that apply to it; returns the
    /// diagnostics (lists rules name but nobody supplied).
    pub(super) fn attach_exceptions(
        &mut self,
        set: &ExceptionSet,
        lists: &ValueLists,
    ) -> Result<Vec<Error>, Error> {
        let diagnostics = self.compile_exceptions(set, lists)?;
        self.record_fields_read();
        Ok(diagnostics)
    }

    fn compile_exceptions(
        &mut self,
        set: &ExceptionSet,
        lists: &ValueLists,
    ) -> Result<Vec<Error>, Error> {
        let mut diagnostics = Vec::new();
        let mut references_per_rule = Vec::new();
        for compiled in &self.rules {
            let references = ExceptionListReference::from_rule(&compiled.rule.exceptions_list)
                .map_err(|error| error.in_origin(rule_origin(&compiled.rule)))?;
            references_per_rule.push(references);
        }
        let unattached: Vec<&ExceptionItem> = set
            .items
            .iter()
            .filter(|item| {
                !references_per_rule.iter().flatten().any(|reference| {
                    reference.list_id == item.list_id
                        && reference.namespace_type == item.namespace_type
                })
            })
            .collect();
        for (compiled, references) in self.rules.iter_mut().zip(&references_per_rule) {
            let (mut items, missing) = set.items_for(references);
            let origin = rule_origin(&compiled.rule);
            diagnostics.extend(
                missing
                    .into_iter()
                    .map(|error| error.in_origin(origin.clone())),
            );
            items.extend(unattached.iter().copied());
            compiled.exceptions =
                CompiledExceptions::compile(items, &self.schema, self.compiled_at, lists)
                    .map_err(|error| error.in_origin(origin))?;
        }
        Ok(diagnostics)
    }
}

fn rule_origin(rule: &crate::rule::Rule) -> String {
    format!("rule \"{}\" ({})", rule.name, rule.rule_id)
}
