//! Every KQL query rule of Elastic's Azure set (../shared/corpus/detection-rules-azure)
//! must parse and compile against the built-in schema, and must have a case file
//! in tests/cases/rules/ proving it fires on a positive event and not on negatives.
//! The outcome is written to tests/conformance/detection_rules.snap, which is
//! committed: a change in conformance shows up as a diff. Set UPDATE_SNAPSHOTS=1
//! to rewrite it.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use kql_detect::compile::CompiledQuery;
use kql_detect::kql;
use kql_detect::schema::Schema;

fn corpus() -> Option<PathBuf> {
    let directory =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/detection-rules-azure");
    directory.is_dir().then_some(directory)
}

/// The rule files: top level and building blocks, not the guest-invite history.
fn rule_files(corpus: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for directory in [corpus.to_path_buf(), corpus.join("rules_building_block")] {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        files.extend(
            entries
                .map(|entry| entry.expect("readable corpus").path())
                .filter(|path| {
                    path.extension()
                        .is_some_and(|extension| extension == "toml")
                }),
        );
    }
    files.sort();
    files
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
