//! `rule_load`: any text handed over as a rule file (detection-rules TOML,
//! rules API JSON, Kibana export NDJSON: the loader tells them apart) or as
//! an exception list loads, or fails with sound errors; nothing panics.

use kql_detect::engine::{Engine, ExceptionSource, RuleSource};
use kql_detect::exception::ValueLists;
use kql_detect::rule::load::load;
use kql_detect::schema::Schema;

use super::{check_error, text_of, NOW};

/// Runs the check on one fuzz input (the file's text).
pub fn check(data: &[u8]) {
    let text = text_of(data).into_owned();
    let schema = Schema::builtin();
    for loaded in load("fuzz.rules", &text) {
        match loaded.map(|loaded| loaded.rule.compile(&schema, NOW)) {
            Ok(Ok(_)) => {}
            Ok(Err(error)) | Err(error) => check_error(&error),
        }
    }
    let as_rules = vec![RuleSource::Text {
        origin: "fuzz.rules".to_string(),
        text: text.clone(),
    }];
    check_engine(Engine::from_sources(as_rules, &schema, NOW));
    let as_exceptions = vec![ExceptionSource {
        origin: "fuzz.exceptions".to_string(),
        text,
    }];
    let value_lists = ValueLists::new();
    // A rule for the exception items to attach to (lists no rule names apply to every rule).
    let rule = vec![RuleSource::Query("event.outcome:success".to_string())];
    check_engine(Engine::from_sources_and_exceptions(
        rule,
        as_exceptions,
        &value_lists,
        &schema,
        NOW,
    ));
}

fn check_engine(engine: Result<Engine, kql_detect::Error>) {
    match engine {
        Ok(engine) => engine.diagnostics().iter().for_each(check_error),
        Err(error) => check_error(&error),
    }
}
