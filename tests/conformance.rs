//! Every KQL query rule of Elastic's Azure set (../shared/corpus/detection-rules-azure)
//! must parse and compile against the built-in schema, and must have a case file
//! in tests/cases/rules/ proving it fires on a positive event and not on negatives.
//! The outcome is written to tests/conformance/detection_rules.snap, which is
//! committed: a change in conformance shows up as a diff. Set UPDATE_SNAPSHOTS=1
//! to rewrite it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cases.rs"]
#[allow(dead_code)] // this test uses only the case-file parser
mod cases;
#[path = "common/rule_cases.rs"]
mod rule_cases;
#[path = "common/rule_files.rs"]
mod rule_files;

use std::path::{Path, PathBuf};

use kql_detect::compile::CompiledQuery;
use kql_detect::dsl::Form;
use kql_detect::engine::{Engine, RuleSource};
use kql_detect::event::JsonEvent;
use kql_detect::kql;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;
use serde_json::Value;

use rule_files::rule_files;

fn corpus() -> Option<PathBuf> {
    let directory =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/detection-rules-azure");
    directory.is_dir().then_some(directory)
}

fn relative(corpus: &Path, path: &Path) -> String {
    path.strip_prefix(corpus)
        .expect("inside the corpus")
        .to_string_lossy()
        .replace('\\', "/")
}

/// The rule's query, or why kql-detect cannot run it.
fn kuery(name: &str, text: &str) -> Result<String, String> {
    match kql_detect::rule::load::load(name, text).into_iter().next() {
        Some(Ok(loaded)) => Ok(loaded.rule.query),
        Some(Err(error)) => Err(format!("{}/{}", error.error_type.tag(), error.kind)),
        None => Err("no rule".to_string()),
    }
}

fn compile(query: &str, schema: &Schema) -> Result<(), String> {
    let ast = kql::parse(query).map_err(|error| format!("kql_syntax/{}", error.kind.tag()))?;
    CompiledQuery::compile(&ast, schema, kql_detect::time::Timestamp(0))
        .map(|_| ())
        .map_err(|error| format!("kql_query/{}", error.kind.tag()))
}

/// Counts `expect: match` and `expect: no match` cases in the rule's case file.
fn case_counts(rule: &str) -> (usize, usize) {
    let stem = rule
        .trim_end_matches(".toml")
        .rsplit('/')
        .next()
        .unwrap_or(rule);
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/cases/rules/{stem}.cases"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let positives = text
        .lines()
        .filter(|line| line.trim() == "expect: match")
        .count();
    let negatives = text
        .lines()
        .filter(|line| line.trim() == "expect: no match")
        .count();
    (positives, negatives)
}

#[test]
fn every_azure_rule_compiles_and_has_positive_and_negative_cases() {
    let Some(corpus) = corpus() else {
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent, so the rule corpus was not checked");
        return;
    };
    let schema = Schema::builtin();
    let files = rule_files(&corpus);
    let mut compiled = 0;
    let mut problems = Vec::new();
    for path in &files {
        let name = relative(&corpus, path);
        let text = std::fs::read_to_string(path).expect("readable rule");
        match kuery(&name, &text).and_then(|query| compile(&query, &schema)) {
            Ok(()) => compiled += 1,
            Err(reason) => problems.push(format!("- {name}: {reason}")),
        }
        let (positives, negatives) = case_counts(&name);
        if positives == 0 || negatives == 0 {
            problems.push(format!("- {name}: {positives} positive and {negatives} negative cases in tests/cases/rules/"));
        }
    }
    let total = files.len();
    let mut snapshot =
        format!(
        "# kql-detect conformance: Elastic's Azure KQL query rules against the built-in schema.\n\
         # Written by tests/conformance.rs; do not edit (UPDATE_SNAPSHOTS=1 rewrites it).\n\
         Compiled {compiled}/{total} ({:.1}%)\n",
        if total == 0 { 0.0 } else { 100.0 * compiled as f64 / total as f64 }
    );
    if problems.is_empty() {
        snapshot.push_str("Every rule has positive and negative cases.\n");
    } else {
        snapshot.push_str("Problems:\n");
        for problem in &problems {
            snapshot.push_str(problem);
            snapshot.push('\n');
        }
    }
    let snapshot_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/detection_rules.snap");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot_path, &snapshot).expect("writable snapshot");
    }
    let committed = std::fs::read_to_string(&snapshot_path).unwrap_or_default();
    assert_eq!(
        committed, snapshot,
        "conformance changed; review, then rerun with UPDATE_SNAPSHOTS=1"
    );
    assert_eq!(total, 68, "the corpus holds 68 Azure query rules");
}

/// One engine holding every rule of the corpus.
fn corpus_engine(corpus: &Path, schema: &Schema) -> Engine {
    let sources = rule_files(corpus)
        .iter()
        .map(|path| RuleSource::Text {
            origin: relative(corpus, path),
            text: std::fs::read_to_string(path).expect("readable rule"),
        })
        .collect();
    Engine::from_sources(sources, schema, Timestamp(0)).expect("the corpus loads")
}

/// Every `event:` of the rule case files.
fn rule_case_events() -> Vec<(String, Value)> {
    rule_cases::rule_case_events()
        .into_iter()
        .map(|(place, text)| {
            let event =
                serde_json::from_str(&text).unwrap_or_else(|error| panic!("{place}: {error}"));
            (place, event)
        })
        .collect()
}

/// One engine holding all 68 rules only evaluates the rules whose required
/// terms (`event.dataset:…`) the event meets; it must still find exactly the
/// rules that match when each runs alone. The share of rules evaluated goes
/// into the snapshot.
#[test]
fn one_engine_over_all_rules_agrees_with_each_rule_alone() {
    let Some(corpus) = corpus() else {
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent, so multi-rule dispatch was not checked");
        return;
    };
    let schema = Schema::builtin();
    let engine = corpus_engine(&corpus, &schema);
    let alone: Vec<CompiledQuery> = engine
        .rules()
        .map(|rule| rule.compile(&schema, Timestamp(0)).expect("compiles"))
        .collect();
    let events = rule_case_events();
    let mut evaluated = 0;
    for (place, event) in &events {
        let expected: Vec<&str> = engine
            .rules()
            .zip(&alone)
            .filter(|(_, query)| query.matches(&JsonEvent(event)))
            .map(|(rule, _)| rule.rule_id.as_str())
            .collect();
        let found: Vec<&str> = engine
            .matching_rules(event, None, Timestamp(0))
            .map(|rule| rule.rule_id.as_str())
            .collect();
        assert_eq!(found, expected, "{place}");
        evaluated += engine.candidates(event).len();
    }
    let rules = engine.rules().count();
    let summary = format!(
        "# Written by tests/conformance.rs; do not edit (UPDATE_SNAPSHOTS=1 rewrites it).\n\
         # One engine with every Azure rule, over every event of tests/cases/rules/:\n\
         # how many rules' queries actually ran per event, thanks to their required terms.\n\
         Events {}, rules {rules}, queries run {evaluated} of {} ({:.1}%)\n",
        events.len(),
        events.len() * rules,
        100.0 * evaluated as f64 / (events.len() * rules).max(1) as f64,
    );
    let snapshot_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/dispatch.snap");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot_path, &summary).expect("writable snapshot");
    }
    let committed = std::fs::read_to_string(&snapshot_path).unwrap_or_default();
    assert_eq!(
        committed, summary,
        "dispatch changed; review, then rerun with UPDATE_SNAPSHOTS=1"
    );
    assert!(
        evaluated * 4 < events.len() * rules,
        "dispatch should skip most rules"
    );
}

/// Every Azure rule becomes the search request of an execution, in today's
/// form and in Kibana 7's; the snapshot counts the queries the corpus asks of
/// Elasticsearch, and lists the field names the built-in field list lacks
/// (sent as written, as Kibana sends names its data view lacks).
#[test]
fn every_azure_rule_becomes_a_search_request() {
    let Some(corpus) = corpus() else {
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent, so the rules' query DSL was not checked");
        return;
    };
    let engine = corpus_engine(&corpus, &Schema::builtin());
    let mut snapshot = String::from(
        "# Written by tests/conformance.rs; do not edit (UPDATE_SNAPSHOTS=1 rewrites it).\n\
         # Elastic's Azure query rules as the search requests Kibana's detection engine sends,\n\
         # with the built-in mapping as the field list.\n",
    );
    for (label, form) in [
        ("current", Form::Current),
        ("legacy (Kibana 7)", Form::Legacy),
    ] {
        let searches = engine
            .search_requests(form, Timestamp(0))
            .unwrap_or_else(|error| panic!("{label}: {}", error.rendered()));
        let mut kinds = std::collections::BTreeMap::new();
        for search in &searches {
            count_query_kinds(&search.query, &mut kinds);
        }
        let kinds: Vec<String> = kinds
            .iter()
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect();
        snapshot.push_str(&format!(
            "{label}: {} of {} rules translated; queries: {}\n",
            searches.len(),
            engine.rules().count(),
            kinds.join(", ")
        ));
        if form == Form::Current {
            let mut unlisted: Vec<String> = searches
                .iter()
                .flat_map(|search| search.warnings.iter())
                .filter_map(|warning| warning.split('`').nth(1).map(str::to_string))
                .collect();
            unlisted.sort();
            unlisted.dedup();
            snapshot.push_str("Field names the built-in field list lacks:\n");
            for name in unlisted {
                snapshot.push_str(&format!("- {name}\n"));
            }
        }
    }
    let snapshot_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/dsl.snap");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot_path, &snapshot).expect("writable snapshot");
    }
    let committed = std::fs::read_to_string(&snapshot_path).unwrap_or_default();
    assert_eq!(
        committed, snapshot,
        "the rules' query DSL changed; review, then rerun with UPDATE_SNAPSHOTS=1"
    );
}

/// Counts the leaf queries (`term`, `match`, …) of a query DSL tree.
fn count_query_kinds(query: &Value, kinds: &mut std::collections::BTreeMap<String, usize>) {
    let Some(object) = query.as_object() else {
        if let Some(items) = query.as_array() {
            items.iter().for_each(|item| count_query_kinds(item, kinds));
        }
        return;
    };
    for (key, inner) in object {
        match key.as_str() {
            "bool" => ["filter", "must", "should", "must_not"]
                .iter()
                .filter_map(|clause| inner.get(clause))
                .for_each(|clauses| count_query_kinds(clauses, kinds)),
            "nested" => count_query_kinds(&inner["query"], kinds),
            leaf => *kinds.entry(leaf.to_string()).or_default() += 1,
        }
    }
}
