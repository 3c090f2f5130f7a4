//! The JavaScript API: thin `#[wasm_bindgen]` shims over [`crate::engine`].
//!
//! Each function converts its arguments, calls one library function and
//! converts the result. Events and options cross the boundary as JSON text
//! (strings pass through; objects go through `JSON.stringify`), which is faster
//! than walking JavaScript objects property by property and lets unknown option
//! names be refused. (The package's JavaScript answers most event objects of
//! `engine.evaluate` before they reach here, from [`Engine::object_screen`].)
//! Errors become real `Error`
//! objects carrying `type`, `kind`, `span`, `line`, `column` and `rendered`.

use js_sys::{Array, Float64Array, Reflect, Uint8Array, JSON};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::collect::try_map;
use crate::engine::{
    BatchOptions, Engine as CoreEngine, EngineOptions, InputOutcome, InvalidInput, NdjsonOutcome,
    OutputFormat, QueryDslOptions, RecentAlerts, Replay, ReplayEvent, ReplayOptions, RunOptions,
    SearchRequestOptions,
};
use crate::error::{Error, ErrorType};
use crate::explain::Explanation;
use crate::ingest::{self, IngestOptions};
use crate::input::Batch;
use crate::limits::DEFAULT_MAX_JSON_DEPTH;
use crate::output::JsSafe;
use crate::time::Timestamp;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/**
 * An Elastic Security alert: the matched event plus `kibana.alert.*` fields, as nested objects. Integers beyond
 * 2^53 in the event arrive as strings of their digits, since JavaScript numbers would round them.
 */
export type Alert = { "@timestamp": string; event: { kind: "signal"; [field: string]: unknown }; kibana: { alert: { [field: string]: unknown } }; [field: string]: unknown };

/** A file's text and its name, for messages. */
export interface NamedText {
  origin: string;
  text: string;
}

/** Options for `new Engine(options)`. */
export interface EngineOptions {
  /**
   * Rules: KQL queries (each run as an ad-hoc rule), rule texts (detection-rules TOML, rules API JSON, a Kibana
   * export NDJSON) or rule objects in the rules API's shape; a file's text may come as `{ origin, text }`, so
   * messages name the file. Default: the built-in rule. Unsupported rules are skipped and listed in
   * `engine.diagnostics`; malformed ones throw.
   */
  rules?: Array<string | NamedText | object>;
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
   * A file's text may come as `{ origin, text }`.
   */
  exceptions?: Array<string | NamedText | object>;
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
  /** "objects" (default) or "ndjson": `alerts` as one string of JSON lines, exactly as the command line prints them. */
  output?: "objects" | "ndjson";
}

/** What `engine.run` returns: the alerts Kibana's scheduled executions would have created, and how each went. */
export interface RunResult<Alerts = Alert[]> {
  /** One NDJSON string with `output: "ndjson"`. */
  alerts: Alerts;
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
  /** The explanation as the command line prints it. */
  rendered: string;
  /** From `explainNdjson`: the input line the document starts on. */
  line?: number;
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

/** Options for `toElasticsearchQuery(query, options)` and `dataView(options)`. */
export interface QueryDslOptions {
  /** Translate as Kibana 7.x did: its grammar; `match`, `match_phrase` and `query_string` only; numbers for numeric text. */
  legacy?: boolean;
  /** The field list, in any mapping format `EngineOptions.fieldTypes` takes (an index's `_field_caps` gives Kibana's exact query). */
  fieldTypes?: object;
  /** A mapping added to the built-in one, or to `fieldTypes`. */
  extraFieldTypes?: object;
}

/** Options for `engine.toElasticsearchQuery(options)`. */
export interface SearchRequestOptions {
  /** Translate the queries as Kibana 7.x did. */
  legacy?: boolean;
  /**
   * The execution's time, which places the search window and leaves out exception items expired before it. Default:
   * the engine's `now`, else the clock.
   */
  now?: string | Date;
}

/** A query in Elasticsearch's query DSL, as Kibana's `toElasticsearchQuery` builds it. */
export type QueryDsl = { [kind: string]: unknown };

/** One rule's execution as Elasticsearch receives it. */
export interface RuleSearch {
  rule_id: string;
  name: string;
  /** The rule's KQL alone, as query DSL. */
  query: QueryDsl;
  /**
   * The whole search request of the execution's first page (`index`, `size`, `query`, `fields`, `runtime_mappings`,
   * `sort`, `allow_no_indices`, `ignore_unavailable`): the argument of a JavaScript client's `search()`. The rule's
   * exception items are in `query.bool.filter[0].bool.must_not`, as Kibana's lists plugin writes them.
   */
  request: { index: string[]; size: number; query: QueryDsl; [key: string]: unknown };
  /** What Kibana would know and kql-detect does not (field names missing from the field list, a data view). */
  warnings: string[];
}

/** Kibana's `DataViewBase`: the fields `toElasticsearchQuery` knows. */
export interface DataView {
  fields: Array<{ name: string; type: string; esTypes: string[]; scripted: false; subType?: { nested: { path: string } } }>;
}

/** Options for the batch methods: `engine.evaluateNdjson(input, options)`, `explainNdjson`, `normalizeNdjson`. */
export interface NdjsonOptions {
  /** The line of the whole input the batch starts on. Default 1: the start of the input. */
  firstLine?: number;
  /**
   * Whether the batch ends the input. Default true. When false, an incomplete last line is left unread
   * (`consumed` says how many bytes were read) for the caller to put in front of the next chunk.
   */
  final?: boolean;
  /** Lines longer than this many bytes are invalid (kind "too_long") without being parsed. Default 16 MiB. */
  maxLineBytes?: number;
  /** Events whose arrays and objects nest deeper than this are invalid (kind "too_deep"). Default 512, the most allowed. */
  maxJsonDepth?: number;
  /**
   * A JSON array or pretty-printed documents larger than this many bytes is read line by line instead of whole (its
   * first line is invalid, kind "too_large"). Default 64 MiB.
   */
  maxWholeInputBytes?: number;
  /** The input's name in the errors' `rendered` text, as the command line names files (a lone surrogate shows as U+FFFD). */
  origin?: string;
  /** "objects" (default) or "ndjson": the outputs as one string of JSON lines, exactly as the command line prints them. */
  output?: "objects" | "ndjson";
  /**
   * Which lines `evaluateNdjson` reads. "all" (default): every line, and a malformed one is invalid. "candidates": with
   * `input: "ecs"` (outside tag mode), a line that, for every rule, lacks some literal the rule requires is left unread,
   * counted in `skippedLines` (not checked to be JSON, no events counted): the fastest filter when only alerts matter.
   * In `auto` input every line is still read, since a raw Azure record lacks literals its normalised document has.
   * Only `evaluateNdjson` reads it; the other batch methods read every line.
   */
  validate?: "all" | "candidates";
}

/**
 * What a batch method returns. Every line has one outcome: lines = blank + eventLines + invalidLines +
 * emptyLines + skippedLines (an array or pretty-printed documents, read whole, are tallied per document). When each
 * line holds one event, lines = events + invalid.length + blank + skippedLines.
 */
export interface NdjsonResult<Output> {
  /** Alerts (or passed or tagged events), explanations or documents; one NDJSON string with `output: "ndjson"`. */
  outputs: Output;
  /** Lines read, blank ones included. */
  lines: number;
  /** Blank lines among them. */
  blank: number;
  /** Lines that held at least one event (a line can hold an envelope of many records). */
  eventLines: number;
  /** Lines that held no event and something invalid, each reason in `invalid`. */
  invalidLines: number;
  /** Lines that held neither: JSON with no events in it, such as `{"records": []}`. */
  emptyLines: number;
  /** Lines left unread because no rule can match them (`validate: "candidates"`); 0 otherwise. */
  skippedLines: number;
  /** Events read; a line holding an envelope of records counts each record. */
  events: number;
  /** Events that matched at least one rule. */
  matched: number;
  /** Alerts not created again because this engine created them recently. */
  deduplicated: number;
  /** Lines and documents that are not events, as errors whose `line` is the input line. */
  invalid: KqlDetectError[];
  /** Bytes of the (UTF-8) input read; the rest is an incomplete last line. */
  consumed: number;
  /**
   * The input opens a JSON array or pretty-printed documents, which are read only once the batch is the whole
   * input (`final: true`); nothing was read.
   */
  wholeInputNeeded: boolean;
  /** The last line was longer than `maxLineBytes` and incomplete: drop what follows up to its newline. */
  restOfLineSkipped: boolean;
}

/** One input of `engine.runNdjson`. */
export interface NamedInput {
  /** The input's name in errors, as the command line names files. */
  origin?: string;
  /** NDJSON, a JSON array, or pretty-printed documents. */
  data: Uint8Array | ArrayBuffer | string;
}

/** What `engine.runNdjson` returns: `run`'s result, and what the inputs held. */
export type InputsRunResult<Alerts = Alert[]> = RunResult<Alerts> & {
  /** Events read. */
  events: number;
  /** Documents of the inputs that are not events, as errors naming their input and line. */
  invalid: KqlDetectError[];
};

/** Input of the batch methods: bytes of UTF-8 text, or a string. */
export type NdjsonInput = Uint8Array | ArrayBuffer | string;

/** Options asking for NDJSON text out. */
export type AsNdjson<Options> = Options & { output: "ndjson" };

/**
 * The batch methods and `run` with objects out (the default). Their declarations in the class are those for
 * `output: "ndjson"`, which TypeScript tries first; these overloads come next.
 */
export interface Engine {
  evaluateNdjson(input: NdjsonInput, options?: NdjsonOptions & { output?: "objects" }): NdjsonResult<Alert[]>;
  explainNdjson(input: NdjsonInput, options?: NdjsonOptions & { output?: "objects" }): NdjsonResult<Explanation[]>;
  normalizeNdjson(input: NdjsonInput, options?: NdjsonOptions & { output?: "objects" }): NdjsonResult<object[]>;
  run(events: Iterable<object | string>, options?: RunOptions & { output?: "objects" }): RunResult;
  runNdjson(inputs: NamedInput[], options?: RunOptions & { output?: "objects" }): InputsRunResult;
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
    alerts_to_js(&documents)
}

/// Explains, clause by clause, why an event (an object or a JSON string) does or does not match the built-in rule;
/// an input holding several documents (an envelope of records) gets one explanation per document.
#[wasm_bindgen(unchecked_return_type = "Explanation | Explanation[]")]
pub fn explain(
    #[wasm_bindgen(unchecked_param_type = "object | string")] event: JsValue,
) -> Result<JsValue, JsValue> {
    BUILTIN.with(|engine| explain_with(engine, &event))
}

/// The query DSL Kibana builds from a KQL query, for the field list of the options' mapping (default: the built-in one).
#[wasm_bindgen(js_name = toElasticsearchQuery, unchecked_return_type = "QueryDsl")]
pub fn to_elasticsearch_query(
    query: &str,
    #[wasm_bindgen(unchecked_param_type = "QueryDslOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let dsl = query_dsl_options(&options)
        .and_then(|options| crate::engine::query_dsl(query, &options))
        .map_err(|error| to_js_error(&error))?;
    to_js(&dsl)
}

/// The data view (Kibana's field list) the options' mapping amounts to.
#[wasm_bindgen(js_name = dataView, unchecked_return_type = "DataView")]
pub fn data_view(
    #[wasm_bindgen(unchecked_param_type = "QueryDslOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let data_view = query_dsl_options(&options)
        .and_then(|options| crate::engine::data_view(&options))
        .map_err(|error| to_js_error(&error))?;
    to_js(&data_view.to_json())
}

thread_local! {
    static BUILTIN: CoreEngine = CoreEngine::builtin();
}

/// The build's hook, not an API: `scripts/build-wasm` evaluates it with
/// `wasm-ctor-eval`, so the module ships with the state every engine shares
/// already built. Calling it again does nothing.
#[wasm_bindgen(js_name = __prepareShared, skip_typescript)]
pub fn prepare_shared() {
    crate::engine::prepare_shared();
}

/// A stream reader's batch options (`Engine::chunk_options`); not an API.
#[wasm_bindgen(js_name = __ChunkOptions, skip_typescript)]
pub struct ChunkOptions(BatchOptions);

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
        let clock = Timestamp(js_sys::Date::now() as i64);
        let inner = if options.is_undefined() || options.is_null() {
            CoreEngine::builtin_at(clock)
        } else {
            engine_of_options(&options, clock)?
        };
        let recent = inner.recent_alerts();
        Ok(Engine { inner, recent })
    }

    /// Evaluates one event (an object or a JSON string); one alert per matching
    /// rule, except alerts this engine already created recently. An object is
    /// read as `JSON.stringify` writes it. Through the package's entries, an
    /// object no rule can match is answered without serialising it: only the
    /// fields the rules require are read, so a part of it no rule reads is not
    /// looked at (a `BigInt` or a cycle there throws only when the object goes
    /// on to be serialised).
    #[wasm_bindgen(unchecked_return_type = "Alert[]")]
    pub fn evaluate(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "object | string")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = event_text(&event)?;
        let now = now_for(&self.inner);
        let outcome = self.inner.evaluate_input_json(
            &text,
            DEFAULT_MAX_JSON_DEPTH,
            now,
            Some(&mut self.recent),
        );
        outputs_to_js(outcome)
    }

    /// What the package's JavaScript reads of an event object to know, without
    /// calling in here, that this engine emits nothing for it (see
    /// `js/object-path.cjs`); `null` when no such reading can tell.
    #[wasm_bindgen(js_name = objectScreen, skip_typescript)]
    pub fn object_screen(&self) -> Result<JsValue, JsValue> {
        match self.inner.object_screen() {
            Some(screen) => to_js(&screen),
            None => Ok(JsValue::NULL),
        }
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
        alerts_to_js(&documents)
    }

    /// Replays the rules' scheduled executions over `events` (objects or JSON
    /// strings) as Kibana would have run them, from the earliest event time
    /// (or `start`) until an execution reaches the latest (or `end`, or `now`).
    #[wasm_bindgen(unchecked_return_type = "RunResult<string>")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Iterable<object | string>")] events: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AsNdjson<RunOptions>")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let texts = try_map(iterated(&events)?.iter(), |event| event_text(&event))?;
        let (options, output) = run_options(&options).map_err(|error| to_js_error(&error))?;
        let replay = self
            .inner
            .replay_json(&texts, options)
            .map_err(|error| to_js_error(&error))?;
        replay_to_js(&replay, output)
    }

    /// Evaluates a batch of input: the complete lines of a chunk of NDJSON
    /// (or, as a whole input, a JSON array or pretty-printed documents), with
    /// every line accounted for; invalid lines are reported, not thrown.
    #[wasm_bindgen(
        js_name = evaluateNdjson,
        unchecked_return_type = "NdjsonResult<string>"
    )]
    pub fn evaluate_ndjson(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "NdjsonInput")] input: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AsNdjson<NdjsonOptions>")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (bytes, options) = batch_arguments(&input, &options)?;
        let (outcome, outputs) = self.evaluated_batch(options.batch(&bytes), &options)?;
        batch_result(&outcome, outputs, options.origin.as_deref())
    }

    /// A stream reader's fixed batch options, read once for all its calls
    /// to `__evaluateChunk` (`js/chunks.cjs`); not an API.
    #[wasm_bindgen(js_name = __chunkOptions, skip_typescript)]
    pub fn chunk_options(&self, options: JsValue) -> Result<ChunkOptions, JsValue> {
        Ok(ChunkOptions(batch_options(&options)?))
    }

    /// `evaluateNdjson` as a stream's reader calls it (`js/chunks.cjs`), not
    /// an API: the bytes carried over from the last chunk and the next chunk
    /// (both `Uint8Array`s the reader made or was given), its options read
    /// once, and the line and end of input it sets on every call. It returns
    /// the outputs, writes the counts into the reader's `counts` (see
    /// [`chunk_counts`]) and sets the invalid inputs into `invalid`, which
    /// the reader passes empty: a short call's fixed cost was mostly reading
    /// the options again and the result's counts written as JSON text, and
    /// then a new array for them, and one for the results.
    ///
    /// The call is reachable from JavaScript, so the bytes and the counts
    /// are checked before anything is read, and the invalid inputs set so
    /// that a refusal returns: a panic, or an exception thrown through the
    /// module while the engine is borrowed, would leave the engine unusable.
    #[wasm_bindgen(js_name = __evaluateChunk, skip_typescript)]
    #[allow(clippy::too_many_arguments)] // each crosses as it is, with nothing to allocate
    pub fn evaluate_chunk(
        &mut self,
        carried: &JsValue,
        chunk: &JsValue,
        options: &ChunkOptions,
        first_line: f64,
        end_of_input: bool,
        counts: &JsValue,
        invalid: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let counts = chunk_counts_array(counts)?;
        let bytes = joined_bytes(bytes_view(carried)?, bytes_view(chunk)?)?;
        let options = &options.0;
        let batch = options.batch_at(&bytes, first_line as u64, end_of_input);
        let (outcome, outputs) = self.evaluated_batch(batch, options)?;
        counts.copy_from(&chunk_counts(&outcome));
        for (index, error) in invalid_errors(&outcome, options.origin.as_deref()).enumerate() {
            // `Reflect.set` returns what a frozen array or a throwing proxy
            // does, where `push` would throw through the module.
            let index = JsValue::from(index as f64);
            if !Reflect::set(invalid, &index, &error).unwrap_or(false) {
                return Err(chunk_argument_error("invalid must be a writable array"));
            }
        }
        Ok(outputs)
    }

    /// Explains every document of a batch of input (see `evaluateNdjson`).
    #[wasm_bindgen(
        js_name = explainNdjson,
        unchecked_return_type = "NdjsonResult<string>"
    )]
    pub fn explain_ndjson(
        &self,
        #[wasm_bindgen(unchecked_param_type = "NdjsonInput")] input: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AsNdjson<NdjsonOptions>")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (bytes, options) = batch_arguments(&input, &options)?;
        let outcome = self.inner.explain_ndjson(options.batch(&bytes));
        let outputs = match options.output {
            OutputFormat::Objects => {
                let explanations = Array::new();
                for output in &outcome.outputs {
                    let explanation = explanation_to_js(&output.explanation)?;
                    set(&explanation, "line", JsValue::from(output.line as u32));
                    explanations.push(&explanation);
                }
                explanations.into()
            }
            OutputFormat::Ndjson => {
                let explanations = outcome.outputs.iter().map(|output| &output.explanation);
                lines_of(explanations)?.into()
            }
        };
        batch_result(&outcome, outputs, options.origin.as_deref())
    }

    /// The ECS documents a batch of input holds, read with this engine's
    /// `input` and `keepOriginal` options (see `evaluateNdjson`).
    #[wasm_bindgen(
        js_name = normalizeNdjson,
        unchecked_return_type = "NdjsonResult<string>"
    )]
    pub fn normalize_ndjson(
        &self,
        #[wasm_bindgen(unchecked_param_type = "NdjsonInput")] input: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AsNdjson<NdjsonOptions>")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (bytes, options) = batch_arguments(&input, &options)?;
        let mut outcome = self.inner.ingest_ndjson(options.batch(&bytes));
        let documents: Vec<Value> = std::mem::take(&mut outcome.outputs)
            .into_iter()
            .map(|ingested| ingested.document)
            .collect();
        let outputs = values_to_js(&documents, options.output)?;
        batch_result(&outcome, outputs, options.origin.as_deref())
    }

    /// `run` over whole inputs read as the command line reads files (NDJSON, a
    /// JSON array or pretty-printed documents): invalid documents are reported
    /// in `invalid` instead of failing the replay.
    #[wasm_bindgen(
        js_name = runNdjson,
        unchecked_return_type = "InputsRunResult<string>"
    )]
    pub fn run_ndjson(
        &self,
        #[wasm_bindgen(unchecked_param_type = "NamedInput[]")] inputs: JsValue,
        #[wasm_bindgen(unchecked_param_type = "AsNdjson<RunOptions>")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = run_options(&options).map_err(|error| to_js_error(&error))?;
        let mut events = Vec::new();
        let invalid = Array::new();
        for input in iterated(&inputs)?.iter() {
            let origin = input_property(&input, "origin")?.as_string();
            let bytes = input_bytes(&input_property(&input, "data")?)?;
            let outcome = self.inner.ingest_ndjson(Batch::whole(&bytes));
            for bad in outcome.invalid {
                invalid.push(&invalid_to_js(bad, origin.as_deref()));
            }
            events.extend(outcome.outputs.into_iter().map(|ingested| ReplayEvent {
                document: ingested.document,
                stored: ingested.identity,
            }));
        }
        let (replay_options, output) = options;
        let replay = self
            .inner
            .replay(&events, replay_options)
            .map_err(|error| to_js_error(&error))?;
        let result = replay_to_js(&replay, output)?;
        set(&result, "events", JsValue::from(events.len() as u32));
        set(&result, "invalid", invalid.into());
        Ok(result)
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

    /// Each rule's search request of one execution, as Kibana's detection engine sends it, exception items included.
    #[wasm_bindgen(js_name = toElasticsearchQuery, unchecked_return_type = "RuleSearch[]")]
    pub fn to_elasticsearch_query(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SearchRequestOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = optional_json(&options, "search request options")
            .and_then(|text| {
                text.map_or(Ok(SearchRequestOptions::default()), |text| {
                    SearchRequestOptions::from_json(&text)
                })
            })
            .map_err(|error| to_js_error(&error))?;
        let clock = Timestamp(js_sys::Date::now() as i64);
        let searches = self
            .inner
            .search_requests_with(&options, clock)
            .map_err(|error| to_js_error(&error))?;
        to_js(&searches)
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
    outputs_to_js(engine.evaluate_input_json(&text, DEFAULT_MAX_JSON_DEPTH, now_for(engine), None))
}

/// The outputs of one input, or its first error: JavaScript callers of
/// `evaluate` get an exception rather than a partial answer.
fn outputs_to_js(outcome: InputOutcome) -> Result<JsValue, JsValue> {
    if let Some(error) = outcome.errors.first() {
        return Err(to_js_error(error));
    }
    alerts_to_js(&outcome.outputs)
}

impl Engine {
    /// A batch evaluated with `options`, and its outputs as they ask.
    fn evaluated_batch(
        &mut self,
        batch: Batch,
        options: &BatchOptions,
    ) -> Result<(NdjsonOutcome, JsValue), JsValue> {
        let now = now_for(&self.inner);
        let outcome =
            self.inner
                .evaluate_ndjson(batch, options.validate, now, Some(&mut self.recent));
        let outputs = values_to_js(&outcome.outputs, options.output)?;
        Ok((outcome, outputs))
    }
}

/// The engine `options` ask for. Out of line: V8 compiles a function whole at
/// its first call, and `new Engine()` (no options) should not compile the
/// options reader and `from_options`.
#[inline(never)]
fn engine_of_options(options: &JsValue, clock: Timestamp) -> Result<CoreEngine, JsValue> {
    engine_options(options)
        .and_then(|options| CoreEngine::from_options(&options, clock))
        .map_err(|error| to_js_error(&error))
}

/// The options of `new Engine(options)`, given. Out of line: `new Engine()`
/// takes the defaults, and V8 compiles a function only when it first runs.
#[inline(never)]
fn engine_options(options: &JsValue) -> Result<EngineOptions, Error> {
    let text = json_text(
        options,
        ErrorType::OptionsInvalid,
        "engine options must be an object",
    )?;
    EngineOptions::from_json(&text)
}

fn query_dsl_options(options: &JsValue) -> Result<QueryDslOptions, Error> {
    match optional_json(options, "query DSL options")? {
        Some(text) => QueryDslOptions::from_json(&text),
        None => Ok(QueryDslOptions::default()),
    }
}

/// Options given as an object, as JSON text; `None` when absent (undefined or null).
fn optional_json(options: &JsValue, what: &str) -> Result<Option<String>, Error> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    json_text(
        options,
        ErrorType::OptionsInvalid,
        &format!("{what} must be an object"),
    )
    .map(Some)
}

/// `{start, end, now, output}` of `engine.run`; `now` stands for `end` when `end` is absent.
fn run_options(options: &JsValue) -> Result<(ReplayOptions, OutputFormat), Error> {
    let Some(text) = optional_json(options, "run options")? else {
        return Ok((ReplayOptions::default(), OutputFormat::Objects));
    };
    let options = RunOptions::from_json(&text)?;
    let replay = ReplayOptions {
        start: options.start,
        end: options.end.or(options.now),
    };
    Ok((replay, options.output))
}

/// A replay's result; with NDJSON output, the alerts are one string of JSON lines.
fn replay_to_js(replay: &Replay, output: OutputFormat) -> Result<JsValue, JsValue> {
    let mut value = serde_json::to_value(replay).map_err(|error| plain_js_error(&error))?;
    if output == OutputFormat::Ndjson {
        value["alerts"] = Value::String(lines_of(&replay.alerts)?);
    }
    to_js(&JsSafe(&value))
}

/// The input and options of a batch method.
fn batch_arguments(input: &JsValue, options: &JsValue) -> Result<(Vec<u8>, BatchOptions), JsValue> {
    let bytes = input_bytes(input)?;
    Ok((bytes, batch_options(options)?))
}

/// A batch method's options (none: the defaults).
fn batch_options(options: &JsValue) -> Result<BatchOptions, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(BatchOptions::default());
    }
    json_text(
        options,
        ErrorType::OptionsInvalid,
        "batch options must be an object",
    )
    .and_then(|text| BatchOptions::from_json(&text))
    .map_err(|error| to_js_error(&error))
}

/// The bytes of a line carried over from the last chunk and of the next
/// chunk, as one input: copied into wasm memory once, where joining them in
/// JavaScript first copied the chunk twice.
fn joined_bytes(carried: &Uint8Array, chunk: &Uint8Array) -> Result<Vec<u8>, JsValue> {
    let carried_length = carried.length() as usize;
    let too_large = || chunk_argument_error("the bytes do not fit in wasm memory");
    let length = carried_length
        .checked_add(chunk.length() as usize)
        .ok_or_else(too_large)?;
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(length).map_err(|_| too_large())?;
    bytes.resize(length, 0);
    let (carried_bytes, chunk_bytes) = bytes.split_at_mut(carried_length);
    carried.copy_to(carried_bytes);
    chunk.copy_to(chunk_bytes);
    Ok(bytes)
}

/// `value` as a `Uint8Array` (a `Buffer` is one). `isView` reads an internal
/// slot, so a Proxy posing as bytes (whose traps would run, and may throw,
/// while the bytes are copied) is not one.
fn uint8_view(value: &JsValue) -> Option<&Uint8Array> {
    js_sys::ArrayBuffer::is_view(value)
        .then(|| value.dyn_ref::<Uint8Array>())
        .flatten()
}

/// The chunk call's bytes, or its error for anything else.
fn bytes_view(value: &JsValue) -> Result<&Uint8Array, JsValue> {
    uint8_view(value).ok_or_else(|| chunk_argument_error("the bytes must be Uint8Arrays"))
}

/// `value` as the reader's counts array: a `Float64Array` of
/// [`CHUNK_COUNTS`] numbers (`copy_from` panics on any other length).
fn chunk_counts_array(value: &JsValue) -> Result<&Float64Array, JsValue> {
    js_sys::ArrayBuffer::is_view(value)
        .then(|| value.dyn_ref::<Float64Array>())
        .flatten()
        .filter(|counts| counts.length() as usize == CHUNK_COUNTS)
        .ok_or_else(|| chunk_argument_error("counts must be a Float64Array of 12 numbers"))
}

fn chunk_argument_error(what: &str) -> JsValue {
    plain_js_error(&format_args!("__evaluateChunk: {what}"))
}

/// The items of an iterable or array-like, or an `event_invalid` error naming
/// what its iteration threw.
fn iterated(values: &JsValue) -> Result<Array, JsValue> {
    array_from(values).map_err(|thrown| {
        to_js_error(&Error::new(
            ErrorType::EventInvalid,
            "not_iterable",
            format!(
                "events must be an array or an iterable: {}",
                thrown_message(&thrown)
            ),
        ))
    })
}

/// A property of one of `runNdjson`'s inputs, or a `not_text` error naming
/// what reading it threw.
fn input_property(input: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(input, &JsValue::from_str(name)).map_err(|thrown| {
        to_js_error(&Error::new(
            ErrorType::EventInvalid,
            "not_text",
            format!(
                "reading an input's `{name}` threw: {}",
                thrown_message(&thrown)
            ),
        ))
    })
}

/// The bytes of a string (as UTF-8), a `Uint8Array` (a Node `Buffer` too) or an `ArrayBuffer`.
fn input_bytes(input: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = string_of(input) {
        return Ok(text.into_bytes());
    }
    if let Some(bytes) = uint8_view(input) {
        return Ok(bytes.to_vec());
    }
    if input.is_instance_of::<js_sys::ArrayBuffer>() {
        if let Ok(bytes) = BytesOver::new(input) {
            return Ok(bytes.unchecked_into::<Uint8Array>().to_vec());
        }
    }
    Err(to_js_error(&Error::new(
        ErrorType::EventInvalid,
        "not_text",
        "input must be a Uint8Array, an ArrayBuffer or a string",
    )))
}

/// A batch's result object: the outputs, the counts, and the invalid inputs as errors.
///
/// The counts cross as one JSON text: setting a dozen properties one by one
/// (each name decoded from wasm memory, each `Reflect.set` a slow keyed
/// store into a growing object) cost most of a short call's time.
fn batch_result<T>(
    outcome: &NdjsonOutcome<T>,
    outputs: JsValue,
    origin: Option<&str>,
) -> Result<JsValue, JsValue> {
    let result = to_js(&BatchCounts::of(outcome))?;
    set(&result, "outputs", outputs);
    let invalid: Array = invalid_errors(outcome, origin).collect();
    set(&result, "invalid", invalid.into());
    Ok(result)
}

/// How many counts [`chunk_counts`] gives.
const CHUNK_COUNTS: usize = 12;

/// A batch's counts as a stream's reader takes them (`Engine::evaluate_chunk`):
/// numbers in [`BatchCounts`]' order (`true` as 1), which `js/chunks.cjs`
/// names, crossing without being written as JSON text and parsed again.
fn chunk_counts<T>(outcome: &NdjsonOutcome<T>) -> [f64; CHUNK_COUNTS] {
    let counts = BatchCounts::of(outcome);
    [
        counts.lines,
        counts.blank,
        counts.event_lines,
        counts.invalid_lines,
        counts.empty_lines,
        counts.skipped_lines,
        counts.events,
        counts.matched,
        counts.deduplicated,
        counts.consumed,
        usize::from(counts.whole_input_needed),
        usize::from(counts.rest_of_line_skipped),
    ]
    .map(|count| count as f64)
}

/// A batch's invalid inputs, as errors.
fn invalid_errors<'o, T>(
    outcome: &'o NdjsonOutcome<T>,
    origin: Option<&'o str>,
) -> impl Iterator<Item = JsValue> + 'o {
    let invalid = outcome.invalid.iter().cloned();
    invalid.map(move |bad| invalid_to_js(bad, origin))
}

/// A batch result's properties in their order, `outputs` and `invalid` as
/// `null` placeholders that [`batch_result`] fills (so the order stays).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchCounts {
    outputs: (),
    lines: usize,
    blank: usize,
    event_lines: usize,
    invalid_lines: usize,
    empty_lines: usize,
    skipped_lines: usize,
    events: usize,
    matched: usize,
    deduplicated: usize,
    invalid: (),
    consumed: usize,
    whole_input_needed: bool,
    rest_of_line_skipped: bool,
}

impl BatchCounts {
    fn of<T>(outcome: &NdjsonOutcome<T>) -> BatchCounts {
        let framing = &outcome.framing;
        BatchCounts {
            outputs: (),
            lines: framing.lines,
            blank: framing.blank,
            event_lines: outcome.tally.with_events,
            invalid_lines: outcome.tally.invalid,
            empty_lines: outcome.tally.empty,
            skipped_lines: outcome.tally.skipped,
            events: outcome.events,
            matched: outcome.matched,
            deduplicated: outcome.deduplicated,
            invalid: (),
            consumed: framing.consumed,
            whole_input_needed: framing.whole_input_needed,
            rest_of_line_skipped: framing.rest_of_line_skipped,
        }
    }
}

/// An invalid line or document as an `Error`; its `line` is the input line
/// when the error does not point into the text itself.
fn invalid_to_js(invalid: InvalidInput, origin: Option<&str>) -> JsValue {
    let line = invalid.line;
    let error = match origin {
        Some(origin) => invalid.in_input(origin),
        None => invalid.error,
    };
    let js_error = to_js_error(&error);
    if error.line_column().is_none() {
        set(&js_error, "line", JsValue::from(line as u32));
    }
    js_error
}

/// Values as objects, or as NDJSON text.
fn values_to_js(values: &[Value], output: OutputFormat) -> Result<JsValue, JsValue> {
    match output {
        OutputFormat::Objects => alerts_to_js(values),
        OutputFormat::Ndjson => Ok(lines_of(values)?.into()),
    }
}

/// One JSON line per value, as the command line writes them.
fn lines_of<T: serde::Serialize>(values: impl IntoIterator<Item = T>) -> Result<String, JsValue> {
    let mut text = String::new();
    for value in values {
        text.push_str(&serde_json::to_string(&value).map_err(|error| plain_js_error(&error))?);
        text.push('\n');
    }
    Ok(text)
}

/// An explanation as an object, with the text the command line prints as `rendered`.
fn explanation_to_js(explanation: &Explanation) -> Result<JsValue, JsValue> {
    let object = to_js(explanation)?;
    set(&object, "rendered", explanation.render().into());
    Ok(object)
}

fn plain_js_error(error: &impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&error.to_string()).into()
}

/// Sets a property of an object this module created (which cannot fail).
fn set(object: &JsValue, name: &str, value: JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(name), &value);
}

/// The engine's fixed `now`, else the clock.
fn now_for(engine: &CoreEngine) -> Timestamp {
    engine
        .fixed_now()
        .unwrap_or_else(|| Timestamp(js_sys::Date::now() as i64))
}

/// Values as an array of objects, integers JavaScript would round as strings.
fn alerts_to_js(alerts: &[Value]) -> Result<JsValue, JsValue> {
    // Most events give nothing, and an empty array needs no JSON text.
    if alerts.is_empty() {
        return Ok(Array::new().into());
    }
    written_alerts_to_js(alerts)
}

/// Alerts through JSON text. Out of line, so that a first answer of no
/// alert (most events) does not compile the writing.
#[inline(never)]
fn written_alerts_to_js(alerts: &[Value]) -> Result<JsValue, JsValue> {
    to_js(&alerts.iter().map(JsSafe).collect::<Vec<_>>())
}

fn explain_with(engine: &CoreEngine, event: &JsValue) -> Result<JsValue, JsValue> {
    let text = event_text(event)?;
    let explanations = engine
        .explain_input_json(&text)
        .map_err(|error| to_js_error(&error))?;
    match explanations.as_slice() {
        [explanation] => explanation_to_js(explanation),
        _ => explanations
            .iter()
            .map(explanation_to_js)
            .collect::<Result<Array, JsValue>>()
            .map(JsValue::from),
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
    let json = serde_json::to_string(value).map_err(|error| plain_js_error(&error))?;
    JSON::parse(&json)
}

/// A value as JSON text: strings as they are, anything else through `JSON.stringify`.
fn json_text(value: &JsValue, error_type: ErrorType, what: &str) -> Result<String, Error> {
    if let Some(text) = string_of(value) {
        return Ok(text);
    }
    let not_serializable =
        |reason: String| Error::new(error_type, "not_serializable", format!("{what}: {reason}"));
    let json =
        JSON::stringify(value).map_err(|thrown| not_serializable(thrown_message(&thrown)))?;
    string_of(&json)
        .ok_or_else(|| not_serializable("JSON.stringify returned undefined".to_string()))
}

/// What the caller's code (a getter, a `toJSON`, a Proxy trap, an iterator)
/// threw, in words. It may have thrown anything, even an object whose
/// `message` getter throws, so nothing here may throw in turn: an exception
/// unwinding through Rust would leave the engine borrowed for good.
fn thrown_message(thrown: &JsValue) -> String {
    thrown
        .as_string()
        .or_else(|| {
            Reflect::get(thrown, &JsValue::from_str("message"))
                .ok()
                .and_then(|message| message.as_string())
        })
        .unwrap_or_else(|| "it threw something other than an Error".to_string())
}

#[wasm_bindgen]
extern "C" {
    /// `Array.from(value)`: iterating runs the caller's code, so what it
    /// throws comes back as an `Err` instead of unwinding through Rust.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = from)]
    fn array_from(value: &JsValue) -> Result<Array, JsValue>;
    /// `Uint8Array`, for a constructor whose exceptions are caught.
    #[wasm_bindgen(js_name = Uint8Array)]
    type BytesOver;
    /// `new Uint8Array(buffer)`, for a value that claims to be an
    /// `ArrayBuffer`: a Proxy of one runs the caller's traps, which may throw.
    #[wasm_bindgen(constructor, catch, js_class = "Uint8Array")]
    fn new(buffer: &JsValue) -> Result<BytesOver, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// The host's `TextEncoder` (Node, browsers and workerd all have one).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(
        this: &TextEncoder,
        source: &JsValue,
        destination: &mut [u8],
    ) -> EncodeIntoResult;
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// A JavaScript string as UTF-8, encoded by the host's `TextEncoder` straight
/// into WebAssembly memory. (wasm-bindgen's own conversion copies ASCII one
/// character at a time in JavaScript, which costs more than evaluating a
/// typical event.)
fn string_of(value: &JsValue) -> Option<String> {
    let text = value.dyn_ref::<js_sys::JsString>()?;
    // At most three UTF-8 bytes per UTF-16 unit.
    let mut bytes = vec![0u8; text.length() as usize * 3];
    let written = ENCODER.with(|encoder| encoder.encode_into(value, &mut bytes).written());
    bytes.truncate(written as usize);
    String::from_utf8(bytes).ok()
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
        set(object, name, value);
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
    let value: Value = serde_json::from_slice(text.as_bytes())
        .map_err(|error| to_js_error(&crate::input::invalid_json(&error, &text)))?;
    Ok(ingest::shape(&value, options).name().to_string())
}

#[wasm_bindgen]
impl Engine {
    /// The rules this engine runs, in the rules API's shape (what the
    /// playground shows of each rule, and can hand back as `rules`).
    #[wasm_bindgen(getter, unchecked_return_type = "object[]")]
    pub fn rules(&self) -> Result<JsValue, JsValue> {
        // Through `Value`, the one serializer alert snapshots use too: writing
        // rules as text directly was a second copy of their serializer.
        let rules = try_map(self.inner.rules(), serde_json::to_value)
            .map_err(|error| plain_js_error(&error))?;
        to_js(&rules)
    }
}
