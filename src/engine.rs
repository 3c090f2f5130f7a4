//! The one entry point that ties the stages together: rules compiled once,
//! then events in and alerts out. The command line and the wasm API are thin
//! shells around it.

use serde::Deserialize;
use serde_json::Value;

use crate::alert::build_alert;
use crate::compile::CompiledQuery;
use crate::error::{Error, ErrorType};
use crate::event::JsonEvent;
use crate::explain::{Explanation, RuleExplanation};
use crate::rule::{azure_external_guest_user_invitation, Rule};
use crate::schema::Schema;
use crate::time::Timestamp;

/// Rules compiled for a schema, ready to evaluate events.
#[derive(Clone, Debug)]
pub struct Engine {
    rules: Vec<CompiledRule>,
}

#[derive(Clone, Debug)]
struct CompiledRule {
    rule: Rule,
    query: CompiledQuery,
}

/// What a host asks for when it creates an engine (the JavaScript `new Engine(options)`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EngineOptions {
    /// KQL queries, each run as an ad-hoc rule; the built-in rule when absent.
    pub rules: Option<Vec<String>>,
    /// A complete mapping (any format [`Schema::from_value`] reads), replacing the built-in schema.
    pub field_types: Option<Value>,
    /// A mapping added to the built-in schema (or to `field_types`).
    pub extra_field_types: Option<Value>,
    /// What `now` means in the rules' date math (RFC 3339); the host's clock when absent.
    pub now: Option<String>,
}

impl EngineOptions {
    /// Reads options from JSON text; unknown keys are refused, so typos do not pass silently.
    pub fn from_json(text: &str) -> Result<EngineOptions, Error> {
        serde_json::from_str(text).map_err(|error| {
            let message = error.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(message, _)| message);
            Error::new(
                ErrorType::OptionsInvalid,
                "malformed_options",
                format!("invalid engine options: {message}"),
            )
        })
    }
}

impl Engine {
    /// The engine `options` describe; `clock` is "now" unless the options fix it.
    pub fn from_options(options: &EngineOptions, clock: Timestamp) -> Result<Engine, Error> {
        let now = match &options.now {
            Some(text) => Timestamp::parse_rfc3339(text).ok_or_else(|| {
                Error::new(
                    ErrorType::OptionsInvalid,
                    "malformed_options",
                    format!(
                        "`now` must be an RFC 3339 time such as 2026-11-27T12:00:00Z, not `{text}`"
                    ),
                )
            })?,
            None => clock,
        };
        let schema = match &options.field_types {
            Some(field_types) => Schema::from_value(field_types)?,
            None => Schema::builtin(),
        };
        let schema = match &options.extra_field_types {
            Some(extra) => schema.extend(Schema::from_value(extra)?),
            None => schema,
        };
        match &options.rules {
            Some(queries) => Engine::from_queries(queries.iter().map(String::as_str), &schema, now),
            None => Engine::new(vec![azure_external_guest_user_invitation()], &schema, now),
        }
    }

    /// Compiles `rules` for `schema`, with date math relative to `now`; the first
    /// rule that fails names itself in the error.
    pub fn new(rules: Vec<Rule>, schema: &Schema, now: Timestamp) -> Result<Engine, Error> {
        Engine::compile(rules, schema, now, |number, rule| {
            format!("rule {number} ({})", rule.name)
        })
    }

    /// An engine for ad-hoc KQL queries, numbered from 1 in the order given.
    pub fn from_queries<'q>(
        queries: impl IntoIterator<Item = &'q str>,
        schema: &Schema,
        now: Timestamp,
    ) -> Result<Engine, Error> {
        let rules = queries
            .into_iter()
            .enumerate()
            .map(|(index, query)| Rule::ad_hoc(index + 1, query))
            .collect();
        Engine::compile(rules, schema, now, |number, _| format!("query {number}"))
    }

    fn compile(
        rules: Vec<Rule>,
        schema: &Schema,
        now: Timestamp,
        origin: impl Fn(usize, &Rule) -> String,
    ) -> Result<Engine, Error> {
        let rules = rules
            .into_iter()
            .enumerate()
            .map(|(index, rule)| {
                let query = rule
                    .compile(schema, now)
                    .map_err(|error| error.in_origin(origin(index + 1, &rule)))?;
                Ok(CompiledRule { rule, query })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Engine { rules })
    }

    /// The built-in rule (Azure External Guest User Invitation) over the built-in schema.
    pub fn builtin() -> Engine {
        let rule = azure_external_guest_user_invitation();
        // The built-in rule has no date math, so what `now` means does not matter.
        let query = rule
            .compile(&Schema::builtin(), Timestamp(0))
            .unwrap_or_else(|error| panic!("the built-in rule must compile: {error}"));
        Engine {
            rules: vec![CompiledRule { rule, query }],
        }
    }

    /// The rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|compiled| &compiled.rule)
    }

    /// The rules whose query matches `event`.
    pub fn matching_rules<'e>(&'e self, event: &'e Value) -> impl Iterator<Item = &'e Rule> + 'e {
        self.rules
            .iter()
            .filter(move |compiled| compiled.query.matches(&JsonEvent(event)))
            .map(|compiled| &compiled.rule)
    }

    /// One alert per rule that matches `event`, created at `now`.
    ///
    /// Single events are not windowed: scheduling belongs to replay, not here.
    pub fn evaluate(&self, event: &Value, now: Timestamp) -> Result<Vec<Value>, Error> {
        require_object(event)?;
        Ok(self
            .matching_rules(event)
            .map(|rule| build_alert(event, rule, now))
            .collect())
    }

    /// Every rule's clause-by-clause verdict on `event`.
    pub fn explain(&self, event: &Value) -> Result<Explanation, Error> {
        require_object(event)?;
        let rules: Vec<RuleExplanation> = self
            .rules
            .iter()
            .map(|compiled| {
                let clause = compiled
                    .query
                    .explain(&JsonEvent(event), &compiled.rule.query);
                RuleExplanation {
                    rule_id: compiled.rule.rule_id.clone(),
                    name: compiled.rule.name.clone(),
                    query: compiled.rule.query.clone(),
                    matched: clause.matched,
                    clause,
                }
            })
            .collect();
        Ok(Explanation {
            matched: rules.iter().any(|rule| rule.matched),
            rules,
        })
    }

    /// Parses `text` as one JSON event and explains it.
    pub fn explain_json(&self, text: &str) -> Result<Explanation, Error> {
        let event: Value =
            serde_json::from_str(text).map_err(|error| invalid_json(&error, text))?;
        self.explain(&event)
    }

    /// Parses `text` as one JSON event and evaluates it.
    pub fn evaluate_json(&self, text: &str, now: Timestamp) -> Result<Vec<Value>, Error> {
        let event: Value =
            serde_json::from_str(text).map_err(|error| invalid_json(&error, text))?;
        self.evaluate(&event, now)
    }
}

fn require_object(event: &Value) -> Result<(), Error> {
    if event.is_object() {
        return Ok(());
    }
    Err(Error::new(
        ErrorType::EventInvalid,
        "not_an_object",
        format!("an event must be a JSON object, not {}", json_kind(event)),
    ))
}

/// An `event_invalid` error pointing at where `serde_json` gave up in `text`.
pub(crate) fn invalid_json(error: &serde_json::Error, text: &str) -> Error {
    // At the end of the input, serde_json names the last character read; the
    // fault is what is missing after it.
    let offset = if error.is_eof() {
        text.trim_end().len()
    } else {
        offset_of(text, error.line(), error.column())
    };
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(message, _)| message)
        .to_string();
    Error::new(
        ErrorType::EventInvalid,
        "malformed_json",
        format!("malformed JSON: {message}"),
    )
    .at(crate::span::Span::new(offset, offset), text)
}

/// The byte offset of a 1-based line and (byte) column, clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    crate::span::floor_char_boundary(text, line_start + column.saturating_sub(1))
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
