//! Elastic's pipeline-test fixtures for the Azure data streams
//! (`../shared/corpus/azure-*/…/pipeline-tests/`) and the one field-by-field
//! comparison of a normalized document with an expected one.
//!
//! The corpus is read where it is, never copied into the project; without it
//! the tests say `SKIPPED` and pass.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// A stream's normalizer: (record, its JSON text, keep_original) → document.
pub type Normalize = fn(&Map<String, Value>, &str, bool) -> Value;

/// The corpus folder, when it is there.
pub fn corpus() -> Option<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if directory.is_dir() {
        return Some(directory);
    }
    println!("SKIPPED: ../shared/corpus absent, so the Azure pipeline fixtures did not run");
    None
}

/// One raw record of a fixture `.log` file.
pub struct Line {
    /// `file.log:line`, for messages.
    pub place: String,
    /// The line as written: the text the pipeline test sends as `message`.
    pub text: String,
    /// The line parsed.
    pub record: Map<String, Value>,
}

/// A fixture `.log` file with its records and, when the corpus has it, the
/// documents its `-expected.json` holds.
pub struct Fixture {
    pub lines: Vec<Line>,
    pub expected: Option<Vec<Value>>,
}

/// Every fixture of one pipeline-tests folder, sorted by file name.
pub fn fixtures(folder: &Path) -> Vec<Fixture> {
    let mut logs: Vec<PathBuf> = fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", folder.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "log"))
        .collect();
    logs.sort();
    logs.iter().map(|log| read_fixture(log)).collect()
}

fn read_fixture(log: &Path) -> Fixture {
    let name = log
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let text =
        fs::read_to_string(log).unwrap_or_else(|error| panic!("cannot read {name}: {error}"));
    let lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            let place = format!("{name}:{}", index + 1);
            let record = match serde_json::from_str(line) {
                Ok(Value::Object(record)) => record,
                other => panic!("{place}: not a JSON object: {other:?}"),
            };
            Line {
                place,
                text: line.to_string(),
                record,
            }
        })
        .collect();
    let expected_path = PathBuf::from(format!("{}-expected.json", log.display()));
    let expected = expected_path.is_file().then(|| {
        let text = fs::read_to_string(&expected_path)
            .unwrap_or_else(|error| panic!("{name}-expected.json: {error}"));
        let document: Value = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{name}-expected.json: {error}"));
        document["expected"].as_array().cloned().unwrap_or_default()
    });
    Fixture { lines, expected }
}

/// When an exception leaves a field out of the comparison.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ignore {
    /// Never compared.
    Always,
    /// Compared where the expected document has it (the normalizer sets it
    /// and Elasticsearch stores it, but pipeline-test output lacks it).
    WhereExpectedLacksIt,
}

const EVERY_STREAM: &[&str] = &[];

/// The one list of fields the comparison leaves out, with the reason: what
/// Elasticsearch or the test harness adds and a normalizer cannot reproduce
/// from the record. An entry covers its dotted path and everything below it;
/// it applies to the datasets it names (all when none). Where both sides
/// have a field that no entry covers, the values must be equal.
const EXCEPTIONS: &[(&str, Ignore, &[&str], &str)] = &[
    ("source.geo", Ignore::Always, EVERY_STREAM, "GeoIP lookup of source.ip (MaxMind GeoLite2-City database)"),
    ("source.as", Ignore::Always, EVERY_STREAM, "ASN lookup of source.ip (MaxMind GeoLite2-ASN database)"),
    ("client.geo", Ignore::Always, EVERY_STREAM, "GeoIP lookup of client.ip (MaxMind database)"),
    ("client.as", Ignore::Always, EVERY_STREAM, "ASN lookup of client.ip (MaxMind database)"),
    (
        "geo",
        Ignore::Always,
        &["azure.activitylogs", "azure.platformlogs"],
        "GeoIP lookup of source.ip into `geo`, which replaces `geo.name` (from `location`) when the address resolves",
    ),
    ("user_agent.name", Ignore::Always, EVERY_STREAM, "user_agent processor: needs the uap-core regex database"),
    ("user_agent.version", Ignore::Always, EVERY_STREAM, "user_agent processor: needs the uap-core regex database"),
    ("user_agent.os", Ignore::Always, EVERY_STREAM, "user_agent processor: needs the uap-core regex database"),
    ("user_agent.device", Ignore::Always, EVERY_STREAM, "user_agent processor: needs the uap-core regex database"),
    ("event.ingested", Ignore::Always, EVERY_STREAM, "set by Elasticsearch at index time"),
    (
        "tags",
        Ignore::Always,
        EVERY_STREAM,
        "input of the pipeline-test harness (preserve_original_event), not written by the pipeline",
    ),
    ("data_stream.type", Ignore::WhereExpectedLacksIt, EVERY_STREAM, "constant_keyword of the data stream"),
    ("data_stream.dataset", Ignore::WhereExpectedLacksIt, EVERY_STREAM, "constant_keyword of the data stream"),
    ("data_stream.namespace", Ignore::WhereExpectedLacksIt, EVERY_STREAM, "constant_keyword of the data stream"),
    ("event.dataset", Ignore::WhereExpectedLacksIt, EVERY_STREAM, "constant_keyword of the data stream"),
    ("event.module", Ignore::WhereExpectedLacksIt, EVERY_STREAM, "constant_keyword of the data stream"),
];

/// Every field-level difference between an expected and a normalized
/// document of `dataset`, as readable lines.
pub fn differences(dataset: &str, expected: &Value, normalized: &Value) -> Vec<String> {
    let expected = flatten(expected);
    let normalized = flatten(normalized);
    let mut paths: Vec<&String> = expected.keys().chain(normalized.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|path| !excepted(dataset, path, &expected))
        .filter_map(|path| match (expected.get(path), normalized.get(path)) {
            (Some(want), Some(got)) if same_value(want, got) => None,
            (Some(want), Some(got)) => Some(format!("{path}: expected {want}, got {got}")),
            (Some(want), None) => Some(format!("{path}: expected {want}, missing")),
            (None, Some(got)) => Some(format!("{path}: not expected, got {got}")),
            (None, None) => None,
        })
        .collect()
}

fn excepted(dataset: &str, path: &str, expected: &BTreeMap<String, Value>) -> bool {
    EXCEPTIONS.iter().any(|(entry, ignore, datasets, _reason)| {
        let applies = datasets.is_empty() || datasets.contains(&dataset);
        applies
            && covered_by(path, entry)
            && (*ignore == Ignore::Always || !expected.keys().any(|key| covered_by(key, entry)))
    })
}

fn covered_by(path: &str, entry: &str) -> bool {
    path.strip_prefix(entry)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// Dotted path → leaf value. Keys holding a dot are bracketed, list items
/// are `[i]`, and empty objects and lists are leaves themselves.
fn flatten(value: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    flatten_into(value, String::new(), &mut out);
    out
}

fn flatten_into(value: &Value, path: String, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                let child_path = if key.contains('.') {
                    format!("{path}[{key:?}]")
                } else if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                flatten_into(child, child_path, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                flatten_into(item, format!("{path}[{index}]"), out);
            }
        }
        leaf => {
            out.insert(path, leaf.clone());
        }
    }
}

/// Numbers compare by value (the fixtures print `0.0` where Elasticsearch
/// may print `0`); everything else, the JSON type included, must be identical.
fn same_value(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(left), Value::Number(right)) => {
            let (left, right) = (left.to_string(), right.to_string());
            match (left.parse::<i128>(), right.parse::<i128>()) {
                (Ok(left), Ok(right)) => left == right,
                _ => left.parse::<f64>().ok() == right.parse::<f64>().ok(),
            }
        }
        _ => expected == actual,
    }
}
