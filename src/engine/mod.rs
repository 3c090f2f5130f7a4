//! The one entry point that ties the stages together: rules loaded and
//! compiled once, then events in and alerts (or filtered or tagged events) out.
//! The command line and the wasm API are thin shells around it.

mod canonical;
mod dsl;
mod exceptions;
mod input;
mod known;
mod ndjson;
mod options;
mod recent;
mod replay;
mod screen;

pub use dsl::{data_view, query_dsl, QueryDslOptions, SearchRequestOptions};
pub use exceptions::ExceptionSource;
pub use input::InputOutcome;
pub use ndjson::{
    BatchOptions, InvalidInput, LineExplanation, LineTally, NdjsonOutcome, OutputFormat, Validation,
};
pub use recent::{RecentAlerts, RECENT_ALERTS_CAPACITY};
pub use screen::{ObjectScreen, RequiredTerm};

pub use replay::{
    ExecutionSummary, Gap, Replay, ReplayEvent, ReplayOptions, UntimedMatches, Window,
    MAX_EXECUTIONS, MAX_SIGNALS_WARNING,
};

use serde_json::Value;
use std::sync::{Arc, OnceLock};

use crate::alert::{build_alert, build_alert_taking, tag_event, AlertContext, RuleSnapshot};
use crate::collect::try_map;
use crate::compile::CompiledQuery;
use crate::dispatch::RuleDispatch;
use crate::error::{Error, ErrorType};
use crate::event::JsonEvent;
use crate::exception::{CompiledExceptions, ExceptionSet, ValueLists};
use crate::explain::{Explanation, RuleExplanation};
use crate::ids::{self, SourceIdentity, DEFAULT_SPACE};
use crate::ingest::{
    IngestOptions, InputKind, EMBEDDING_FIELDS, NON_ECS_KEY_PREFIXES, NON_ECS_TOP_LEVEL_KEYS,
};
use crate::options::{self as host_options, Kind, Shape};
use crate::prefilter::Prefilter;
use crate::rule::index::IndexPatterns;
use crate::rule::load::{deduplicate, load, load_rule, looks_like_toml, LoadedRule};
use crate::rule::{azure_external_guest_user_invitation, Rule};
use crate::scan::FieldSet;
use crate::schema::Schema;
use crate::time::Timestamp;

/// Rules compiled for a schema, ready to evaluate events.
///
/// The compiled rules are shared, never copied: a clone, or an engine made
/// for other settings (mode, index, space, `now`), costs a reference count.
#[derive(Clone, Debug)]
pub struct Engine {
    compiled: Arc<RuleSet>,
    mode: Mode,
    index: Option<String>,
    space_id: String,
    fixed_now: Option<Timestamp>,
    /// How inputs are turned into documents.
    ingest: IngestOptions,
    /// What `now` meant when the rules were compiled (date math in queries and exceptions).
    compiled_at: Timestamp,
}

/// What compiling rules (and their exceptions) for a schema produces:
/// everything about an engine that its settings do not change. Immutable once
/// built, so that engines can share it.
#[derive(Debug)]
struct RuleSet {
    rules: Vec<CompiledRule>,
    dispatch: RuleDispatch,
    diagnostics: Vec<Error>,
    /// Kept to compile date-math queries again for each replayed execution.
    schema: Schema,
    /// The fields the rules and their exceptions read, for the lazy reader;
    /// `None` when some rule needs whole objects (a nested query).
    fields: Option<FieldSet>,
    /// The rules' literal requirements on raw text; `None` when some rule
    /// has no requirement.
    prefilter: Option<Prefilter>,
    /// How long a stream remembers an alert id (see [`Engine::recent_alerts`]),
    /// worked out with the rules, so that making an engine runs no date math.
    recent_retention_millis: i64,
}

#[derive(Clone)]
struct CompiledRule {
    rule: Rule,
    query: CompiledQuery,
    indices: IndexPatterns,
    /// The exception items that apply to the rule (none by default).
    exceptions: CompiledExceptions,
    /// What the rule's alerts record about it, written at its first alert
    /// (so that an engine that never alerts never pays for it).
    snapshot: OnceLock<RuleSnapshot>,
}

/// Without the alert snapshot: a cache, there or not depending on whether
/// some engine sharing the rule has alerted yet, not part of what was compiled.
impl std::fmt::Debug for CompiledRule {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("CompiledRule")
            .field("rule", &self.rule)
            .field("query", &self.query)
            .field("indices", &self.indices)
            .field("exceptions", &self.exceptions)
            .finish_non_exhaustive()
    }
}

impl CompiledRule {
    /// Whether the rule alerts on `event` at `now`: its query matches and no
    /// unexpired exception item excepts it.
    fn alerts_on(&self, event: &dyn crate::event::Event, now: Timestamp) -> bool {
        self.query.matches(event) && self.exceptions.excepting_item(event, now).is_none()
    }

    fn snapshot(&self) -> &RuleSnapshot {
        self.snapshot.get_or_init(|| RuleSnapshot::new(&self.rule))
    }
}

/// What evaluating one document gave.
struct Evaluation {
    /// Alerts, the passed event or the tagged event, per the engine's mode.
    outputs: Vec<Value>,
    /// Whether any rule matched (alerts created earlier included).
    matched: bool,
    /// Alerts not created again because the engine created them recently.
    deduplicated: usize,
}

/// What the engine emits for each event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// One Elastic Security alert per rule that matches.
    #[default]
    Alerts,
    /// The event itself, once, when any rule matches: a log-shipper filter.
    Filter,
    /// Every event, with the ECS `rule.*` fields of each rule that matched.
    Tag,
}

impl Mode {
    /// The mode named `alerts`, `filter` or `tag`.
    pub fn from_name(name: &str) -> Option<Mode> {
        match name {
            "alerts" => Some(Mode::Alerts),
            "filter" => Some(Mode::Filter),
            "tag" => Some(Mode::Tag),
            _ => None,
        }
    }
}

/// What a host asks for when it creates an engine (the JavaScript `new Engine(options)`).
/// Read by hand (`options.rs`), with serde's messages: its keys are camelCase,
/// and unknown keys are refused.
#[derive(Clone, Debug, Default)]
pub struct EngineOptions {
    /// Rules: KQL queries (each an ad-hoc rule), rule texts (detection-rules TOML,
    /// rules API JSON, Kibana export NDJSON) or rule objects; the built-in rule when absent.
    pub rules: Option<Vec<Value>>,
    /// A complete mapping (any format [`Schema::from_value`] reads), replacing the built-in schema.
    pub field_types: Option<Value>,
    /// A mapping added to the built-in schema (or to `field_types`).
    pub extra_field_types: Option<Value>,
    /// What `now` means in the rules' date math (RFC 3339); the host's clock when absent.
    pub now: Option<String>,
    /// `alerts` (default), `filter` or `tag`.
    pub mode: Option<String>,
    /// The index or data stream the events belong to, for the rules' index patterns.
    pub index: Option<String>,
    /// The Kibana space alerts belong to (`kibana.space_ids`, part of each alert's id); `default` when absent.
    pub space_id: Option<String>,
    /// How to read events: `auto` (default), `ecs` or `azure`.
    pub input: Option<String>,
    /// Exception lists and items: export texts (NDJSON), API JSON texts, or objects.
    pub exceptions: Option<Vec<Value>>,
    /// The value lists `is in list` exception entries name: `{"list id": ["value", …]}`.
    pub value_lists: Option<ValueLists>,
    /// Keep each raw Azure record's JSON as `event.original`.
    pub keep_original: Option<bool>,
}

/// One rule's verdict on one event, with the reason in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleVerdict {
    /// Whether the rule would alert.
    pub alerted: bool,
    /// Why: the query's clause-by-clause explanation, or what else stopped it.
    pub why: String,
}

/// What a host passes to a replay (the JavaScript `engine.run(events, options)`).
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The first execution's time.
    pub start: Option<Timestamp>,
    /// Executions continue until one reaches this time.
    pub end: Option<Timestamp>,
    /// The last execution's time, when `end` is absent.
    pub now: Option<Timestamp>,
    /// How the alerts are handed back.
    pub output: OutputFormat,
}

/// `RunOptions` as a host writes it; every key may be left out of an array.
const RUN_OPTIONS: Shape = Shape {
    name: "RunOptions",
    keys: &["start", "end", "now", "output"],
    kinds: &[
        Kind::Time,
        Kind::Time,
        Kind::Time,
        Kind::Named(OutputFormat::NAMES),
    ],
    in_array: 0,
};

impl RunOptions {
    /// Reads options from JSON text; unknown keys and malformed times are refused.
    pub fn from_json(text: &str) -> Result<RunOptions, Error> {
        let mut options = RunOptions::default();
        for (index, given) in host_options::read(text, "run", &RUN_OPTIONS)? {
            match index {
                0 => options.start = given.time,
                1 => options.end = given.time,
                2 => options.now = given.time,
                _ => options.output = OutputFormat::NAMED[given.named],
            }
        }
        Ok(options)
    }
}

/// The built-in mapping, or `field_types`, extended by `extra_field_types` (JS options).
fn schema_of(
    field_types: Option<&Value>,
    extra_field_types: Option<&Value>,
) -> Result<Schema, Error> {
    let schema = match field_types {
        Some(field_types) => Schema::from_value(field_types)?,
        None => Schema::builtin(),
    };
    match extra_field_types {
        Some(extra) => Ok(schema.extend(Schema::from_value(extra)?)),
        None => Ok(schema),
    }
}

/// A `now` option: an RFC 3339 time.
fn now_option(text: &str) -> Result<Timestamp, Error> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| {
        options_error(format!(
            "`now` must be an RFC 3339 time such as 2026-11-27T12:00:00Z, not `{text}`"
        ))
    })
}

fn options_error(message: String) -> Error {
    Error::new(ErrorType::OptionsInvalid, "malformed_options", message)
}

/// Where rules come from, before loading.
#[derive(Clone, Debug)]
pub enum RuleSource {
    /// A KQL query, run as an ad-hoc rule.
    Query(String),
    /// A file's text (TOML, JSON or NDJSON) and its name.
    Text {
        /// The file name, for messages.
        origin: String,
        /// The file's content.
        text: String,
    },
    /// A rule in the rules API's JSON shape.
    Object(Value),
    /// A rule already read (the built-in rule when the options name none),
    /// checked as a rule object is.
    Rule(Box<Rule>),
}

impl Engine {
    /// The engine `options` describe; `clock` is "now" unless the options fix it.
    pub fn from_options(options: &EngineOptions, clock: Timestamp) -> Result<Engine, Error> {
        let fixed_now = options.now.as_deref().map(now_option).transpose()?;
        let now = fixed_now.unwrap_or(clock);
        let mut engine = if runs_builtin_rule_set(options) {
            Engine::sharing(RuleSet::builtin(), now)
        } else {
            Engine::compiling_options(options, now)?
        };
        if let Some(mode) = &options.mode {
            engine.mode = Mode::from_name(mode).ok_or_else(|| {
                options_error(format!(
                    "`mode` must be alerts, filter or tag, not `{mode}`"
                ))
            })?;
        }
        engine.index.clone_from(&options.index);
        if let Some(space_id) = &options.space_id {
            engine.space_id.clone_from(space_id);
        }
        engine.fixed_now = fixed_now;
        if let Some(input) = &options.input {
            engine.ingest.input = InputKind::from_name(input).ok_or_else(|| {
                options_error(format!("`input` must be auto, ecs or azure, not `{input}`"))
            })?;
        }
        engine.ingest.keep_original = options.keep_original.unwrap_or(false);
        Ok(engine)
    }

    /// The engine of `options`' rules, schema and exceptions, compiled at `now`.
    fn compiling_options(options: &EngineOptions, now: Timestamp) -> Result<Engine, Error> {
        let schema = schema_of(
            options.field_types.as_ref(),
            options.extra_field_types.as_ref(),
        )?;
        let sources = match &options.rules {
            // Not through JSON: writing the rule and reading it back would
            // put both serde paths on the start of every such engine.
            None => vec![RuleSource::Rule(Box::new(
                azure_external_guest_user_invitation(),
            ))],
            Some(rules) => rule_sources(rules),
        };
        let exception_sources = options
            .exceptions
            .as_deref()
            .map_or_else(Vec::new, exception_sources);
        let no_value_lists = ValueLists::new();
        Engine::from_sources_and_exceptions(
            sources,
            exception_sources,
            options.value_lists.as_ref().unwrap_or(&no_value_lists),
            &schema,
            now,
        )
    }

    /// An engine over `compiled`, with the default settings.
    fn sharing(compiled: Arc<RuleSet>, now: Timestamp) -> Engine {
        Engine {
            compiled,
            mode: Mode::Alerts,
            index: None,
            space_id: DEFAULT_SPACE.to_string(),
            fixed_now: None,
            ingest: IngestOptions::default(),
            compiled_at: now,
        }
    }

    /// Loads and compiles rules from their sources. Malformed rules are errors;
    /// unsupported rules and ignored duplicates become [`Engine::diagnostics`].
    pub fn from_sources(
        sources: Vec<RuleSource>,
        schema: &Schema,
        now: Timestamp,
    ) -> Result<Engine, Error> {
        Engine::from_sources_and_exceptions(sources, Vec::new(), &ValueLists::new(), schema, now)
    }

    /// [`Engine::from_sources`], with exception lists and items from
    /// `exception_sources` (and from the rule sources: a Kibana rule export
    /// carries the lists its rules use) and the value lists `is in list`
    /// entries name.
    pub fn from_sources_and_exceptions(
        sources: Vec<RuleSource>,
        exception_sources: Vec<ExceptionSource>,
        value_lists: &ValueLists,
        schema: &Schema,
        now: Timestamp,
    ) -> Result<Engine, Error> {
        let mut exception_sources = exception_sources;
        exception_sources.extend(sources.iter().filter_map(exception_source_of));
        // Reading no source yields no exception, without running the reader.
        let exception_set = if exception_sources.is_empty() {
            ExceptionSet::default()
        } else {
            exceptions::load_sources(&exception_sources)?
        };
        let mut loaded = Vec::new();
        let mut diagnostics = Vec::new();
        let mut query_number = 0;
        for source in sources {
            let results = match source {
                RuleSource::Query(query) => {
                    query_number += 1;
                    vec![Ok(LoadedRule {
                        rule: Rule::ad_hoc(query_number, &query),
                        origin: format!("query {query_number}"),
                        updated_date: None,
                    })]
                }
                RuleSource::Text { origin, text } => load(&origin, &text),
                RuleSource::Object(value) => load("rule object", &value.to_string()),
                RuleSource::Rule(rule) => vec![load_rule("rule object", *rule)],
            };
            for result in results {
                match result {
                    Ok(rule) => loaded.push(rule),
                    Err(error) if error.error_type == ErrorType::RuleUnsupported => {
                        diagnostics.push(error)
                    }
                    Err(error) => return Err(error),
                }
            }
        }
        let (kept, duplicates) = deduplicate(loaded);
        diagnostics.extend(duplicates);
        let mut compiled = RuleSet::compile(kept, schema, now)?;
        if compiled.may_have_exceptions(&exception_set) {
            diagnostics.extend(compiled.attach_exceptions(&exception_set, value_lists, now)?);
        }
        compiled.diagnostics = diagnostics;
        Ok(Engine::sharing(Arc::new(compiled), now))
    }

    /// Compiles `rules` for `schema`, with date math relative to `now`; the first
    /// rule that fails names itself in the error.
    pub fn new(rules: Vec<Rule>, schema: &Schema, now: Timestamp) -> Result<Engine, Error> {
        let loaded = rules
            .into_iter()
            .enumerate()
            .map(|(index, rule)| LoadedRule {
                origin: format!("rule {} ({})", index + 1, rule.name),
                rule,
                updated_date: None,
            })
            .collect();
        let compiled = RuleSet::compile(loaded, schema, now)?;
        Ok(Engine::sharing(Arc::new(compiled), now))
    }

    /// An engine for ad-hoc KQL queries, numbered from 1 in the order given.
    pub fn from_queries<'q>(
        queries: impl IntoIterator<Item = &'q str>,
        schema: &Schema,
        now: Timestamp,
    ) -> Result<Engine, Error> {
        let sources = queries
            .into_iter()
            .map(|query| RuleSource::Query(query.to_string()))
            .collect();
        Engine::from_sources(sources, schema, now)
    }

    /// The built-in rule (Azure External Guest User Invitation) over the built-in schema.
    pub fn builtin() -> Engine {
        // The built-in rule has no date math, so what `now` means does not matter.
        Engine::sharing(RuleSet::builtin(), Timestamp(0))
    }

    /// The engine `from_options` makes of no options at `clock`, without
    /// reading any: `new Engine()` in wasm, whose start-up compiles only the
    /// code it runs.
    pub fn builtin_at(clock: Timestamp) -> Engine {
        Engine::sharing(RuleSet::builtin(), clock)
    }

    /// Sets what the engine emits.
    pub fn with_mode(mut self, mode: Mode) -> Engine {
        self.mode = mode;
        self
    }

    /// Sets the index or data stream every event belongs to (when an event does not say).
    pub fn with_index(mut self, index: Option<String>) -> Engine {
        self.index = index;
        self
    }

    /// Sets how inputs are turned into documents.
    pub fn with_ingest(mut self, ingest: IngestOptions) -> Engine {
        self.ingest = ingest;
        self
    }

    /// Sets the Kibana space alerts belong to.
    pub fn with_space(mut self, space_id: String) -> Engine {
        self.space_id = space_id;
        self
    }

    /// The time the options fixed for `now`, if they did: alerts are then
    /// created at that time rather than by the host's clock.
    pub fn fixed_now(&self) -> Option<Timestamp> {
        self.fixed_now
    }

    /// The rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.compiled.rules.iter().map(|compiled| &compiled.rule)
    }

    /// What loading reported without failing: unsupported rules, ignored duplicates.
    pub fn diagnostics(&self) -> &[Error] {
        &self.compiled.diagnostics
    }

    /// The rules that search `event`'s index (or data stream) and match it.
    ///
    /// An event's index is, in order: `index` (a search hit's `_index`), the
    /// engine's index, or its data stream from `data_stream.*`. An event with
    /// none of these is searched by every rule.
    pub fn matching_rules<'e>(
        &'e self,
        event: &'e Value,
        index: Option<&'e str>,
        now: Timestamp,
    ) -> impl Iterator<Item = &'e Rule> + 'e {
        self.matching(event, index, now)
            .map(|compiled| &compiled.rule)
    }

    /// [`Engine::matching_rules`], compiled.
    fn matching<'e>(
        &'e self,
        event: &'e Value,
        index: Option<&'e str>,
        now: Timestamp,
    ) -> impl Iterator<Item = &'e CompiledRule> + 'e {
        let index = index
            .map(str::to_string)
            .or_else(|| self.index.clone())
            .or_else(|| data_stream_name(event));
        self.candidates(event)
            .into_iter()
            .map(|position| &self.compiled.rules[position])
            .filter(move |compiled| {
                index
                    .as_deref()
                    .is_none_or(|index| compiled.indices.includes(index))
            })
            .filter(move |compiled| compiled.alerts_on(&JsonEvent(event), now))
    }

    /// The positions of the rules that can match `event` at all, found from
    /// the terms their queries require (see [`crate::dispatch`]; a lone rule
    /// is always one, its query being the only test); the others are not
    /// evaluated.
    pub fn candidates(&self, event: &Value) -> Vec<usize> {
        self.compiled.dispatch.candidates(&JsonEvent(event))
    }

    /// What the engine emits for `event` in its mode: alerts, the event itself,
    /// or the tagged event. `stored` is where the input said the event is
    /// stored (a search hit's `_index` and `_id`); alerts are created at `now`.
    pub fn evaluate_in(
        &self,
        event: &Value,
        stored: Option<&SourceIdentity>,
        now: Timestamp,
    ) -> Result<Vec<Value>, Error> {
        Ok(self.evaluate_remembering(event, stored, now, None)?.outputs)
    }

    /// [`Engine::evaluate_in`] for a stream: alerts whose id `recent` already
    /// holds are not created again (see [`RecentAlerts`]).
    pub fn evaluate_once(
        &self,
        event: &Value,
        stored: Option<&SourceIdentity>,
        now: Timestamp,
        recent: &mut RecentAlerts,
    ) -> Result<Vec<Value>, Error> {
        Ok(self
            .evaluate_remembering(event, stored, now, Some(recent))?
            .outputs)
    }

    /// A memory of recent alert ids that covers this engine's rules: kept for
    /// the longest look-back window plus one interval.
    pub fn recent_alerts(&self) -> RecentAlerts {
        RecentAlerts::new(
            self.compiled.recent_retention_millis,
            RECENT_ALERTS_CAPACITY,
        )
    }

    fn evaluate_remembering(
        &self,
        event: &Value,
        stored: Option<&SourceIdentity>,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> Result<Evaluation, Error> {
        require_object(event)?;
        let index = stored.map(|stored| stored.index.as_str());
        let matched: Vec<&CompiledRule> = self.matching(event, index, now).collect();
        let mut evaluation = Evaluation {
            outputs: Vec::new(),
            matched: !matched.is_empty(),
            deduplicated: 0,
        };
        match self.mode {
            Mode::Alerts if matched.is_empty() => {}
            Mode::Alerts => {
                let source = self.source_identity(event, stored);
                let fresh = self.new_alerts(&matched, &source, now, recent);
                evaluation.deduplicated = matched.len() - fresh.len();
                evaluation.outputs = self.alerts(event, &fresh, &source, now);
            }
            Mode::Filter if matched.is_empty() => {}
            Mode::Filter => evaluation.outputs.push(event.clone()),
            Mode::Tag => {
                let rules: Vec<&Rule> = matched.iter().map(|compiled| &compiled.rule).collect();
                evaluation.outputs.push(tag_event(event, &rules));
            }
        }
        Ok(evaluation)
    }

    /// The rules among `matched` whose alert on the event `source` names is
    /// new: every one without `recent`, else those `recent` did not hold
    /// (and now holds), in order.
    fn new_alerts<'r>(
        &self,
        matched: &[&'r CompiledRule],
        source: &SourceIdentity,
        now: Timestamp,
        recent: Option<&mut RecentAlerts>,
    ) -> Vec<&'r CompiledRule> {
        let Some(recent) = recent else {
            return matched.to_vec();
        };
        matched
            .iter()
            .copied()
            .filter(|compiled| {
                let uuid = ids::alert_uuid(source, &self.space_id, compiled.snapshot().uuid());
                recent.admit(&uuid, now)
            })
            .collect()
    }

    /// The alerts of `rules` on `event`, stored where `source` says.
    fn alerts(
        &self,
        event: &Value,
        rules: &[&CompiledRule],
        source: &SourceIdentity,
        now: Timestamp,
    ) -> Vec<Value> {
        let context = AlertContext {
            now,
            source,
            space_id: &self.space_id,
        };
        rules
            .iter()
            .map(|compiled| build_alert(event, &compiled.rule, compiled.snapshot(), &context))
            .collect()
    }

    /// [`Engine::alerts`] on an event the caller no longer needs: the last
    /// alert takes its fields, the others copy them.
    fn alerts_taking(
        &self,
        event: Value,
        rules: &[&CompiledRule],
        source: &SourceIdentity,
        now: Timestamp,
    ) -> Vec<Value> {
        let Some((last, others)) = rules.split_last() else {
            return Vec::new();
        };
        let mut alerts = self.alerts(&event, others, source, now);
        let context = AlertContext {
            now,
            source,
            space_id: &self.space_id,
        };
        alerts.push(build_alert_taking(
            event,
            &last.rule,
            last.snapshot(),
            &context,
        ));
        alerts
    }

    /// Where an event is stored: where the input said (a search hit), else
    /// the engine's index or the event's data stream, with an id hashed from
    /// its JSON.
    fn source_identity(&self, event: &Value, stored: Option<&SourceIdentity>) -> SourceIdentity {
        if let Some(stored) = stored {
            return stored.clone();
        }
        SourceIdentity {
            index: self
                .index
                .clone()
                .or_else(|| data_stream_name(event))
                .unwrap_or_default(),
            id: ids::document_id(&event.to_string()),
        }
    }

    /// [`Engine::evaluate_in`] for an event that does not say where it is indexed.
    pub fn evaluate(&self, event: &Value, now: Timestamp) -> Result<Vec<Value>, Error> {
        self.evaluate_in(event, None, now)
    }

    /// Whether the rule at `position` alerts on `event`, and why, for rule
    /// tests: its index patterns must cover the event's index (when known)
    /// and its query must match.
    pub fn rule_verdict(&self, position: usize, event: &Value) -> Result<RuleVerdict, Error> {
        require_object(event)?;
        let Some(compiled) = self.compiled.rules.get(position) else {
            return Err(options_error(format!("there is no rule {position}")));
        };
        let index = self.index.clone().or_else(|| data_stream_name(event));
        if let Some(index) = index.filter(|index| !compiled.indices.includes(index)) {
            return Ok(RuleVerdict {
                alerted: false,
                why: format!(
                    "the event's index or data stream `{index}` is not covered by the rule's index patterns {:?}",
                    compiled.rule.index
                ),
            });
        }
        let explanation = self.explain_rule(compiled, event);
        let mut why = explanation.clause.render();
        if let Some(exceptions) = &explanation.exceptions {
            why.push_str(&exceptions.render());
        }
        Ok(RuleVerdict {
            alerted: explanation.matched,
            why,
        })
    }

    /// One rule's verdict, clause by clause and exception item by item (at the
    /// time the engine was compiled for).
    fn explain_rule(&self, compiled: &CompiledRule, event: &Value) -> RuleExplanation {
        let clause = compiled
            .query
            .explain(&JsonEvent(event), &compiled.rule.query);
        let exceptions = (!compiled.exceptions.is_empty()).then(|| {
            compiled
                .exceptions
                .explain(&JsonEvent(event), self.compiled_at)
        });
        let excepted = exceptions
            .as_ref()
            .is_some_and(|exceptions| exceptions.excepted);
        RuleExplanation {
            rule_id: compiled.rule.rule_id.clone(),
            name: compiled.rule.name.clone(),
            query: compiled.rule.query.clone(),
            matched: clause.matched && !excepted,
            clause,
            exceptions,
        }
    }

    /// Every rule's clause-by-clause verdict on `event`.
    pub fn explain(&self, event: &Value) -> Result<Explanation, Error> {
        require_object(event)?;
        let rules: Vec<RuleExplanation> = self
            .compiled
            .rules
            .iter()
            .map(|compiled| self.explain_rule(compiled, event))
            .collect();
        Ok(Explanation {
            matched: rules.iter().any(|rule| rule.matched),
            rules,
        })
    }
}

impl RuleSet {
    /// Compiles `rules` for `schema`, with date math relative to `now`; the first
    /// rule that fails names itself in the error.
    fn compile(rules: Vec<LoadedRule>, schema: &Schema, now: Timestamp) -> Result<RuleSet, Error> {
        crate::limits::check_rule_count(rules.len())?;
        let rules = try_map(rules, |loaded| {
            let query = loaded
                .rule
                .compile(schema, now)
                .map_err(|error| error.in_origin(loaded.origin.clone()))?;
            let indices = IndexPatterns::new(&loaded.rule.index);
            Ok::<_, Error>(CompiledRule {
                snapshot: OnceLock::new(),
                rule: loaded.rule,
                query,
                indices,
                exceptions: CompiledExceptions::default(),
            })
        })?;
        let dispatch = RuleDispatch::new(rules.iter().map(|rule| rule.query.gates()).collect());
        let recent_retention_millis = rules
            .iter()
            .filter_map(|compiled| replay::reach_millis(&compiled.rule))
            .max()
            .unwrap_or(0);
        let mut compiled = RuleSet {
            rules,
            dispatch,
            diagnostics: Vec::new(),
            schema: schema.clone(),
            fields: None,
            prefilter: None,
            recent_retention_millis,
        };
        compiled.record_fields_read();
        Ok(compiled)
    }

    /// The built-in rule compiled for the built-in schema, as `new Engine()`
    /// would compile it: once per process, shared by every engine that runs
    /// it. The wasm build computes it when it is built ([`prepare_shared`]).
    fn builtin() -> Arc<RuleSet> {
        static BUILTIN: OnceLock<Arc<RuleSet>> = OnceLock::new();
        Arc::clone(BUILTIN.get_or_init(|| Arc::new(RuleSet::compile_builtin())))
    }

    fn compile_builtin() -> RuleSet {
        // Checked as a rule object is, as when the options name no rules.
        // The rule has no date math and no exceptions, so what it compiles to
        // does not depend on `now`.
        load_rule("rule object", azure_external_guest_user_invitation())
            .and_then(|loaded| RuleSet::compile(vec![loaded], &Schema::builtin(), Timestamp(0)))
            .unwrap_or_else(|error| panic!("the built-in rule must compile: {error}"))
    }

    /// Records what the fast paths need: which fields the rules and
    /// exceptions read (lazy reader) and which literals the rules require
    /// (prefilter).
    fn record_fields_read(&mut self) {
        let requirements = self
            .rules
            .iter()
            .map(|compiled| compiled.query.required_literals())
            .collect();
        self.prefilter = Prefilter::new(requirements);
        let queries = self.rules.iter().flat_map(|compiled| {
            std::iter::once(&compiled.query).chain(compiled.exceptions.queries())
        });
        // The data stream fields are not among them: only an event some
        // rule's query matches needs its data stream, and it is read again
        // for it (`known.rs`).
        self.fields = FieldSet::of(queries).map(|fields| {
            let fields = EMBEDDING_FIELDS
                .iter()
                .fold(fields, |fields, path| fields.with_exact(path));
            fields.watching(&NON_ECS_TOP_LEVEL_KEYS, &NON_ECS_KEY_PREFIXES)
        });
    }
}

/// Builds now what every engine of the process shares (the built-in schema,
/// and the built-in rule compiled for it) rather than at first use. The wasm
/// build runs it at build time under `wasm-ctor-eval`, which keeps the memory
/// it leaves, so no host ever runs (or compiles) this work.
pub fn prepare_shared() {
    RuleSet::builtin();
}

/// Whether `options` ask for the built-in rule over the built-in schema,
/// without exceptions: the rule set every such engine shares.
fn runs_builtin_rule_set(options: &EngineOptions) -> bool {
    options.rules.is_none()
        && options.field_types.is_none()
        && options.extra_field_types.is_none()
        && options.exceptions.is_none()
}

/// The name of an event's data stream, from `data_stream.type`, `.dataset` and `.namespace`.
fn data_stream_name(event: &Value) -> Option<String> {
    data_stream_of(&JsonEvent(event))
}

/// The fields that name an event's data stream.
const DATA_STREAM_FIELDS: [&str; 3] = [
    "data_stream.type",
    "data_stream.dataset",
    "data_stream.namespace",
];

/// [`data_stream_name`] for any event representation. A field holding two
/// different texts (written both dotted and nested, say) names no data
/// stream: which came first differs between the lazy reader (text order) and
/// the parsed event (nested first), and both must name the same index.
fn data_stream_of(event: &dyn crate::event::Event) -> Option<String> {
    // Written into one string, not formatted from three: this runs for every
    // event read, and the formatting machinery cost more than the lookups.
    // Room for a usual name (`logs-azure.auditlogs-default`) at once: grown
    // from empty it was reallocated three times an event.
    let mut name = String::with_capacity(64);
    for (position, field) in DATA_STREAM_FIELDS.iter().enumerate() {
        if position > 0 {
            name.push('-');
        }
        let start = name.len();
        let mut found = false;
        let conflicting = event.any_value(field, &mut |value| match value {
            crate::event::Scalar::Text(text) if found => &name[start..] != text,
            crate::event::Scalar::Text(text) => {
                name.push_str(text);
                found = true;
                false
            }
            _ => false,
        });
        if !found || conflicting {
            return None;
        }
    }
    Some(name)
}

/// A rule source that may carry exception lists: JSON text (a Kibana export).
fn exception_source_of(source: &RuleSource) -> Option<ExceptionSource> {
    match source {
        RuleSource::Text { origin, text } if is_json_text(text) => Some(ExceptionSource {
            origin: origin.clone(),
            text: text.clone(),
        }),
        _ => None,
    }
}

/// The `rules` option's sources. Out of line, as [`exception_sources`]: V8
/// compiles a wasm function, all of it, when it first runs, and `new
/// Engine()` (the built-in rule) runs neither.
#[inline(never)]
fn rule_sources(rules: &[Value]) -> Vec<RuleSource> {
    rules
        .iter()
        .enumerate()
        .map(|(index, rule)| source_of(index, rule))
        .collect()
}

/// The `exceptions` option's sources.
#[inline(never)]
fn exception_sources(exceptions: &[Value]) -> Vec<ExceptionSource> {
    exceptions
        .iter()
        .enumerate()
        .map(|(index, exceptions)| match named_text(exceptions) {
            Some((origin, text)) => ExceptionSource { origin, text },
            None => ExceptionSource {
                origin: format!("exceptions[{index}]"),
                text: match exceptions {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                },
            },
        })
        .collect()
}

/// How a rule source given as a JSON value (JS options) is read.
fn source_of(index: usize, rule: &Value) -> RuleSource {
    if let Some((origin, text)) = named_text(rule) {
        return RuleSource::Text { origin, text };
    }
    match rule {
        Value::String(text) if looks_like_toml(text) || is_json_text(text) => RuleSource::Text {
            origin: format!("rules[{index}]"),
            text: text.clone(),
        },
        Value::String(query) => RuleSource::Query(query.clone()),
        other => RuleSource::Object(other.clone()),
    }
}

/// A file's text with its name, as hosts that read files pass it:
/// `{"origin": "rules/a.toml", "text": "…"}` (no rule or exception has
/// exactly these two fields).
fn named_text(value: &Value) -> Option<(String, String)> {
    let object = value.as_object().filter(|object| object.len() == 2)?;
    let origin = object.get("origin")?.as_str()?;
    let text = object.get("text")?.as_str()?;
    Some((origin.to_string(), text.to_string()))
}

fn is_json_text(text: &str) -> bool {
    let trimmed = text.trim();
    (trimmed.starts_with('{') || trimmed.starts_with('['))
        && trimmed.lines().next().is_some_and(|first| {
            serde_json::from_slice::<Value>(first.as_bytes()).is_ok()
                || serde_json::from_slice::<Value>(trimmed.as_bytes()).is_ok()
        })
}

fn require_object(event: &Value) -> Result<(), Error> {
    if event.is_object() {
        return Ok(());
    }
    Err(Error::new(
        ErrorType::EventInvalid,
        "not_an_object",
        format!(
            "an event must be a JSON object, not {}",
            crate::input::json_kind(event)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{
        azure_external_guest_user_invitation, replay, Arc, Engine, EngineOptions, RecentAlerts,
        RuleSet, RECENT_ALERTS_CAPACITY,
    };
    use crate::time::Timestamp;

    /// Options, and whether an engine made with them shares the built-in rule set.
    fn sharing_cases() -> Vec<(EngineOptions, bool)> {
        let default = EngineOptions::default;
        vec![
            (default(), true),
            (
                EngineOptions {
                    mode: Some("filter".into()),
                    index: Some("logs-azure.auditlogs-default".into()),
                    space_id: Some("elsewhere".into()),
                    input: Some("ecs".into()),
                    keep_original: Some(true),
                    now: Some("2026-11-27T12:00:00Z".into()),
                    ..default()
                },
                true,
            ),
            // Each of these compiles the built-in rule when the engine is made.
            (
                EngineOptions {
                    exceptions: Some(Vec::new()),
                    ..default()
                },
                false,
            ),
            (
                EngineOptions {
                    extra_field_types: Some(json!({})),
                    ..default()
                },
                false,
            ),
        ]
    }

    /// What `new Engine()` shares (in the wasm build, built at build time)
    /// must be what compiling the built-in rule gives when an engine is made,
    /// at any time: an engine that compiles it is the same engine.
    #[test]
    fn the_shared_rule_set_is_the_builtin_rule_compiled_at_any_time() {
        for now in [0, 1_764_244_800_000, 4_102_444_800_000] {
            let compiled_now = Engine::from_options(
                &EngineOptions {
                    exceptions: Some(Vec::new()),
                    ..EngineOptions::default()
                },
                Timestamp(now),
            )
            .expect("the built-in rule compiles");
            let shared = Engine::from_options(&EngineOptions::default(), Timestamp(now))
                .expect("the built-in rule compiles");
            assert_eq!(
                format!("{shared:?}"),
                format!("{compiled_now:?}"),
                "at {now}"
            );
        }
    }

    /// `new Engine()` takes `builtin_at` rather than reading options: it
    /// must be the engine the defaults give, settings and memory of recent
    /// alerts included, whatever the clock says.
    #[test]
    fn the_builtin_engine_at_a_time_is_the_engine_of_no_options() {
        for now in [0, 1_764_244_800_000, 4_102_444_800_000] {
            let general = Engine::from_options(&EngineOptions::default(), Timestamp(now))
                .expect("the built-in rule compiles");
            let lean = Engine::builtin_at(Timestamp(now));
            assert_eq!(format!("{lean:?}"), format!("{general:?}"), "at {now}");
            // The retention worked out with the rules is the rules' reach.
            let reach = replay::reach_millis(&azure_external_guest_user_invitation());
            let derived = RecentAlerts::new(reach.unwrap_or(0), RECENT_ALERTS_CAPACITY);
            assert_eq!(
                format!("{:?}", lean.recent_alerts()),
                format!("{derived:?}"),
                "at {now}"
            );
        }
    }

    #[test]
    fn only_engines_of_the_builtin_rule_schema_and_no_exceptions_share_its_rule_set() {
        for (options, shares) in sharing_cases() {
            let engine =
                Engine::from_options(&options, Timestamp(0)).expect("the built-in rule compiles");
            assert_eq!(
                Arc::ptr_eq(&engine.compiled, &RuleSet::builtin()),
                shares,
                "{options:?}"
            );
        }
    }
}
