//! Why an event did or did not match: the compiled query evaluated clause by
//! clause, recording for each field clause which fields it read (after `*`
//! expansion), under which type, the values it saw, the test it applied and
//! the outcome.
//!
//! This is the slow, talkative twin of [`crate::eval`]: it allocates freely and
//! visits every value, and it must always agree with `eval` on the outcome (a
//! test checks that on every case file).

use std::fmt::Write as _;

use serde::Serialize;

use crate::compile::{CompiledQuery, FieldClause, Matcher, MatcherKind, WalkClause};
use crate::event::{Event, Scalar};
use crate::span::Span;

/// The explanation of one query against one event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClauseExplanation {
    /// `and`, `or`, `not`, `field`, `fields` (a `*` field name walked over the
    /// event), `nested`, `all` or `nothing`.
    pub kind: &'static str,
    /// The clause's text in the query (or the field name, for clauses a `*` expanded to).
    pub text: String,
    /// Where the clause is in the query, when it was written there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Whether the clause matched.
    pub matched: bool,
    /// Sub-clauses, for `and`, `or`, `not`, `nested` and expanded field names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ClauseExplanation>,
    /// For `fields`: the field-name pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// For `field` and `fields`: each field read, its type, values and outcome.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldExplanation>,
    /// Why a clause cannot match (`nothing`), or what a field clause found missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One field a clause read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldExplanation {
    /// The field's full name.
    pub field: String,
    /// The field's type(s) as the clause used them (`dynamic`: typed by each value).
    #[serde(rename = "type")]
    pub field_type: String,
    /// The query the clause runs on this field, e.g. `term "guest"`.
    pub test: String,
    /// The values seen, each with whether it passed.
    pub values: Vec<ValueExplanation>,
    /// Whether any value passed.
    pub matched: bool,
}

/// One value of a field and whether it passed the clause's test.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValueExplanation {
    /// The value as it appears in the event.
    pub value: serde_json::Value,
    /// Whether it passed.
    pub matched: bool,
}

impl CompiledQuery {
    /// Evaluates the query on `event`, recording every clause. `query` is the
    /// text the query was compiled from (clause texts are cut from it).
    pub fn explain(&self, event: &dyn Event, query: &str) -> ClauseExplanation {
        explain_matcher(&self.root, event, query)
    }
}

fn explain_matcher(matcher: &Matcher, event: &dyn Event, query: &str) -> ClauseExplanation {
    let written = !matcher.span.is_empty() || (matcher.span.start > 0);
    let mut explanation = ClauseExplanation {
        kind: "",
        text: query
            .get(matcher.span.start..matcher.span.end)
            .unwrap_or_default()
            .to_string(),
        span: written.then_some(matcher.span),
        matched: false,
        children: Vec::new(),
        pattern: None,
        fields: Vec::new(),
        note: None,
    };
    match &matcher.kind {
        MatcherKind::All => {
            explanation.kind = "all";
            explanation.matched = true;
        }
        MatcherKind::Nothing(reason) => {
            explanation.kind = "nothing";
            explanation.note = Some(reason.clone());
        }
        MatcherKind::And(children) | MatcherKind::Or(children) => {
            let is_and = matches!(matcher.kind, MatcherKind::And(_));
            explanation.kind = if is_and { "and" } else { "or" };
            explanation.children = children
                .iter()
                .map(|child| explain_matcher(child, event, query))
                .collect();
            explanation.matched = if is_and {
                explanation.children.iter().all(|child| child.matched)
            } else {
                explanation.children.iter().any(|child| child.matched)
            };
        }
        MatcherKind::Not(child) => {
            explanation.kind = "not";
            let child = explain_matcher(child, event, query);
            explanation.matched = !child.matched;
            explanation.children = vec![child];
        }
        MatcherKind::Field(clause) => {
            explanation.kind = "field";
            let field = explain_field(clause, event);
            explanation.matched = field.matched;
            if field.values.is_empty() {
                explanation.note = Some(format!("`{}` has no value in this event", clause.field));
            }
            if explanation.text.is_empty() {
                explanation.text.clone_from(&clause.field);
            }
            explanation.fields = vec![field];
        }
        MatcherKind::Walk(clause) => {
            explanation.kind = "fields";
            explanation.pattern = Some(clause.pattern.to_string());
            explanation.fields = explain_walk(clause, event);
            explanation.matched = explanation.fields.iter().any(|field| field.matched);
            if explanation.fields.is_empty() {
                explanation.note = Some(format!(
                    "no field of this event matches `{}`",
                    clause.pattern
                ));
            }
            if explanation.text.is_empty() {
                explanation.text = clause.pattern.to_string();
            }
        }
        MatcherKind::FlattenedKey(clause) => {
            explanation.kind = "field";
            let values: Vec<ValueExplanation> = clause
                .keyed_terms(event)
                .into_iter()
                .filter(|(key, _)| *key == clause.key)
                .map(|(_, value)| ValueExplanation {
                    value: serde_json::Value::String(value),
                    matched: false,
                })
                .collect();
            explanation.matched = clause.matches(event);
            if explanation.text.is_empty() {
                explanation.text.clone_from(&clause.field);
            }
            explanation.note = Some(format!(
                "query_string on a key of flattened field `{}`: as in Elasticsearch, wildcard terms are matched against `key\\0value` of every key",
                clause.root
            ));
            explanation.fields = vec![FieldExplanation {
                field: clause.field.clone(),
                field_type: "flattened".to_string(),
                test: format!("query_string of {} clause(s)", clause.query.clauses.len()),
                matched: explanation.matched,
                values,
            }];
        }
        MatcherKind::Nested { path, query: inner } => {
            explanation.kind = "nested";
            event.any_object(path, &mut |element| {
                explanation
                    .children
                    .push(explain_matcher(inner, element, query));
                false
            });
            explanation.matched = explanation.children.iter().any(|child| child.matched);
            if explanation.children.is_empty() {
                explanation.note = Some(format!("`{path}` has no objects in this event"));
            }
        }
    }
    explanation
}

fn explain_field(clause: &FieldClause, event: &dyn Event) -> FieldExplanation {
    let mut values = Vec::new();
    event.any_value(&clause.path, &mut |value| {
        values.push(ValueExplanation {
            value: scalar_json(value),
            matched: clause.test.accepts(value),
        });
        false
    });
    FieldExplanation {
        field: clause.field.clone(),
        field_type: clause.field_type.clone(),
        test: clause.test.to_string(),
        matched: values.iter().any(|value| value.matched),
        values,
    }
}

fn explain_walk(clause: &WalkClause, event: &dyn Event) -> Vec<FieldExplanation> {
    let mut fields: Vec<FieldExplanation> = Vec::new();
    event.any_value_matching(&clause.pattern, &mut |path, value| {
        let (field_type, test) = match clause.typing(path) {
            Some((field_type, test)) => (field_type.to_string(), Some(test)),
            None => ("unmapped".to_string(), None),
        };
        let matched = test.is_some_and(|test| test.accepts(value));
        let position = match fields.iter().position(|field| field.field == path) {
            Some(position) => position,
            None => {
                fields.push(FieldExplanation {
                    field: path.to_string(),
                    field_type,
                    test: test.map_or_else(
                        || "nothing (the field is not mapped)".to_string(),
                        ToString::to_string,
                    ),
                    values: Vec::new(),
                    matched: false,
                });
                fields.len() - 1
            }
        };
        let field = &mut fields[position];
        field.values.push(ValueExplanation {
            value: scalar_json(value),
            matched,
        });
        field.matched |= matched;
        false
    });
    fields
}

fn scalar_json(value: Scalar<'_>) -> serde_json::Value {
    match value {
        Scalar::Text(text) => serde_json::Value::String(text.to_string()),
        Scalar::Number(text) => serde_json::from_slice(text.as_bytes())
            .unwrap_or_else(|_| serde_json::Value::String(text.to_string())),
        Scalar::Boolean(value) => serde_json::Value::Bool(value),
    }
}

impl ClauseExplanation {
    /// The explanation as indented text: one line per clause, marked ✓ or ✗,
    /// with the fields each clause read beneath it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out, 0);
        out
    }

    fn render_into(&self, out: &mut String, depth: usize) {
        let indent = "  ".repeat(depth);
        let mark = if self.matched { "✓" } else { "✗" };
        let _ = writeln!(out, "{indent}{mark} {} {}", self.kind, self.text);
        if let Some(note) = &self.note {
            let _ = writeln!(out, "{indent}    {note}");
        }
        for field in &self.fields {
            let values: Vec<String> = field
                .values
                .iter()
                .map(|value| format!("{}{}", value.value, if value.matched { " ✓" } else { "" }))
                .collect();
            let values = if values.is_empty() {
                "no value".to_string()
            } else {
                values.join(", ")
            };
            let _ = writeln!(
                out,
                "{indent}    {} [{}] {}: {values}",
                field.field, field.field_type, field.test
            );
        }
        for child in &self.children {
            child.render_into(out, depth + 1);
        }
    }
}

/// The explanation of every rule of an engine against one event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// Whether any rule matched.
    pub matched: bool,
    /// One explanation per rule, in the engine's order.
    pub rules: Vec<RuleExplanation>,
}

/// One rule's verdict on an event, clause by clause.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleExplanation {
    /// The rule's `rule_id`.
    pub rule_id: String,
    /// The rule's name.
    pub name: String,
    /// The rule's query.
    pub query: String,
    /// Whether the rule would alert: its query matched and no exception item excepted the event.
    pub matched: bool,
    /// The query's clauses.
    pub clause: ClauseExplanation,
    /// The rule's exception items and their verdicts, when it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exceptions: Option<crate::exception::ExceptionExplanation>,
}

impl Explanation {
    /// The explanation as text, rule after rule.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for rule in &self.rules {
            let verdict = if rule.matched {
                "matches"
            } else {
                "does not match"
            };
            let _ = writeln!(out, "rule \"{}\" ({}) {verdict}", rule.name, rule.rule_id);
            rule.clause.render_into(&mut out, 1);
            if let Some(exceptions) = &rule.exceptions {
                for line in exceptions.render().lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        out
    }
}
