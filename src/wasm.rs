//! The JavaScript API: thin `#[wasm_bindgen]` shims over [`crate::engine`].
//!
//! Each function converts its arguments, calls one library function and
//! converts the result. Events and options cross the boundary as JSON text
//! (strings pass through; objects go through `JSON.stringify`), which is faster
//! than walking JavaScript objects property by property and lets unknown option
//! names be refused. Errors become real `Error`
//! objects carrying `type`, `kind`, `span`, `line`, `column` and `rendered`.

use js_sys::{Array, Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::engine::{
    Engine as CoreEngine, EngineOptions, InputOutcome, RecentAlerts, ReplayOptions, RunOptions,
};
use crate::error::{Error, ErrorType};
use crate::ingest::{self, IngestOptions};
use crate::output::protect_large_integers;
use crate::time::Timestamp;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/**
 * An Elastic Security alert: the matched event plus `kibana.alert.*` fields, as nested objects. Integers beyond
 * 2^53 in the event arrive as strings of their digits, since JavaScript numbers would round them.
 */
export type Alert = { "@timestamp": string; event: { kind: "signal"; [field: string]: unknown }; kibana: { alert: { [field: string]: unknown } }; [field: string]: unknown };

/** Options for `new Engine(options)`. */
export interface EngineOptions {
  /**
   * Rules: KQL queries (each run as an ad-hoc rule), rule texts (detection-rules TOML, rules API JSON, a Kibana
   * export NDJSON) or rule objects in the rules API's shape. Default: the built-in rule. Unsupported rules are
   * skipped and listed in `engine.diagnostics`; malformed ones throw.
   */
  rules?: Array<string | object>;
  /**
   * The mapping to use instead of the built-in one (ECS + Elastic's Azure integration over the logs-*-* dynamic
   * mapping): `{ field: "keyword" }`, a `GET _mapping` or `_field_caps` response, or a Kibana data view's field
   * list. It is complete: unlisted fields are unmapped and match nothing.
   */
  fieldTypes?: object;
  /** A mapping (same formats) added to the built-in one, or to `fieldTypes`. */
  extraFieldTypes?: object;
  /**
   * What `now` means (RFC 3339, or a Date): in the rules' date math and as every alert's creation time.
   * Default: the clock (when the engine is created for date math, at each evaluation for alerts).
   */
  now?: string | Date;
  /** The Kibana space alerts belong to: `kibana.space_ids` and part of each alert's deterministic id. Default "default". */
  spaceId?: string;
  /** "alerts" (default), "filter" (matching events, unchanged) or "tag" (every event, with `rule.*` of the rules it matched). */
  mode?: "alerts" | "filter" | "tag";
  /** The index or data stream the events belong to, for the rules' index patterns. */
  index?: string;
  /** How to read events: "auto" (default: raw Azure records and envelopes are normalised, ECS documents pass), "ecs" or "azure". */
  input?: "auto" | "ecs" | "azure";
  /** Keep each raw Azure record's JSON text as `event.original` (Elastic's preserve_original_event). Default false. */
  keepOriginal?: boolean;
  /**
   * Rule exceptions: Kibana exception list exports (NDJSON text), API JSON texts, or list and item objects. Items of
   * lists a rule's `exceptions_list` names apply to that rule; items of lists no rule names apply to every rule.
   */
  exceptions?: Array<string | object>;
  /** The value lists `is in list` exception entries name: `{ "list id": ["value", ...] }`. */
  valueLists?: { [listId: string]: string[] };
}

/** Options for `normalize(record, options)`. */
export interface NormalizeOptions {
  input?: "auto" | "ecs" | "azure";
  keepOriginal?: boolean;
}

/** Options for `engine.run(events, options)`: RFC 3339 strings or Dates. */
export interface RunOptions {
  /** The first execution's time. Default: the earliest event time (by each rule's time field). */
  start?: string | Date;
  /** Executions continue until one reaches this time. Default: `now`, else the latest event time. */
  end?: string | Date;
  /** The time of the last execution, when `end` is not given. */
  now?: string | Date;
}

/** What `engine.run` returns: the alerts Kibana's scheduled executions would have created, and how each went. */
export interface RunResult {
  alerts: Alert[];
  executions: Array<{
    rule_id: string; rule_name: string; time: string; window: { from: string; to: string };
    matched: number; created: number; deduplicated: number; truncated: number; warnings: string[];
  }>;
  /** Time between a rule's windows that no execution searched, and the matches lost in it. */
  gaps: Array<{ rule_id: string; from: string; to: string; missed_matches: number }>;
  /** Per rule, matching events without a usable time field. */
  untimed: Array<{ rule_id: string; events: number }>;
}

/** Why an event did or did not match, rule by rule and clause by clause. */
export interface Explanation {
  matched: boolean;
  rules: Array<{ rule_id: string; name: string; query: string; matched: boolean; clause: ClauseExplanation }>;
}

/** One clause of a query and its verdict. */
export interface ClauseExplanation {
  kind: "and" | "or" | "not" | "field" | "fields" | "nested" | "all" | "nothing";
  text: string;
  span?: { start: number; end: number };
  matched: boolean;
  children?: ClauseExplanation[];
  /** For "fields": the field-name pattern that was expanded. */
  pattern?: string;
  /** For "field" and "fields": each field read, its type, the query run on it, its values. */
  fields?: Array<{ field: string; type: string; test: string; matched: boolean; values: Array<{ value: unknown; matched: boolean }> }>;
  note?: string;
}

/** Every error thrown by kql-detect is an `Error` with these properties. */
export interface KqlDetectError extends Error {
  /** Stable category: "kql_syntax", "kql_query", "field_types_invalid", "event_invalid", "options_invalid", "rule_invalid", "rule_unsupported", "exception_invalid". */
  type: string;
  /** Stable detail within the category, e.g. "unexpected_end". */
  kind: string;
  /** Byte offsets [start, end) into the faulty text, or null. */
  span: [number, number] | null;
  /** 1-based line of the fault, or null. */
  line: number | null;
  /** 1-based column (in characters) of the fault, or null. */
  column: number | null;
  /** The message with the faulty line and a caret under the fault. */
  rendered: string;
}
"#;

/// Evaluates one event (an object or a JSON string) against the built-in rule.
#[wasm_bindgen(unchecked_return_type = "Alert[]")]
pub fn evaluate(
    #[wasm_bindgen(unchecked_param_type = "object | string")] event: JsValue,
) -> Result<JsValue, JsValue> {
    BUILTIN.with(|engine| evaluate_with(engine, &event))
}

/// The ECS documents an input becomes: raw Azure records (alone, in a
/// `{"records": [...]}` envelope, Graph API items or pages) normalised as
/// Elastic's Azure integration would, search hits unwrapped, ECS documents
/// unchanged.
#[wasm_bindgen(unchecked_return_type = "object[]")]
pub fn normalize(
    #[wasm_bindgen(unchecked_param_type = "object | string")] record: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NormalizeOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let text = event_text(&record)?;
    let options = ingest_options(&options).map_err(|error| to_js_error(&error))?;
    let documents = ingest::normalize_json(&text, options).map_err(|error| to_js_error(&error))?;
    alerts_to_js(documents)
}

/// Explains, clause by clause, why an event (an object or a JSON string) does or does not match the built-in rule;
/// an input holding several documents (an envelope of records) gets one explanation per document.
#[wasm_bindgen(unchecked_return_type = "Explanation | Explanation[]")]
pub fn explain(
    #[wasm_bindgen(unchecked_param_type = "object | string")] event: JsValue,
) -> Result<JsValue, JsValue> {
    BUILTIN.with(|engine| explain_with(engine, &event))
}

thread_local! {
    static BUILTIN: CoreEngine = CoreEngine::builtin();
}

/// Rules compiled once, ready to evaluate events. It remembers the alerts it
/// created recently, so re-sent events do not alert twice.
#[wasm_bindgen]
pub struct Engine {
    inner: CoreEngine,
    recent: RecentAlerts,
}

#[wasm_bindgen]
impl Engine {
    /// Compiles the rules in `options` (default: the built-in rule).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "EngineOptions")] options: JsValue,
    ) -> Result<Engine, JsValue> {
        let options = if options.is_undefined() || options.is_null() {
            EngineOptions::default()
        } else {
            let text = json_text(
                &options,
                ErrorType::OptionsInvalid,
                "engine options must be an object",
            )
            .map_err(|error| to_js_error(&error))?;
            EngineOptions::from_json(&text).map_err(|error| to_js_error(&error))?
        };
        let clock = Timestamp(js_sys::Date::now() as i64);
        let inner =
            CoreEngine::from_options(&options, clock).map_err(|error| to_js_error(&error))?;
        let recent = inner.recent_alerts();
        Ok(Engine { inner, recent })
    }

    /// Evaluates one event (an object or a JSON string); one alert per matching
    /// rule, except alerts this engine already created recently.
    #[wasm_bindgen(unchecked_return_type = "Alert[]")]
    pub fn evaluate(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "object | string")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = event_text(&event)?;
        let now = now_for(&self.inner);
        let outcome = self
            .inner
            .evaluate_input_json(&text, now, Some(&mut self.recent));
        outputs_to_js(outcome)
    }

    /// The ECS documents an input becomes, read with this engine's `input` and `keepOriginal` options.
    #[wasm_bindgen(unchecked_return_type = "object[]")]
    pub fn normalize(
        &self,
        #[wasm_bindgen(unchecked_param_type = "object | string")] record: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = event_text(&record)?;
        let documents = self
            .inner
            .normalize_json(&text)
            .map_err(|error| to_js_error(&error))?;
        alerts_to_js(documents)
    }

    /// Replays the rules' scheduled executions over `events` (objects or JSON
    /// strings) as Kibana would have run them, from the earliest event time
    /// (or `start`) until an execution reaches the latest (or `end`, or `now`).
    #[wasm_bindgen(unchecked_return_type = "RunResult")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Iterable<object | string>")] events: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RunOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let texts = Array::from(&events)
            .iter()
            .map(|event| event_text(&event))
            .collect::<Result<Vec<String>, JsValue>>()?;
        let options = run_options(&options).map_err(|error| to_js_error(&error))?;
        let replay = self
            .inner
            .replay_json(&texts, options)
            .map_err(|error| to_js_error(&error))?;
        let mut replay = serde_json::to_value(&replay)
            .map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())))?;
        protect_large_integers(&mut replay);
        to_js(&replay)
    }

    /// What loading the rules reported without failing (unsupported rules, ignored
    /// duplicates), as error objects.
    #[wasm_bindgen(getter, unchecked_return_type = "KqlDetectError[]")]
    pub fn diagnostics(&self) -> JsValue {
        self.inner
            .diagnostics()
            .iter()
            .map(to_js_error)
            .collect::<Array>()
            .into()
    }

    /// Explains, rule by rule and clause by clause, why an event does or does not match.
    #[wasm_bindgen(unchecked_return_type = "Explanation | Explanation[]")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "object | string")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        explain_with(&self.inner, &event)
    }
}

fn evaluate_with(engine: &CoreEngine, event: &JsValue) -> Result<JsValue, JsValue> {
    let text = event_text(event)?;
    outputs_to_js(engine.evaluate_input_json(&text, now_for(engine), None))
}

/// The outputs of one input, or its first error: JavaScript callers of
/// `evaluate` get an exception rather than a partial answer.
fn outputs_to_js(outcome: InputOutcome) -> Result<JsValue, JsValue> {
    if let Some(error) = outcome.errors.first() {
        return Err(to_js_error(error));
    }
    alerts_to_js(outcome.outputs)
}

/// `{start, end, now}` of `engine.run`; `now` stands for `end` when `end` is absent.
fn run_options(options: &JsValue) -> Result<ReplayOptions, Error> {
    if options.is_undefined() || options.is_null() {
        return Ok(ReplayOptions::default());
    }
    let text = json_text(
        options,
        ErrorType::OptionsInvalid,
        "run options must be an object",
    )?;
    let options = RunOptions::from_json(&text)?;
    Ok(ReplayOptions {
        start: options.start,
        end: options.end.or(options.now),
    })
}

/// The engine's fixed `now`, else the clock.
fn now_for(engine: &CoreEngine) -> Timestamp {
    engine
        .fixed_now()
        .unwrap_or_else(|| Timestamp(js_sys::Date::now() as i64))
}

fn alerts_to_js(alerts: Vec<Value>) -> Result<JsValue, JsValue> {
    let mut alerts = Value::Array(alerts);
    protect_large_integers(&mut alerts);
    to_js(&alerts)
}

fn explain_with(engine: &CoreEngine, event: &JsValue) -> Result<JsValue, JsValue> {
    let text = event_text(event)?;
    let explanations = engine
        .explain_input_json(&text)
        .map_err(|error| to_js_error(&error))?;
    match explanations.as_slice() {
        [explanation] => to_js(explanation),
        _ => to_js(&explanations),
    }
}

fn event_text(event: &JsValue) -> Result<String, JsValue> {
    json_text(
        event,
        ErrorType::EventInvalid,
        "an event must be an object or a JSON string",
    )
    .map_err(|error| to_js_error(&error))
}

/// A serialisable value as a JavaScript object, through JSON text.
fn to_js(value: &impl serde::Serialize) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value)
        .map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())))?;
    JSON::parse(&json)
}

/// A value as JSON text: strings as they are, anything else through `JSON.stringify`.
fn json_text(value: &JsValue, error_type: ErrorType, what: &str) -> Result<String, Error> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    let not_serializable =
        |reason: String| Error::new(error_type, "not_serializable", format!("{what}: {reason}"));
    let json = JSON::stringify(value)
        .map_err(|error| not_serializable(String::from(js_sys::Error::from(error).message())))?;
    json.as_string()
        .ok_or_else(|| not_serializable("JSON.stringify returned undefined".to_string()))
}

/// A JavaScript `Error` carrying the error's data as properties.
fn to_js_error(error: &Error) -> JsValue {
    let js_error = js_sys::Error::new(&error.message);
    let object: &JsValue = js_error.as_ref();
    let position = error.line_column();
    let span = match error.span() {
        Some(span) => Array::of2(
            &JsValue::from(span.start as u32),
            &JsValue::from(span.end as u32),
        )
        .into(),
        None => JsValue::NULL,
    };
    let number_or_null =
        |value: Option<usize>| value.map_or(JsValue::NULL, |value| JsValue::from(value as u32));
    let properties: [(&str, JsValue); 6] = [
        ("type", error.error_type.tag().into()),
        ("kind", error.kind.into()),
        ("span", span),
        (
            "line",
            number_or_null(position.map(|position| position.line)),
        ),
        (
            "column",
            number_or_null(position.map(|position| position.column)),
        ),
        ("rendered", error.rendered().into()),
    ];
    for (name, value) in properties {
        // Setting a property on a fresh Error object cannot fail.
        let _ = Reflect::set(object, &JsValue::from_str(name), &value);
    }
    js_error.into()
}

/// `{input, keepOriginal}` of `normalize` and `inputShape`.
fn ingest_options(options: &JsValue) -> Result<IngestOptions, Error> {
    if options.is_undefined() || options.is_null() {
        return Ok(IngestOptions::default());
    }
    let text = json_text(
        options,
        ErrorType::OptionsInvalid,
        "normalize options must be an object",
    )?;
    IngestOptions::from_json(&text)
}

/// What an input is, as `normalize` and engines read it: "ecs", "azure_record",
/// "azure_records", "graph_item", "graph_page", "wrapped_record", "search_hit",
/// "search_response" or "not_an_object". The playground shows it.
#[wasm_bindgen(js_name = inputShape)]
pub fn input_shape(
    #[wasm_bindgen(unchecked_param_type = "object | string")] record: JsValue,
    #[wasm_bindgen(unchecked_param_type = "NormalizeOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let text = event_text(&record)?;
    let options = ingest_options(&options).map_err(|error| to_js_error(&error))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|error| to_js_error(&crate::input::invalid_json(&error, &text)))?;
    Ok(ingest::shape(&value, options).name().to_string())
}

#[wasm_bindgen]
impl Engine {
    /// The rules this engine runs, in the rules API's shape (what the
    /// playground shows of each rule, and can hand back as `rules`).
    #[wasm_bindgen(getter, unchecked_return_type = "object[]")]
    pub fn rules(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.rules().collect::<Vec<_>>())
    }
}
