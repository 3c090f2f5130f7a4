//! Which rules can match this event, found with one lookup per field.
//!
//! Most detection rules start by naming their data: `event.dataset:azure.signinlogs
//! and …`. Such a top-level term is a necessary condition: the rule cannot
//! match an event whose field lacks that exact keyword value. The engine reads
//! each such field once per event and runs only the rules whose condition the
//! value meets (plus the rules without one), so 68 Azure rules cost a handful
//! of lookups and the few full queries that concern the event's data set,
//! not 68 scans of it. The full query still runs on every candidate: a gate
//! only ever skips rules that could not match. A lone rule has no gate: it
//! could only skip what the query refuses itself, at the cost of a lookup.

use std::collections::BTreeMap;

use crate::compile::{CompiledQuery, KeywordOp, KeywordTest, MatcherKind, Test};
use crate::eval::keyword_text;
use crate::event::Event;

/// A necessary condition of a query: some value of `path` is one of `values`,
/// compared as keywords (exact text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gate {
    /// Where the values are read from.
    pub path: String,
    /// The accepted values.
    pub values: Vec<String>,
}

impl CompiledQuery {
    /// The keyword terms every matching event must have: the query's own term,
    /// or those of its top-level `and`; an `or` of terms on one field is one
    /// gate with several values.
    pub fn gates(&self) -> Vec<Gate> {
        match &self.root.kind {
            MatcherKind::And(children) => children
                .iter()
                .filter_map(|child| gate_of(&child.kind))
                .collect(),
            other => gate_of(other).into_iter().collect(),
        }
    }
}

fn gate_of(kind: &MatcherKind) -> Option<Gate> {
    match kind {
        MatcherKind::Field(clause) => match &clause.test {
            Test::Keyword(KeywordTest {
                op: KeywordOp::Equals(value),
                ..
            }) => Some(Gate {
                path: clause.path.clone(),
                values: vec![value.clone()],
            }),
            _ => None,
        },
        MatcherKind::And(children) => children.iter().find_map(|child| gate_of(&child.kind)),
        MatcherKind::Or(children) => {
            let mut gates = children.iter().map(|child| gate_of(&child.kind));
            let mut union = gates.next()??;
            for gate in gates {
                let gate = gate?;
                if gate.path != union.path {
                    return None;
                }
                union.values.extend(gate.values);
            }
            Some(union)
        }
        _ => None,
    }
}

/// Rules (by position) grouped by their gates.
#[derive(Clone, Debug, Default)]
pub struct RuleDispatch {
    /// Per gated field: which rules each value admits (ordered rather than
    /// hashed: looking a value up then costs a few comparisons that mostly
    /// end at the first bytes, not a hash of the whole value, per event).
    fields: Vec<(String, BTreeMap<String, Vec<usize>>)>,
    /// Rules without a gate, in order: candidates for every event.
    always: Vec<usize>,
}

impl RuleDispatch {
    /// Groups rules by their most selective gate; `gates[i]` are rule `i`'s.
    pub fn new(gates: Vec<Vec<Gate>>) -> RuleDispatch {
        // A lone rule runs on every event: its gate would skip only events
        // its query refuses anyway, and cost, on every event it admits, a
        // lookup the query makes again (the prefilter lets through only
        // events holding the rule's literals, which mostly pass the gate).
        if gates.len() == 1 {
            return RuleDispatch {
                fields: Vec::new(),
                always: vec![0],
            };
        }
        let chosen = most_selective(gates);
        let mut dispatch = RuleDispatch::default();
        for (rule, gate) in chosen.into_iter().enumerate() {
            let Some(gate) = gate else {
                dispatch.always.push(rule);
                continue;
            };
            let by_value = match dispatch
                .fields
                .iter()
                .position(|(path, _)| *path == gate.path)
            {
                Some(index) => &mut dispatch.fields[index].1,
                None => {
                    dispatch.fields.push((gate.path, BTreeMap::new()));
                    let last = dispatch.fields.len() - 1;
                    &mut dispatch.fields[last].1
                }
            };
            for value in gate.values {
                let rules = by_value.entry(value).or_default();
                if rules.last() != Some(&rule) {
                    rules.push(rule);
                }
            }
        }
        dispatch
    }

    /// How many rules have no gate and run on every event.
    pub fn ungated(&self) -> usize {
        self.always.len()
    }

    /// The rules that can match `event`, in rule order.
    // Built in place, sorted as it grows: this runs for every event read, and
    // a flag per rule gathered into a list afterwards cost two allocations
    // an event where one does.
    pub fn candidates(&self, event: &dyn Event) -> Vec<usize> {
        // Room for one gated rule besides the ungated ones: the usual case.
        let mut admitted = Vec::with_capacity(self.always.len() + 1);
        admitted.extend_from_slice(&self.always);
        for (path, by_value) in &self.fields {
            event.any_value(path, &mut |value| {
                for &rule in by_value.get(keyword_text(value)).into_iter().flatten() {
                    if let Err(at) = admitted.binary_search(&rule) {
                        admitted.insert(at, rule);
                    }
                }
                false
            });
        }
        admitted
    }
}

/// For each rule, the gate that admits the fewest rules' worth of events: a
/// term on `operation_name` that only one rule asks for beats the
/// `data_stream.dataset` term twenty rules share.
fn most_selective(gates: Vec<Vec<Gate>>) -> Vec<Option<Gate>> {
    // Sorted terms, counted by binary search, rather than a hash map: this
    // runs once per engine, and a hash map's code would be compiled at
    // every start for it alone.
    let mut terms: Vec<(&str, &str)> = gates
        .iter()
        .flatten()
        .flat_map(|gate| {
            gate.values
                .iter()
                .map(|value| (gate.path.as_str(), value.as_str()))
        })
        .collect();
    crate::sort::sort_by(&mut terms, Ord::cmp);
    let sharing = |term: (&str, &str)| {
        terms.partition_point(|known| *known <= term) - terms.partition_point(|known| *known < term)
    };
    let breadth = |gate: &Gate| -> usize {
        gate.values
            .iter()
            .map(|value| sharing((gate.path.as_str(), value.as_str())))
            .sum()
    };
    let choices: Vec<Option<usize>> = gates
        .iter()
        .map(|rule_gates| (0..rule_gates.len()).min_by_key(|&index| breadth(&rule_gates[index])))
        .collect();
    gates
        .into_iter()
        .zip(choices)
        .map(|(mut rule_gates, choice)| choice.map(|index| rule_gates.swap_remove(index)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::JsonEvent;
    use crate::schema::Schema;
    use crate::time::Timestamp;
    use serde_json::json;

    fn gates(query: &str) -> Vec<(String, Vec<String>)> {
        let schema = Schema::from_json(
            r#"{"ds": "keyword", "op": "keyword", "n": "long", "t": "text", "k": "constant_keyword"}"#,
        )
        .unwrap();
        let ast = crate::kql::parse(query).unwrap();
        CompiledQuery::compile(&ast, &schema, Timestamp(0))
            .unwrap_or_else(|error| panic!("{query}: {error:?}"))
            .gates()
            .into_iter()
            .map(|gate| (gate.path, gate.values))
            .collect()
    }

    fn gate(path: &str, values: &[&str]) -> (String, Vec<String>) {
        (
            path.to_string(),
            values.iter().map(|v| v.to_string()).collect(),
        )
    }

    #[test]
    fn only_necessary_exact_keyword_terms_are_gates() {
        assert_eq!(
            gates("ds:a and op:b"),
            [gate("ds", &["a"]), gate("op", &["b"])]
        );
        assert_eq!(gates("ds:(a or b) and n:1"), [gate("ds", &["a", "b"])]);
        assert_eq!(gates("k:x"), [gate("k", &["x"])]);
        // Not necessary conditions, or not exact keyword terms:
        for query in [
            "ds:a or op:b",
            "not ds:a",
            "ds:a*",
            "n:1",
            "t:word",
            "ds > a",
            "ds:*",
            "*",
        ] {
            assert_eq!(gates(query), [], "{query}");
        }
    }

    #[test]
    fn candidates_are_the_rules_an_event_can_meet_in_rule_order() {
        let gate = |path: &str, value: &str| Gate {
            path: path.to_string(),
            values: vec![value.to_string()],
        };
        let dispatch = RuleDispatch::new(vec![
            vec![gate("ds", "audit"), gate("op", "invite")],
            vec![],
            vec![gate("ds", "audit"), gate("op", "delete")],
            vec![gate("ds", "signin")],
        ]);
        assert_eq!(dispatch.ungated(), 1);
        let candidates = |event| dispatch.candidates(&JsonEvent(&event));
        assert_eq!(candidates(json!({"ds": "audit", "op": "invite"})), [0, 1]);
        assert_eq!(
            candidates(json!({"ds": "signin", "op": ["delete", "x"]})),
            [1, 2, 3]
        );
        assert_eq!(candidates(json!({})), [1]);
        // Admitted out of order, and twice: still in rule order, once.
        assert_eq!(
            candidates(json!({"op": ["delete", "invite", "invite"], "ds": "signin"})),
            [0, 1, 2, 3]
        );
    }

    /// A lone rule is not gated: its query decides every event, those its
    /// gate would have refused included.
    #[test]
    fn a_lone_rule_is_a_candidate_for_every_event() {
        let gate = Gate {
            path: "op".to_string(),
            values: vec!["invite".to_string()],
        };
        let dispatch = RuleDispatch::new(vec![vec![gate]]);
        assert_eq!(dispatch.ungated(), 1);
        for event in [json!({"op": "invite"}), json!({"op": "delete"}), json!({})] {
            assert_eq!(dispatch.candidates(&JsonEvent(&event)), [0], "{event}");
        }
    }
}
