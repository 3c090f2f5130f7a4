//! What a host may decide about an event object before handing it over.
//!
//! `engine.evaluate(object)` in JavaScript would otherwise serialise the whole
//! object for every event, which costs far more than the rules. Nearly every
//! event, though, lacks a value some keyword term of each rule requires
//! (`event.dataset:azure.auditlogs`, `operation_name:"Invite external user"`),
//! and reading those few fields in place is as cheap as a hand-written
//! predicate. [`Engine::object_screen`] lists what to read: per rule, its
//! required keyword terms (each a necessary condition, see
//! [`crate::dispatch`]); and what makes an object something other than an
//! ECS document ingest passes through unchanged (the same marks the lazy
//! reader watches for, see [`crate::ingest::shape`]). The package's
//! JavaScript (`js/object-path.cjs`) answers "no output" when every rule has a
//! term the object's values miss and no mark is present, and otherwise hands
//! the whole object over. A screen that answered wrongly could only come
//! from a term that is not necessary, which the dispatch tests rule out.

use serde::Serialize;

use super::{Engine, Mode};
use crate::collect::try_map;
use crate::dispatch::Gate;
use crate::ingest::{InputKind, EMBEDDING_FIELDS, NON_ECS_KEY_PREFIXES, NON_ECS_TOP_LEVEL_KEYS};
use crate::prefilter::BROAD_FIELDS;

/// What to read of an event object to know that the engine emits nothing for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectScreen {
    /// Per rule, the keyword terms it requires, the most selective first: a
    /// rule can match only an object that has, for every term, a value of the
    /// field (as text: strings as they are, numbers and booleans as JSON
    /// writes them) among the term's values.
    pub rules: Vec<Vec<RequiredTerm>>,
    /// Top-level keys whose presence means ingest may not pass the object
    /// through unchanged (a search hit, an envelope, a raw record).
    pub diverting_keys: Vec<&'static str>,
    /// Prefixes of such top-level keys (a Graph API page's `@odata.`).
    pub diverting_key_prefixes: Vec<&'static str>,
    /// Fields whose string values, when they open a JSON object (after
    /// whitespace), may hold a raw record ingest would unwrap.
    pub embedding_fields: Vec<&'static str>,
}

/// One required keyword term: some value of `path` must be one of `values`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequiredTerm {
    /// The field, in Elasticsearch's flattened view: dotted keys and nested
    /// objects are the same field, arrays are looked through.
    pub path: String,
    /// The accepted values, compared as exact text.
    pub values: Vec<String>,
}

impl Engine {
    /// What a host must read of an event object to know that this engine
    /// emits nothing for it; `None` when no such reading can tell: in tag
    /// mode (every event is emitted), for `azure` input (every object is
    /// normalised first), or when some rule requires no keyword term.
    pub fn object_screen(&self) -> Option<ObjectScreen> {
        if self.mode == Mode::Tag || self.ingest.input == InputKind::Azure {
            return None;
        }
        let rules = try_map(&self.compiled.rules, |compiled| {
            let mut gates = compiled.query.gates();
            if gates.is_empty() {
                return Err(());
            }
            crate::sort::sort_by_key(&mut gates, |gate| {
                BROAD_FIELDS.contains(&gate.path.as_str())
            });
            Ok(gates.into_iter().map(RequiredTerm::from).collect())
        })
        .ok()?;
        let auto = self.ingest.input == InputKind::Auto;
        Some(ObjectScreen {
            rules,
            // In `ecs` input only search hits and responses are unwrapped;
            // diverting on every mark is simpler and only ever slower.
            diverting_keys: NON_ECS_TOP_LEVEL_KEYS.to_vec(),
            diverting_key_prefixes: if auto {
                NON_ECS_KEY_PREFIXES.to_vec()
            } else {
                Vec::new()
            },
            embedding_fields: if auto {
                EMBEDDING_FIELDS.to_vec()
            } else {
                Vec::new()
            },
        })
    }
}

impl From<Gate> for RequiredTerm {
    fn from(gate: Gate) -> RequiredTerm {
        RequiredTerm {
            path: gate.path,
            values: gate.values,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineOptions;
    use crate::time::Timestamp;

    fn screen(options: &str) -> Option<ObjectScreen> {
        let options = EngineOptions::from_json(options).unwrap();
        Engine::from_options(&options, Timestamp(0))
            .unwrap()
            .object_screen()
    }

    #[test]
    fn the_seed_rule_is_screened_by_its_narrowest_term_first() {
        let screen = screen("{}").unwrap();
        let paths: Vec<&str> = screen.rules[0]
            .iter()
            .map(|term| term.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "azure.auditlogs.operation_name",
                "event.dataset",
                "event.outcome"
            ]
        );
        assert_eq!(screen.rules[0][2].values, ["Success", "success"]);
        assert!(screen.diverting_keys.contains(&"records"));
        assert_eq!(screen.embedding_fields, EMBEDDING_FIELDS);
    }

    #[test]
    fn nothing_is_screened_when_every_object_needs_the_full_path() {
        assert_eq!(screen(r#"{"mode": "tag"}"#), None);
        assert_eq!(screen(r#"{"input": "azure"}"#), None);
        assert_eq!(screen(r#"{"rules": ["event.dataset:a", "not x:y"]}"#), None);
        let ecs = screen(r#"{"input": "ecs", "mode": "filter"}"#).unwrap();
        assert!(ecs.embedding_fields.is_empty() && ecs.diverting_key_prefixes.is_empty());
    }
}
