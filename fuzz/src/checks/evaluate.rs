//! `evaluate`: a query (the input's first line) compiled and run over an
//! event (the rest of the input), both arbitrary.
//!
//! Compiling fails only with sound errors. Evaluating never panics, and the
//! engine's lazy path (prefilter and projecting scanner, taken by
//! `evaluate_input_json`) gives exactly what its full path (`evaluate_input`
//! on the parsed event) gives: ARCHITECTURE.md's "a fast path only ever
//! answers 'no alert' for events the full path would not alert on, and never
//! hides a malformed line". Explaining never panics and agrees with the
//! evaluator on every document the event holds.

use kql_detect::compile::CompiledQuery;
use kql_detect::engine::{Engine, Mode};
use kql_detect::event::JsonEvent;
use kql_detect::ingest::{IngestOptions, InputKind};
use kql_detect::kql;
use kql_detect::limits::DEFAULT_MAX_JSON_DEPTH;
use kql_detect::schema::Schema;

use super::{check_error, first_line_and_rest, text_of, NOW};

/// Runs the check on one fuzz input: a query, a newline, then the event's text.
pub fn check(data: &[u8]) {
    let text = text_of(data);
    let (query, event) = first_line_and_rest(&text);
    let schema = Schema::builtin();
    let engine = match Engine::from_queries([query], &schema, NOW) {
        Ok(engine) => engine,
        Err(error) => return check_error(&error),
    };
    for (mode, input) in [
        (Mode::Alerts, InputKind::Auto),
        (Mode::Filter, InputKind::Ecs),
    ] {
        let ingest = IngestOptions {
            input,
            keep_original: false,
        };
        let engine = engine.clone().with_mode(mode).with_ingest(ingest);
        lazy_and_full_paths_agree(&engine, event);
        explained_as_evaluated(&engine, query, &schema, event);
    }
}

/// The lazy path against the full one, for every event serde_json reads on
/// its own (deeper ones are the limits tests' business).
fn lazy_and_full_paths_agree(engine: &Engine, event: &str) {
    let lazy = engine.evaluate_input_json(event, DEFAULT_MAX_JSON_DEPTH, NOW, None);
    lazy.errors.iter().for_each(check_error);
    let Ok(value) = serde_json::from_str(event) else {
        return;
    };
    let full = engine.evaluate_input(value, Some(event), NOW, None);
    assert_eq!(lazy, full, "the lazy and full paths disagree on {event:?}");
}

/// Every document's explanation says what the evaluator says.
fn explained_as_evaluated(engine: &Engine, query: &str, schema: &Schema, event: &str) {
    let documents = match engine.normalize_json(event) {
        Ok(documents) => documents,
        Err(error) => return check_error(&error),
    };
    let Ok(compiled) = kql::parse(query)
        .map_err(drop)
        .and_then(|tree| CompiledQuery::compile(&tree, schema, NOW).map_err(drop))
    else {
        panic!("{query:?} compiled for the engine, but not alone");
    };
    for document in &documents {
        let explanation = compiled.explain(&JsonEvent(document), query);
        assert_eq!(
            explanation.matched,
            compiled.matches(&JsonEvent(document)),
            "explain and eval disagree on {query:?} over {document}"
        );
        explanation.render();
        let explained = engine.explain(document).map(|explained| explained.matched);
        assert!(
            explained.is_ok(),
            "a document that is not an object: {document}"
        );
    }
    if let Err(error) = engine.explain_input_json(event) {
        check_error(&error);
    }
}
