//! Rule exceptions attached to the engine's rules.
//!
//! Kibana applies to each rule the items of the exception lists its
//! `exceptions_list` names. Lists come with the rules (a Kibana rule export
//! carries them after the rules) or separately (an exception list export, API
//! JSON); items of lists no rule names apply to every rule, which is how a
//! user adds exceptions "by option" without editing rules. A rule naming a
//! list nobody supplied runs without it, with a diagnostic, as it would be
//! wrong to stay silent about it.

use super::RuleSet;
use crate::error::Error;
use crate::exception::{
    self, CompiledExceptions, ExceptionItem, ExceptionListReference, ExceptionSet, ValueLists,
};
use crate::time::Timestamp;

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
#[inline(never)]
pub(super) fn load_sources(sources: &[ExceptionSource]) -> Result<ExceptionSet, Error> {
    let mut set = ExceptionSet::default();
    for source in sources {
        for record in exception::load(&source.origin, &source.text) {
            set.add(record?);
        }
    }
    Ok(set)
}

impl RuleSet {
    /// Whether attaching `set` can change anything: without items, and
    /// without a rule naming a list (which may be missing, or malformed),
    /// every rule keeps no exception and no diagnostic comes of it. Engines
    /// without exceptions, the built-in rule's first of all, then neither
    /// compile nor run the code that attaches them.
    pub(super) fn may_have_exceptions(&self, set: &ExceptionSet) -> bool {
        !set.items.is_empty()
            || self
                .rules
                .iter()
                .any(|compiled| !compiled.rule.exceptions_list.is_empty())
    }

    /// Compiles, for every rule, the items that apply to it (expiry and date
    /// math at `now`); returns the diagnostics (lists rules name but nobody
    /// supplied).
    #[inline(never)]
    pub(super) fn attach_exceptions(
        &mut self,
        set: &ExceptionSet,
        lists: &ValueLists,
        now: Timestamp,
    ) -> Result<Vec<Error>, Error> {
        let diagnostics = self.compile_exceptions(set, lists, now)?;
        self.record_fields_read();
        Ok(diagnostics)
    }

    fn compile_exceptions(
        &mut self,
        set: &ExceptionSet,
        lists: &ValueLists,
        now: Timestamp,
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
            compiled.exceptions = CompiledExceptions::compile(items, &self.schema, now, lists)
                .map_err(|error| error.in_origin(origin))?;
        }
        Ok(diagnostics)
    }
}

fn rule_origin(rule: &crate::rule::Rule) -> String {
    format!("rule \"{}\" ({})", rule.name, rule.rule_id)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::ExceptionSource;
    use crate::engine::{Engine, RuleSource};
    use crate::error::{Error, ErrorType};
    use crate::exception::ValueLists;
    use crate::schema::Schema;
    use crate::time::Timestamp;

    /// A rule object (not a text, which would be read for lists too) naming `lists`.
    fn engine_with_lists(lists: serde_json::Value) -> Result<Engine, Error> {
        let rule = json!({
            "rule_id": "with-lists", "name": "With lists", "description": "d", "type": "query",
            "language": "kuery", "query": "event.dataset:azure.auditlogs", "severity": "low",
            "risk_score": 21, "exceptions_list": lists,
        });
        Engine::from_sources(
            vec![RuleSource::Object(rule)],
            &Schema::builtin(),
            Timestamp(0),
        )
    }

    #[test]
    fn a_rule_naming_a_list_nobody_supplied_says_so_though_no_exception_was_given() {
        let engine = engine_with_lists(
            json!([{"id": "x", "list_id": "nowhere", "type": "detection", "namespace_type": "single"}]),
        )
        .unwrap();
        let messages: Vec<String> = engine
            .diagnostics()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            messages
                .iter()
                .any(|message| message.contains("exception list `nowhere`")),
            "{messages:?}"
        );
    }

    #[test]
    fn a_malformed_list_reference_fails_though_no_exception_was_given() {
        let error = engine_with_lists(json!([{"list_id": 5}])).unwrap_err();
        assert_eq!(error.error_type, ErrorType::ExceptionInvalid, "{error}");
        assert_eq!(error.kind, "malformed_reference", "{error}");
    }

    #[test]
    fn items_of_lists_no_rule_names_apply_to_every_rule() {
        let item = json!({
            "item_id": "alice", "list_id": "ops", "namespace_type": "single", "type": "simple",
            "name": "Alice", "entries": [{"field": "user.name", "operator": "included", "type": "match", "value": "alice"}],
        });
        let engine = Engine::from_sources_and_exceptions(
            vec![RuleSource::Query("event.action:invite".to_string())],
            vec![ExceptionSource {
                origin: "exceptions".to_string(),
                text: item.to_string(),
            }],
            &ValueLists::new(),
            &Schema::builtin(),
            Timestamp(0),
        )
        .unwrap();
        let alerts = |user: &str| {
            let event = json!({"event": {"action": "invite"}, "user": {"name": user}});
            engine.evaluate(&event, Timestamp(0)).unwrap().len()
        };
        assert_eq!((alerts("bob"), alerts("alice")), (1, 0));
    }

    #[test]
    fn a_rule_naming_no_list_has_no_diagnostic() {
        assert!(engine_with_lists(json!([]))
            .unwrap()
            .diagnostics()
            .is_empty());
    }
}
