//! The case-file format and its one `check` function, shared by the native
//! tests and the wasm tests (Node and Chromium), so every case runs wherever
//! the engine runs.
//!
//! A case file holds cases separated by `---` lines. Each case is a list of
//! `key: value` lines; a value may continue on following lines indented by two
//! spaces. Lines starting with `#` are comments. Keys:
//!
//! - `query:` the KQL query (the rest of the line), or `query-json:` the query as
//!   a JSON string (for leading or trailing spaces and control characters), or
//!   `rule: seed` for the built-in rule's query, or `rule-file: NAME.toml` for the
//!   query of a rule in `../shared/corpus/detection-rules-azure/` (native only);
//! - `ast:` the parsed query printed back as fully parenthesised KQL;
//! - `grammar: kibana7` reads the query with Kibana 7's grammar (for `ast:` and
//!   `error:`; the tree is printed back in today's syntax);
//! - `fields:` a mapping in any format `Schema::from_json` reads (complete: unlisted
//!   fields are unmapped), or `schema: builtin` (ECS + Azure integration) or
//!   `schema: dynamic` (`logs-*-*` dynamic mapping only). The default is `dynamic`,
//!   except for `rule-file:` cases, which default to `builtin`;
//! - `event:` a JSON event, and `expect: match` or `expect: no match`;
//! - `error:` `type/kind` of the error the query must raise (parsing, or
//!   compiling for `fields:`), and `rendered:` its exact caret rendering;
//! - `now:` what `now` means in date math (RFC 3339; default 2026-11-27T12:00:00Z);
//! - `input: auto` or `input: azure`: the event is a raw input (an Azure record,
//!   envelope or Graph item), normalised as Elastic's Azure integration would
//!   before matching; `expect: match` then means some document matches, and
//!   `matches:` how many do.
//!
//! Rule exception cases have `exceptions:` instead of a query: exception lists
//! and items in any shape `exception::load` reads (JSON, or NDJSON with each
//! line indented). With `exceptions_list:` (a rule's references, as JSON) only
//! the items of the named lists apply; otherwise all of them. Further keys:
//! `lists:` the value lists (`{"list id": ["value", …]}`), `loaded:` what was
//! read (`1 lists, 2 items`), `warning:` the kind of warning selecting items
//! gives, `expect: excepted` (optionally `by:` the item_id) or `expect: not
//! excepted`, `explain:` the exact rendered explanation, and `error:` with
//! `rendered:` for exceptions that do not load or compile. `now:` is the
//! execution's start, which `expire_time` is compared with.
//! - `dsl:` the query DSL Kibana builds for the query and `fields:` (JSON, compared
//!   key order and all), `legacy-dsl:` Kibana 7's, and `dsl-error:` the `type/kind`
//!   of the error Kibana raises while translating.

#[path = "dsl_eval.rs"]
mod dsl_eval;

use kql_detect::compile::CompiledQuery;
use kql_detect::dsl::{self, DataView, Form};
use kql_detect::event::JsonEvent;
use kql_detect::exception::{
    CompiledExceptions, ExceptionItem, ExceptionListReference, ExceptionSet, ValueLists,
};
use kql_detect::ingest::{self, IngestOptions, InputKind};
use kql_detect::kql;
use kql_detect::rule::azure_external_guest_user_invitation;
use kql_detect::schema::Schema;
use kql_detect::Error;

/// Every case file, embedded so that wasm tests (which have no file system) run them too.
pub const CASE_FILES: &[(&str, &str)] = &[
    (
        "parse/operators.cases",
        include_str!("../cases/parse/operators.cases"),
    ),
    (
        "parse/values.cases",
        include_str!("../cases/parse/values.cases"),
    ),
    (
        "parse/escapes.cases",
        include_str!("../cases/parse/escapes.cases"),
    ),
    (
        "parse/ranges-and-nested.cases",
        include_str!("../cases/parse/ranges-and-nested.cases"),
    ),
    (
        "parse/errors.cases",
        include_str!("../cases/parse/errors.cases"),
    ),
    (
        "parse/kibana7.cases",
        include_str!("../cases/parse/kibana7.cases"),
    ),
    (
        "eval/seed-rule.cases",
        include_str!("../cases/eval/seed-rule.cases"),
    ),
    (
        "eval/keyword.cases",
        include_str!("../cases/eval/keyword.cases"),
    ),
    (
        "eval/fields.cases",
        include_str!("../cases/eval/fields.cases"),
    ),
    (
        "eval/logic.cases",
        include_str!("../cases/eval/logic.cases"),
    ),
    (
        "eval/types.cases",
        include_str!("../cases/eval/types.cases"),
    ),
    (
        "eval/mappings.cases",
        include_str!("../cases/eval/mappings.cases"),
    ),
    (
        "eval/dates.cases",
        include_str!("../cases/eval/dates.cases"),
    ),
    ("eval/text.cases", include_str!("../cases/eval/text.cases")),
    (
        "eval/seed-rule-raw.cases",
        include_str!("../cases/eval/seed-rule-raw.cases"),
    ),
    (
        "exceptions/match.cases",
        include_str!("../cases/exceptions/match.cases"),
    ),
    (
        "exceptions/match-any.cases",
        include_str!("../cases/exceptions/match-any.cases"),
    ),
    (
        "exceptions/exists.cases",
        include_str!("../cases/exceptions/exists.cases"),
    ),
    (
        "exceptions/wildcard.cases",
        include_str!("../cases/exceptions/wildcard.cases"),
    ),
    (
        "exceptions/nested.cases",
        include_str!("../cases/exceptions/nested.cases"),
    ),
    (
        "exceptions/value-lists.cases",
        include_str!("../cases/exceptions/value-lists.cases"),
    ),
    (
        "exceptions/items.cases",
        include_str!("../cases/exceptions/items.cases"),
    ),
    (
        "exceptions/load.cases",
        include_str!("../cases/exceptions/load.cases"),
    ),
    (
        "dsl/current.cases",
        include_str!("../cases/dsl/current.cases"),
    ),
    (
        "dsl/legacy.cases",
        include_str!("../cases/dsl/legacy.cases"),
    ),
];

/// One case: where it is, and its keys in order.
pub struct Case {
    pub file: String,
    pub line: usize,
    pub entries: Vec<(String, String)>,
}

impl Case {
    fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }
}

/// Splits a case file into cases.
pub fn parse_case_file(file: &str, text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut current = Case {
        file: file.to_string(),
        line: 1,
        entries: Vec::new(),
    };
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line == "---" {
            if !current.entries.is_empty() {
                cases.push(current);
            }
            current = Case {
                file: file.to_string(),
                line: line_number + 1,
                entries: Vec::new(),
            };
        } else if line.starts_with('#') || (line.trim().is_empty() && current.entries.is_empty()) {
            continue;
        } else if let Some(continuation) = line
            .strip_prefix("  ")
            .or_else(|| line.trim().is_empty().then_some(""))
        {
            if let Some((_, value)) = current.entries.last_mut() {
                value.push('\n');
                value.push_str(continuation);
            }
        } else if let Some((key, value)) = line.split_once(':') {
            if current.entries.is_empty() {
                current.line = line_number;
            }
            current.entries.push((
                key.to_string(),
                value.strip_prefix(' ').unwrap_or(value).to_string(),
            ));
        } else {
            panic!("{file}:{line_number}: expected `key: value`, found {line:?}");
        }
    }
    if !current.entries.is_empty() {
        cases.push(current);
    }
    for case in &mut cases {
        for (_, value) in &mut case.entries {
            let trimmed = value.trim_end_matches('\n').to_string();
            *value = trimmed
                .strip_prefix('\n')
                .map(str::to_string)
                .unwrap_or(trimmed);
        }
    }
    cases
}

/// Runs one case; `Err` explains the difference.
pub fn check(case: &Case) -> Result<(), String> {
    if let Some(exceptions) = case.get("exceptions") {
        return check_exceptions(case, exceptions);
    }
    let query = if let Some(query) = case.get("query") {
        query.to_string()
    } else if let Some(json) = case.get("query-json") {
        serde_json::from_str::<String>(json).map_err(|error| format!("bad query-json: {error}"))?
    } else if case.get("rule") == Some("seed") {
        azure_external_guest_user_invitation().query
    } else if let Some(file) = case.get("rule-file") {
        corpus_rule_query(file)?
    } else {
        return Err("the case has no query".to_string());
    };
    for (label, schema) in schemas_for(case)? {
        check_with_schema(case, &query, &schema).map_err(|message| match label {
            Some(label) => format!("with the {label} schema: {message}"),
            None => message,
        })?;
    }
    Ok(())
}

/// The schemas a case runs against. The seed rule's cases run against both the
/// built-in and the dynamic schema, which must agree on them.
fn schemas_for(case: &Case) -> Result<Vec<(Option<&'static str>, Schema)>, String> {
    Ok(match (case.get("fields"), case.get("schema")) {
        (Some(fields), _) => vec![(
            None,
            Schema::from_json(fields).map_err(|error| format!("bad fields: {error}"))?,
        )],
        (None, Some("builtin")) => vec![(None, Schema::builtin())],
        (None, Some("dynamic")) => vec![(None, Schema::dynamic())],
        (None, Some(other)) => {
            return Err(format!(
                "schema must be `builtin` or `dynamic`, not {other:?}"
            ))
        }
        (None, None) if case.get("rule").is_some() => {
            vec![
                (Some("built-in"), Schema::builtin()),
                (Some("dynamic"), Schema::dynamic()),
            ]
        }
        // Elastic's rules run against the integration's mapping; other cases state theirs.
        (None, None) if case.get("rule-file").is_some() => vec![(None, Schema::builtin())],
        (None, None) => vec![(None, Schema::dynamic())],
    })
}

/// What `now` means in a case's date math unless the case says (`now:`).
const DEFAULT_NOW: &str = "2026-11-27T12:00:00Z";

fn now_of(case: &Case) -> Result<kql_detect::time::Timestamp, String> {
    let now_text = case.get("now").unwrap_or(DEFAULT_NOW);
    kql_detect::time::Timestamp::parse_rfc3339(now_text)
        .ok_or_else(|| format!("bad now: {now_text}"))
}

fn check_with_schema(case: &Case, query: &str, schema: &Schema) -> Result<(), String> {
    let now = now_of(case)?;
    let grammar = grammar_of(case)?;
    let ast = kql::parse_with(query, grammar).map_err(|error| Error::from((error, query)));
    if let (Ok(ast), Some(expected)) = (&ast, case.get("ast")) {
        check_printed(ast, expected, grammar)?;
    }
    check_dsl(case, query, schema)?;
    if case.get("event").is_none() && case.get("error").is_none() {
        // A grammar case: the query's meaning for some mapping is not its concern.
        return ast
            .map(|_| ())
            .map_err(|error| format!("unexpected error:\n{}", error.rendered()));
    }
    let compiled = ast.and_then(|ast| {
        CompiledQuery::compile(&ast, schema, now).map_err(|error| error.into_error(query))
    });
    let compiled = match (compiled, case.get("error")) {
        (Err(error), Some(expected)) => return check_error(case, &error, expected),
        (Err(error), None) => return Err(format!("unexpected error:\n{}", error.rendered())),
        (Ok(_), Some(expected)) => {
            return Err(format!("expected error {expected}, but the query compiled"))
        }
        (Ok(compiled), None) => compiled,
    };

    if let Some(event) = case.get("event") {
        let mut matching = 0;
        for document in documents(case, event)? {
            let matched = compiled.matches(&JsonEvent(&document));
            let explanation = compiled.explain(&JsonEvent(&document), query);
            if explanation.matched != matched {
                return Err(format!(
                    "the explanation says {} but evaluation says {}:\n{}",
                    explanation.matched,
                    matched,
                    explanation.render()
                ));
            }
            check_dsl_agrees(query, schema, &document, now, matched)?;
            matching += usize::from(matched);
        }
        if let Some(count) = case.get("matches") {
            if count.parse::<usize>().ok() != Some(matching) {
                return Err(format!("{matching} documents match, expected {count}"));
            }
        }
        let matched = matching > 0;
        let expected = expectation(case, "match", "no match")?;
        if matched != expected {
            return Err(format!(
                "expected {}, got {}",
                if expected { "match" } else { "no match" },
                if matched { "match" } else { "no match" }
            ));
        }
    }
    Ok(())
}

/// The documents a case's `event:` stands for: itself, or with `input:` what
/// ingest makes of it (a raw Azure record or envelope normalised).
fn documents(case: &Case, event: &str) -> Result<Vec<serde_json::Value>, String> {
    let value: serde_json::Value =
        serde_json::from_str(event).map_err(|error| format!("bad event: {error}"))?;
    let Some(input) = case.get("input") else {
        return Ok(vec![value]);
    };
    let input = InputKind::from_name(input).ok_or_else(|| format!("bad input: {input}"))?;
    let options = IngestOptions {
        input,
        keep_original: false,
    };
    ingest::ingest(value, Some(event), options)
        .into_iter()
        .map(|ingested| {
            ingested
                .map(|ingested| ingested.document)
                .map_err(|error| format!("ingest failed: {}", error.rendered()))
        })
        .collect()
}

/// Runs a rule exception case: loads the exceptions, selects the items the
/// rule's references name, compiles them, and checks the verdict on the event.
fn check_exceptions(case: &Case, text: &str) -> Result<(), String> {
    let mut set = ExceptionSet::default();
    let mut load_error = None;
    for result in kql_detect::exception::load("exceptions", text) {
        match result {
            Ok(record) => set.add(record),
            Err(error) => {
                load_error.get_or_insert(error);
            }
        }
    }
    if let Some(expected) = case.get("loaded") {
        let actual = format!("{} lists, {} items", set.lists.len(), set.items.len());
        if actual != expected {
            return Err(format!("loaded {actual}, expected {expected}"));
        }
    }
    let items = selected_items(case, &set)?;
    let lists: ValueLists = match case.get("lists") {
        Some(json) => serde_json::from_str(json).map_err(|error| format!("bad lists: {error}"))?,
        None => ValueLists::new(),
    };
    let now = now_of(case)?;
    for (label, schema) in schemas_for(case)? {
        let compiled = match load_error.clone() {
            Some(error) => Err(error),
            None => CompiledExceptions::compile(items.iter().copied(), &schema, now, &lists),
        };
        check_excepted(case, compiled, now)
            .and_then(|verdict| match verdict {
                Some((event, excepted)) => {
                    check_exception_dsl_agrees(&items, &lists, &schema, &event, now, excepted)
                }
                None => Ok(()),
            })
            .map_err(|message| match label {
                Some(label) => format!("with the {label} schema: {message}"),
                None => message,
            })?;
    }
    Ok(())
}

/// The consistency check for exceptions: the clauses Kibana adds to the
/// rule's search (`dsl::exception_clauses`, in the `must_not` that
/// `dsl::request::exception_filter` makes of them), run by the DSL evaluator
/// over the fields of an index holding the event, must match the event
/// exactly when an item excepts it.
fn check_exception_dsl_agrees(
    items: &[&ExceptionItem],
    lists: &ValueLists,
    schema: &Schema,
    event: &serde_json::Value,
    now: kql_detect::time::Timestamp,
    excepted: bool,
) -> Result<(), String> {
    let clauses = dsl::exception_clauses(items.iter().copied(), now, lists)
        .map_err(|error| format!("the items do not translate:\n{}", error.rendered()))?;
    let indexed = schema.after_indexing(event);
    let instant = kql_detect::date::Instant::from_millis(now.0);
    let must_not = dsl::request::exception_filter(&clauses);
    let verdict = match &must_not {
        Some(filter) => dsl_eval::matches(filter, &indexed, event, instant),
        // No filter at all: nothing is excluded.
        None => Ok(false),
    };
    match verdict {
        Ok(verdict) if verdict == excepted => Ok(()),
        // Elasticsearch rejects the search (a wildcard on a field that dynamic
        // mapping made a long): the rule fails and raises no alert. kql-detect
        // cannot refuse such an entry up front, since only the event decides the
        // field's type, and reads it as not matching.
        Err(_) if !excepted => Ok(()),
        verdict => Err(format!(
            "the exception filter {} but the items say {}:\n{}",
            match verdict {
                Ok(true) => "matches".to_string(),
                Ok(false) => "does not match".to_string(),
                Err(error) => format!("is rejected ({error})"),
            },
            if excepted { "excepted" } else { "not excepted" },
            must_not.as_ref().map(pretty).unwrap_or_default()
        )),
    }
}

/// All items, or with `exceptions_list:` those of the lists it names.
fn selected_items<'s>(
    case: &Case,
    set: &'s ExceptionSet,
) -> Result<Vec<&'s ExceptionItem>, String> {
    let Some(json) = case.get("exceptions_list") else {
        return Ok(set.items.iter().collect());
    };
    let references: Vec<serde_json::Value> =
        serde_json::from_str(json).map_err(|error| format!("bad exceptions_list: {error}"))?;
    let references = ExceptionListReference::from_rule(&references)
        .map_err(|error| format!("unexpected error:\n{}", error.rendered()))?;
    let (items, warnings) = set.items_for(&references);
    let kinds: Vec<&str> = warnings.iter().map(|warning| warning.kind).collect();
    let expected: Vec<&str> = case.get("warning").into_iter().collect();
    if kinds != expected {
        return Err(format!("warnings {kinds:?}, expected {expected:?}"));
    }
    Ok(items)
}

/// Checks the verdict of the compiled items on the case's event; returns the
/// event and whether it is excepted, for the consistency check.
fn check_excepted(
    case: &Case,
    compiled: Result<CompiledExceptions, Error>,
    now: kql_detect::time::Timestamp,
) -> Result<Option<(serde_json::Value, bool)>, String> {
    let compiled = match (compiled, case.get("error")) {
        (Err(error), Some(expected)) => return check_error(case, &error, expected).map(|()| None),
        (Err(error), None) => return Err(format!("unexpected error:\n{}", error.rendered())),
        (Ok(_), Some(expected)) => {
            return Err(format!(
                "expected error {expected}, but the exceptions compiled"
            ))
        }
        (Ok(compiled), None) => compiled,
    };
    let Some(event) = case.get("event") else {
        return Ok(None);
    };
    let event: serde_json::Value =
        serde_json::from_str(event).map_err(|error| format!("bad event: {error}"))?;
    let by = compiled.excepting_item(&JsonEvent(&event), now);
    let explanation = compiled.explain(&JsonEvent(&event), now);
    if explanation.excepted_by.as_ref() != by {
        return Err(format!(
            "the explanation names {:?} but evaluation {by:?}:\n{}",
            explanation.excepted_by,
            explanation.render()
        ));
    }
    let expected = expectation(case, "excepted", "not excepted")?;
    if by.is_some() != expected {
        return Err(format!(
            "expected {}, got the opposite:\n{}",
            if expected { "excepted" } else { "not excepted" },
            explanation.render()
        ));
    }
    if let Some(item_id) = case.get("by") {
        let actual = by.and_then(|item| item.item_id.as_deref());
        if actual != Some(item_id) {
            return Err(format!("excepted by {actual:?}, expected {item_id}"));
        }
    }
    if let Some(rendered) = case.get("explain") {
        if explanation.render().trim_end() != rendered {
            return Err(format!(
                "explanation differs:\n--- expected\n{rendered}\n--- got\n{}",
                explanation.render()
            ));
        }
    }
    let excepted = by.is_some();
    Ok(Some((event, excepted)))
}

/// The case's `expect:`: true for `yes`, false for `no`.
fn expectation(case: &Case, yes: &str, no: &str) -> Result<bool, String> {
    match case.get("expect") {
        Some(verdict) if verdict == yes => Ok(true),
        Some(verdict) if verdict == no => Ok(false),
        other => Err(format!("expect must be `{yes}` or `{no}`, found {other:?}")),
    }
}

/// The consistency check: the query DSL Kibana builds (for the field list of
/// an index holding the event, where templates and dynamic mapping have become
/// fields), run by the DSL evaluator, must find what the compiled query finds.
fn check_dsl_agrees(
    query: &str,
    schema: &Schema,
    event: &serde_json::Value,
    now: kql_detect::time::Timestamp,
    matched: bool,
) -> Result<(), String> {
    let indexed = schema.after_indexing(event);
    let translation = dsl::to_elasticsearch_query(query, &DataView::of(&indexed), Form::Current)
        .map_err(|error| format!("the query does not translate:\n{}", error.rendered()))?;
    let now = kql_detect::date::Instant::from_millis(now.0);
    match dsl_eval::matches(&translation.query, &indexed, event, now) {
        Ok(verdict) if verdict == matched => Ok(()),
        // A search Elasticsearch rejects finds nothing, as a clause that cannot
        // read the value finds nothing under kql-detect's dynamic mapping.
        Err(_) if !matched => Ok(()),
        verdict => Err(format!(
            "the query DSL {} but evaluate() says {}:\n{}",
            match verdict {
                Ok(true) => "matches".to_string(),
                Ok(false) => "does not match".to_string(),
                Err(error) => format!("is rejected ({error})"),
            },
            if matched { "match" } else { "no match" },
            pretty(&translation.query)
        )),
    }
}

/// The `dsl:`, `legacy-dsl:` and `dsl-error:` expectations.
fn check_dsl(case: &Case, query: &str, schema: &Schema) -> Result<(), String> {
    let data_view = DataView::of(schema);
    for (key, form) in [("dsl", Form::Current), ("legacy-dsl", Form::Legacy)] {
        let Some(expected) = case.get(key) else {
            continue;
        };
        let expected: serde_json::Value =
            serde_json::from_str(expected).map_err(|error| format!("bad {key}: {error}"))?;
        let translated = dsl::to_elasticsearch_query(query, &data_view, form)
            .map_err(|error| format!("{key}: unexpected error:\n{}", error.rendered()))?;
        let (expected, actual) = (pretty(&expected), pretty(&translated.query));
        if expected != actual {
            return Err(format!(
                "{key} differs:\n--- expected\n{expected}\n--- got\n{actual}"
            ));
        }
    }
    let translated = dsl::to_elasticsearch_query(query, &data_view, Form::Current);
    match (translated, case.get("dsl-error")) {
        (Ok(translated), Some(expected)) => Err(format!(
            "expected dsl-error {expected}, got {}",
            pretty(&translated.query)
        )),
        (Err(error), Some(expected)) => check_error(case, &error, expected),
        // Every query that parses, and that the evaluator accepts, translates.
        (Err(error), None) if case.get("error").is_none() => Err(format!(
            "the query does not translate:\n{}",
            error.rendered()
        )),
        _ => Ok(()),
    }
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Where Elastic's Azure detection rules are, when the shared corpus is present.
#[cfg(not(target_arch = "wasm32"))]
pub fn corpus_rules_directory() -> Option<std::path::PathBuf> {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/detection-rules-azure");
    directory.is_dir().then_some(directory)
}

/// The query of a corpus rule, read from its detection-rules TOML.
#[cfg(not(target_arch = "wasm32"))]
fn corpus_rule_query(file: &str) -> Result<String, String> {
    let directory = corpus_rules_directory().ok_or("the corpus is absent")?;
    let text = std::fs::read_to_string(directory.join(file))
        .map_err(|error| format!("cannot read {file}: {error}"))?;
    kql_detect::rule::load::load(file, &text)
        .into_iter()
        .next()
        .and_then(Result::ok)
        .map(|loaded| loaded.rule.query)
        .ok_or_else(|| format!("{file} does not load as a rule"))
}

#[cfg(target_arch = "wasm32")]
fn corpus_rule_query(file: &str) -> Result<String, String> {
    Err(format!(
        "rule-file cases ({file}) need the file system and run natively only"
    ))
}

/// The grammar a case reads its query with.
fn grammar_of(case: &Case) -> Result<kql::Grammar, String> {
    match case.get("grammar") {
        None | Some("current") => Ok(kql::Grammar::Current),
        Some("kibana7") => Ok(kql::Grammar::Kibana7),
        Some(other) => Err(format!(
            "grammar must be `current` or `kibana7`, not {other:?}"
        )),
    }
}

/// The tree printed back must read as expected, and (in today's grammar, the
/// one it is printed in) parse again to itself.
fn check_printed(ast: &kql::Node, expected: &str, grammar: kql::Grammar) -> Result<(), String> {
    let printed = ast.to_string();
    if printed != expected {
        return Err(format!("ast:\n  expected {expected}\n  got      {printed}"));
    }
    if grammar != kql::Grammar::Current {
        return Ok(());
    }
    match kql::parse(&printed) {
        Ok(reparsed) if reparsed.to_string() == printed => Ok(()),
        Ok(reparsed) => Err(format!("printed ast {printed} reparses as {reparsed}")),
        Err(error) => Err(format!("printed ast {printed} does not parse: {error:?}")),
    }
}

fn check_error(case: &Case, error: &Error, expected: &str) -> Result<(), String> {
    let actual = format!("{}/{}", error.error_type.tag(), error.kind);
    if actual != expected {
        return Err(format!(
            "expected error {expected}, got {actual}:\n{}",
            error.rendered()
        ));
    }
    if let Some(rendered) = case.get("rendered") {
        if error.rendered() != rendered {
            return Err(format!(
                "rendered error differs:\n--- expected\n{rendered}\n--- got\n{}",
                error.rendered()
            ));
        }
    }
    Ok(())
}

/// Runs every case of every file; the report lists each failure with its place.
pub fn run_all<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<usize, String> {
    let mut count = 0;
    let mut failures = Vec::new();
    for (file, text) in files {
        for case in parse_case_file(file, text) {
            count += 1;
            if let Err(message) = check(&case) {
                failures.push(format!("{}:{}: {message}", case.file, case.line));
            }
        }
    }
    if failures.is_empty() {
        Ok(count)
    } else {
        Err(format!(
            "{} of {count} cases failed:\n\n{}",
            failures.len(),
            failures.join("\n\n")
        ))
    }
}
