//! The lazy reader (`kql_detect::scan`) against the full parse: on every
//! event of every case file, each query must reach the same verdict on the
//! projected event as on the parsed one.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cases.rs"]
#[allow(dead_code)] // only the case-file parser is used here
mod cases;
#[path = "common/escaped.rs"]
mod escaped;
#[path = "common/rule_files.rs"]
mod rule_files;

use kql_detect::compile::CompiledQuery;
use kql_detect::event::JsonEvent;
use kql_detect::kql;
use kql_detect::limits::DEFAULT_MAX_JSON_DEPTH;
use kql_detect::scan::{outline_bytes, FieldSet, KeyWatch, Scanner};
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;

use escaped::escaped;

/// Every case file: the embedded ones and the corpus rules' ones.
fn all_case_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = cases::CASE_FILES
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/rules");
    for entry in std::fs::read_dir(rules).expect("tests/cases/rules") {
        let path = entry.expect("readable").path();
        let name = format!("rules/{}", path.file_name().unwrap().to_string_lossy());
        files.push((name, std::fs::read_to_string(&path).unwrap()));
    }
    files
}

/// The value of `key` in `case`.
fn entry(case: &cases::Case, key: &str) -> Option<String> {
    case.entries
        .iter()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.clone())
}

/// The case's query: its own, the built-in rule's, or a corpus rule's.
fn query_of(get: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(query) = get("query") {
        return Some(query);
    }
    if get("rule").as_deref() == Some("seed") {
        return Some(kql_detect::rule::azure_external_guest_user_invitation().query);
    }
    let file = get("rule-file")?;
    let directory = cases::corpus_rules_directory()?;
    let text = std::fs::read_to_string(directory.join(&file)).ok()?;
    let loaded = kql_detect::rule::load::load(&file, &text)
        .into_iter()
        .next()?
        .ok()?;
    Some(loaded.rule.query)
}

#[test]
fn projected_events_give_the_same_verdicts_as_parsed_ones() {
    let mut scanner = Scanner::default();
    let mut compared = 0;
    for (file, text) in all_case_files() {
        for case in cases::parse_case_file(&file, &text) {
            let get = |key: &str| entry(&case, key);
            let (Some(query), Some(event_text)) = (query_of(&get), get("event")) else {
                continue;
            };
            let (query, event_text) = (query.as_str(), event_text.as_str());
            if get("input").is_some() {
                continue;
            }
            let builtin = get("rule").is_some() || get("rule-file").is_some();
            let schema = match get("fields") {
                Some(fields) => Schema::from_json(&fields).unwrap(),
                None if builtin || get("schema").as_deref() == Some("builtin") => Schema::builtin(),
                None => Schema::dynamic(),
            };
            let Ok(ast) = kql::parse(query) else { continue };
            let Ok(compiled) = CompiledQuery::compile(&ast, &schema, Timestamp(1_764_244_800_000))
            else {
                continue;
            };
            let Some(fields) = FieldSet::of([&compiled]) else {
                continue;
            };
            let Ok(event) = serde_json::from_str::<serde_json::Value>(event_text) else {
                continue;
            };
            if !event.is_object() {
                continue;
            }
            let projected = scanner.scan(event_text, &fields).unwrap_or_else(|| {
                panic!("{file}:{}: the reader refused a valid event", case.line)
            });
            assert_eq!(
                compiled.matches(&projected),
                compiled.matches(&JsonEvent(&event)),
                "{file}:{}: {query} on {event_text}",
                case.line
            );
            compared += 1;
        }
    }
    assert!(compared > 500, "only {compared} cases compared");
}

/// The engine's lazy path (`evaluate_input_json`) and its full path
/// (`evaluate_input` on the parsed value) give the same alerts on every event
/// of the case files and the bundled sample, with the built-in rule and with
/// every corpus rule at once.
#[test]
fn the_engine_answers_the_same_on_both_paths() {
    use kql_detect::engine::Engine;
    let now = Timestamp(1_764_244_800_000);
    let mut engines = vec![Engine::builtin()];
    if let Some(directory) = cases::corpus_rules_directory() {
        let sources = rule_files::rule_sources(&directory);
        engines.push(Engine::from_sources(sources, &Schema::builtin(), now).unwrap());
    } else {
        eprintln!("SKIPPED: ../shared/corpus is absent, so only the built-in rule is compared");
    }
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/azure-auditlogs.ndjson"),
    )
    .unwrap();
    let mut texts: Vec<String> = sample.lines().map(str::to_string).collect();
    for (file, text) in all_case_files() {
        for case in cases::parse_case_file(&file, &text) {
            texts.extend(
                case.entries
                    .iter()
                    .filter(|(key, _)| key == "event")
                    .map(|(_, value)| value.clone()),
            );
        }
    }
    let mut compared = 0;
    for engine in &engines {
        for text in &texts {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
                continue;
            };
            let lazy = engine.evaluate_input_json(text, DEFAULT_MAX_JSON_DEPTH, now, None);
            let full = engine.evaluate_input(value, Some(text), now, None);
            assert_eq!(lazy.outputs, full.outputs, "{text}");
            assert_eq!(lazy.errors.len(), full.errors.len(), "{text}");
            compared += 1;
        }
    }
    assert!(compared > 1000, "only {compared} events compared");
}

/// Every input ingest does not pass through unchanged has a watched
/// top-level key or a string that may hold JSON text (see
/// `scan::outline_object`), or a `\u` escape the prefilter looks for, so a
/// text without them may be judged as an ECS document without being parsed:
/// checked on every raw fixture of the corpus, the bundled sample and every
/// case event.
#[test]
fn raw_inputs_are_always_told_apart_from_ecs_documents() {
    use kql_detect::ingest::{ingest, IngestOptions, NON_ECS_KEY_PREFIXES, NON_ECS_TOP_LEVEL_KEYS};
    use kql_detect::scan::{outline_object, KeyWatch};
    let watch = KeyWatch {
        keys: &NON_ECS_TOP_LEVEL_KEYS,
        prefixes: &NON_ECS_KEY_PREFIXES,
    };
    let mut texts: Vec<String> = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/azure-auditlogs.ndjson"),
    )
    .unwrap()
    .lines()
    .map(str::to_string)
    .collect();
    for (file, text) in all_case_files() {
        for case in cases::parse_case_file(&file, &text) {
            texts.extend(
                case.entries
                    .iter()
                    .filter(|(key, _)| key == "event")
                    .map(|(_, value)| value.clone()),
            );
        }
    }
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    match std::fs::read_dir(&corpus) {
        Ok(streams) => {
            for stream in streams {
                let tests = stream.unwrap().path().join("pipeline-tests");
                for entry in std::fs::read_dir(tests).into_iter().flatten() {
                    let path = entry.unwrap().path();
                    if path.extension().is_some_and(|extension| extension == "log") {
                        texts.extend(
                            std::fs::read_to_string(&path)
                                .unwrap()
                                .lines()
                                .map(str::to_string),
                        );
                    }
                }
            }
        }
        Err(_) => {
            eprintln!("SKIPPED: ../shared/corpus is absent, so its raw fixtures were not checked")
        }
    }
    let mut raw = 0;
    for text in &texts {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            continue;
        };
        let documents = ingest(value.clone(), Some(text), IngestOptions::default());
        let passed_through = matches!(documents.as_slice(), [Ok(document)] if document.document == value && document.identity.is_none());
        if passed_through {
            continue;
        }
        raw += 1;
        let outline = outline_object(text, &watch);
        assert!(
            outline.is_none_or(|outline| outline.saw_watched_key || outline.may_embed_json)
                || text.contains("\\u"),
            "a raw input looks like an ECS document: {text}"
        );
    }
    assert!(raw > 20, "only {raw} raw inputs checked");
}

/// A line no rule can match is not read, yet a malformed one is still
/// reported as invalid, whichever fast path it meets.
#[test]
fn malformed_lines_are_reported_on_every_path() {
    use kql_detect::engine::Engine;
    use kql_detect::ingest::{IngestOptions, InputKind};
    let now = Timestamp(1_764_244_800_000);
    for input in [InputKind::Auto, InputKind::Ecs] {
        let engine = Engine::builtin().with_ingest(IngestOptions {
            input,
            keep_original: false,
        });
        for text in [
            r#"{"event": broken}"#,
            r#"{"event": {"action": "Add user"}"#,
            r#"{"a": "Invite external user", "b": tru}"#,
            r#"{"a": 1} trailing"#,
        ] {
            let outcome = engine.evaluate_input_json(text, DEFAULT_MAX_JSON_DEPTH, now, None);
            assert_eq!(outcome.errors.len(), 1, "{input:?}: {text}");
            assert_eq!(outcome.documents, 0, "{input:?}: {text}");
        }
        // Each grammar fault as it is (no rule can match: the fast check
        // meets it) and after the seed rule's literal (the lazy reader does).
        for fault in GRAMMAR_FAULTS {
            let candidate = format!(r#"{{"z": "Invite external user", {}"#, &fault[1..]);
            for text in [fault, candidate.as_str()] {
                let outcome = engine.evaluate_input_json(text, DEFAULT_MAX_JSON_DEPTH, now, None);
                assert_eq!(outcome.errors.len(), 1, "{input:?}: {text}");
                assert_eq!(outcome.documents, 0, "{input:?}: {text}");
            }
        }
    }
}

/// The check of unread lines, written the plain way: recursive descent, one
/// byte at a time, as JSON's grammar (RFC 8259) reads, refusing raw control
/// characters in strings and lone surrogates as serde_json does, and
/// nesting deeper than `MAX_DEPTH`. The fast check (`scan::outline_object`)
/// must accept exactly what this accepts.
mod reference {
    const MAX_DEPTH: usize = kql_detect::scan::MAX_DEPTH;

    fn whitespace(text: &[u8], mut at: usize) -> usize {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = text.get(at) {
            at += 1;
        }
        at
    }

    pub fn well_formed_object(text: &[u8]) -> bool {
        let start = whitespace(text, 0);
        if text.get(start) != Some(&b'{') {
            return false;
        }
        value(text, start, 0).is_some_and(|end| whitespace(text, end) == text.len())
    }

    /// The end of the value starting at `at`, inside `open` containers.
    fn value(text: &[u8], at: usize, open: usize) -> Option<usize> {
        match *text.get(at)? {
            b'{' => container(text, at, open, b'}', true),
            b'[' => container(text, at, open, b']', false),
            b'"' => string(text, at),
            b'-' | b'0'..=b'9' => number(text, at),
            b't' => text[at..].starts_with(b"true").then_some(at + 4),
            b'f' => text[at..].starts_with(b"false").then_some(at + 5),
            b'n' => text[at..].starts_with(b"null").then_some(at + 4),
            _ => None,
        }
    }

    fn container(text: &[u8], at: usize, open: usize, close: u8, keyed: bool) -> Option<usize> {
        if open == MAX_DEPTH {
            return None;
        }
        let mut at = whitespace(text, at + 1);
        if text.get(at) == Some(&close) {
            return Some(at + 1);
        }
        loop {
            if keyed {
                if text.get(at) != Some(&b'"') {
                    return None;
                }
                at = whitespace(text, string(text, at)?);
                if text.get(at) != Some(&b':') {
                    return None;
                }
                at = whitespace(text, at + 1);
            }
            at = whitespace(text, value(text, at, open + 1)?);
            match *text.get(at)? {
                b',' => at = whitespace(text, at + 1),
                byte if byte == close => return Some(at + 1),
                _ => return None,
            }
        }
    }

    fn string(text: &[u8], quote: usize) -> Option<usize> {
        let mut at = quote + 1;
        loop {
            match *text.get(at)? {
                b'"' => return Some(at + 1),
                b'\\' => {
                    at += match *text.get(at + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                        b'u' => match hex4(text, at + 2)? {
                            0xD800..=0xDBFF => {
                                let low = (text.get(at + 6..at + 8)? == b"\\u")
                                    .then(|| hex4(text, at + 8))??;
                                (0xDC00..=0xDFFF).contains(&low).then_some(12)?
                            }
                            0xDC00..=0xDFFF => return None,
                            _ => 6,
                        },
                        _ => return None,
                    }
                }
                0..=0x1F => return None,
                _ => at += 1,
            }
        }
    }

    fn hex4(text: &[u8], at: usize) -> Option<u32> {
        let digits = std::str::from_utf8(text.get(at..at + 4)?).ok()?;
        digits
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit())
            .then(|| u32::from_str_radix(digits, 16).ok())?
    }

    fn number(text: &[u8], start: usize) -> Option<usize> {
        let digits = |from: usize| {
            text[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut at = start + usize::from(text[start] == b'-');
        match text.get(at)? {
            b'0' => at += 1,
            b'1'..=b'9' => at += digits(at),
            _ => return None,
        }
        if text.get(at) == Some(&b'.') {
            let fraction = digits(at + 1);
            (fraction > 0).then_some(())?;
            at += 1 + fraction;
        }
        if let Some(b'e' | b'E') = text.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = text.get(at) {
                at += 1;
            }
            let exponent = digits(at);
            (exponent > 0).then_some(())?;
            at += exponent;
        }
        Some(at)
    }
}

/// What a parse refuses between well-formed tokens and inside strings that
/// a check of brackets, quotes and escapes alone would pass: each must be
/// refused by the fast check and the lazy reader, and reported on every path.
const GRAMMAR_FAULTS: [&str; 14] = [
    r#"{"a":1 "b":2}"#,
    r#"{"a" 1}"#,
    r#"{"a":1,}"#,
    r#"{,}"#,
    r#"{"a":01}"#,
    r#"{"a":-}"#,
    r#"{"a":1.}"#,
    r#"{"a":1e+}"#,
    r#"{"a":[1,]}"#,
    r#"{"a":["b":1]}"#,
    r#"{"a":"\ud800"}"#,
    r#"{"a":"\ud800\u0041"}"#,
    "{\"a\":\"x\u{0}y\"}",
    "{\"a\":\"x\ty\"}",
];

/// serde_json's answer, as the full path reads a line: one JSON object.
fn parses_as_object(text: &str) -> bool {
    use serde::Deserialize;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    serde_json::Value::deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .is_ok_and(|value| value.is_object())
}

/// Hostile variants of real lines: every truncation, bytes replaced by the
/// characters that matter to JSON's structure and escapes, deep nesting,
/// escapes across 64-byte blocks.
fn hostile_lines() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = include_str!("../examples/azure-auditlogs.ndjson")
        .lines()
        .take(3)
        .map(|line| line.as_bytes().to_vec())
        .collect();
    seeds.push(
        br#"{"a\\": "x\\\"y\u00e9\/", "n": [-0.5e+3, 0, 12, true, false, null], "o": {}}"#.to_vec(),
    );
    seeds.push(
        br#"{"s": "\ud83d\ude00\ud800\udc00", "t": ["\u00e9"], "e": 10.25E-1, "k": {"a": [{}]}}"#
            .to_vec(),
    );
    seeds.extend(GRAMMAR_FAULTS.iter().map(|fault| fault.as_bytes().to_vec()));
    for shift in 0..70 {
        let mut line = br#"{"pad": ""#.to_vec();
        line.extend(std::iter::repeat_n(b'p', shift));
        line.extend_from_slice(br#"\\", "q\"": "\"\\\u0041\\\\", "k": ["\\"]}"#);
        seeds.push(line);
    }
    let mut lines = Vec::new();
    for depth in [126, 127, 128, 129, 200] {
        let mut deep = br#"{"d": "#.to_vec();
        deep.extend(std::iter::repeat_n(b'[', depth));
        deep.extend(std::iter::repeat_n(b']', depth));
        deep.push(b'}');
        lines.push(deep);
    }
    for seed in &seeds {
        lines.push(seed.clone());
        lines.push([b"\xEF\xBB\xBF".as_slice(), seed].concat());
        lines.push([seed.as_slice(), b"\r"].concat());
        lines.push([b" \t".as_slice(), seed, b" \r\n"].concat());
        for cut in 0..seed.len() {
            lines.push(seed[..cut].to_vec());
        }
        for at in (0..seed.len()).step_by(3) {
            for byte in [
                b'"', b'\\', b'{', b'}', b'[', b']', b'u', b'x', b'0', b' ', b'\n', 0, b',', b':',
                b'-', b'.', b'e', b'\t', 0x1F, b'd',
            ] {
                let mut mutated = seed.clone();
                mutated[at] = byte;
                lines.push(mutated);
            }
        }
    }
    lines
}

#[test]
fn the_fast_structure_check_accepts_exactly_what_the_plain_one_does() {
    use kql_detect::scan::{outline_object, KeyWatch};
    let watch = KeyWatch {
        keys: &[],
        prefixes: &[],
    };
    let (mut accepted, mut refused) = (0, 0);
    for line in hostile_lines() {
        // The fast check reads text; a line that is not UTF-8 is no `&str`.
        let Ok(text) = std::str::from_utf8(&line) else {
            continue;
        };
        let fast = outline_object(text, &watch).is_some();
        assert_eq!(fast, reference::well_formed_object(&line), "{text:?}");
        if fast {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    assert!(
        accepted > 100 && refused > 1000,
        "{accepted} accepted, {refused} refused"
    );
}

/// Whatever the fast check or the lazy reader (reading some fields, skipping
/// the rest) answers for, serde_json reads as one object: a line they pass is
/// counted as an event without being parsed.
#[test]
fn what_the_fast_paths_accept_serde_json_reads_as_an_object() {
    use kql_detect::scan::{outline_object, KeyWatch};
    let watch = KeyWatch {
        keys: &[],
        prefixes: &[],
    };
    let field_sets = [
        FieldSet::default(),
        FieldSet::default()
            .with_exact("a")
            .with_exact("n")
            .with_exact("s")
            .with_exact("azure.auditlogs.operation_name"),
    ];
    let mut scanner = Scanner::default();
    let (mut accepted, mut refused) = (0, 0);
    for line in hostile_lines() {
        let Ok(text) = std::str::from_utf8(&line) else {
            continue;
        };
        let parses = parses_as_object(text);
        let outlined = outline_object(text, &watch).is_some();
        assert!(!outlined || parses, "outlined, not parsed: {text:?}");
        for fields in &field_sets {
            let scanned = scanner.scan(text, fields).is_some();
            assert!(!scanned || parses, "read lazily, not parsed: {text:?}");
        }
        if outlined {
            accepted += 1;
        } else if !parses {
            refused += 1;
        }
    }
    assert!(
        accepted > 100 && refused > 1000,
        "{accepted} accepted, {refused} refused"
    );
    for fault in GRAMMAR_FAULTS {
        assert!(!parses_as_object(fault), "{fault:?}");
        assert!(outline_object(fault, &watch).is_none(), "{fault:?}");
        for fields in &field_sets {
            assert!(scanner.scan(fault, fields).is_none(), "{fault:?}");
        }
    }
}

/// On hostile lines the fast paths give the full path's answer.
#[test]
fn hostile_lines_get_the_full_paths_answer() {
    use kql_detect::engine::Engine;
    use kql_detect::ingest::{IngestOptions, InputKind};
    use serde::Deserialize;
    let now = Timestamp(1_764_244_800_000);
    let engines = [InputKind::Auto, InputKind::Ecs].map(|input| {
        Engine::builtin().with_ingest(IngestOptions {
            input,
            keep_original: false,
        })
    });
    let (mut parsed, mut refused) = (0, 0);
    // Every seventh: the engine's full path is slow in a debug build.
    for line in hostile_lines().into_iter().step_by(7) {
        let Ok(text) = std::str::from_utf8(&line) else {
            continue;
        };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        deserializer.disable_recursion_limit();
        let value = serde_json::Value::deserialize(&mut deserializer)
            .and_then(|value| deserializer.end().map(|()| value));
        for engine in &engines {
            let lazy = engine.evaluate_input_json(text, DEFAULT_MAX_JSON_DEPTH, now, None);
            match &value {
                Ok(value) => {
                    let full = engine.evaluate_input(value.clone(), Some(text), now, None);
                    assert_eq!(lazy, full, "{text}");
                    parsed += 1;
                }
                Err(_) => {
                    assert!(
                        !lazy.errors.is_empty() && lazy.documents == 0,
                        "a malformed line was counted as an event: {text}"
                    );
                    refused += 1;
                }
            }
        }
    }
    assert!(
        parsed > 50 && refused > 500,
        "{parsed} parsed, {refused} refused"
    );
}

/// With `input: ecs` a search hit or `_search` response is still unwrapped,
/// so the lazy path must not judge it as a document itself. Found by
/// fuzzing: a hit whose `_source` alerts raised no alert, and a hit whose
/// `_source` is not an object was counted as an event instead of reported.
#[test]
fn search_hits_are_unwrapped_on_the_lazy_path_with_ecs_input() {
    use kql_detect::engine::Engine;
    use kql_detect::ingest::{IngestOptions, InputKind};
    let now = Timestamp(1_764_244_800_000);
    let engine = Engine::from_queries(["event.outcome:success"], &Schema::builtin(), now)
        .unwrap()
        .with_ingest(IngestOptions {
            input: InputKind::Ecs,
            keep_original: false,
        });
    let success = r#"{"event":{"outcome":"success"}}"#;
    // Each input: how many documents it holds, alerts, errors.
    for (text, expected) in [
        (
            format!(r#"{{"_index":"logs","_source":{success}}}"#),
            (1, 1, 0),
        ),
        (
            format!(
                r#"{{"hits":{{"hits":[{{"_index":"a","_source":{success}}},{{"_index":"b","_source":{{}}}}]}}}}"#
            ),
            (2, 1, 0),
        ),
        (r#"{"hits":{"hits":[]}}"#.to_string(), (0, 0, 0)),
        (r#"{"_index":"logs","_source":1}"#.to_string(), (0, 0, 1)),
    ] {
        let outcome = engine.evaluate_input_json(&text, DEFAULT_MAX_JSON_DEPTH, now, None);
        let found = (
            outcome.documents,
            outcome.outputs.len(),
            outcome.errors.len(),
        );
        assert_eq!(found, expected, "{text}");
    }
}

/// The lazy path names the data stream from the event's `data_stream`
/// fields as the full path does, so a rule alerts on both or neither.
#[test]
fn data_stream_fields_scope_rules_on_both_paths() {
    use kql_detect::engine::Engine;
    let now = Timestamp(1_764_244_800_000);
    let engine = Engine::builtin();
    let invitation = r#""event":{"dataset":"azure.auditlogs","outcome":"success"},"azure":{"auditlogs":{"operation_name":"Invite external user","properties":{"target_resources":{"0":{"display_name":"guest"}}}}}"#;
    // The data_stream object, and whether the rule (on `logs-azure*`) alerts.
    for (data_stream, alerts) in [
        (
            r#"{"type":"logs","dataset":"azure.auditlogs","namespace":"default"}"#,
            true,
        ),
        (
            r#"{"type":"logs","dataset":"aws.cloudtrail","namespace":"default"}"#,
            false,
        ),
        (
            r#"{"type":"metrics","dataset":"azure.auditlogs","namespace":"x"}"#,
            false,
        ),
        (
            r#"{"type":["logs","x"],"dataset":"azure.auditlogs","namespace":"a-b"}"#,
            true,
        ),
        // Without a whole name the event is searched by every rule.
        (r#"{"type":"logs","dataset":"aws.cloudtrail"}"#, true),
        (
            r#"{"type":1,"dataset":"aws.cloudtrail","namespace":"default"}"#,
            true,
        ),
        (
            r#"{"type":null,"dataset":"aws.cloudtrail","namespace":"default"}"#,
            true,
        ),
    ] {
        let text = format!(r#"{{{invitation},"data_stream":{data_stream}}}"#);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let lazy = engine.evaluate_input_json(&text, DEFAULT_MAX_JSON_DEPTH, now, None);
        let full = engine.evaluate_input(value, Some(&text), now, None);
        assert_eq!(lazy, full, "{text}");
        assert_eq!(lazy.outputs.len(), usize::from(alerts), "{text}");
    }
}

/// The queries of every corpus rule, building blocks included.
fn corpus_queries(now: Timestamp) -> Vec<(String, CompiledQuery)> {
    let Some(directory) = cases::corpus_rules_directory() else {
        eprintln!("SKIPPED: ../shared/corpus is absent, so only case queries are checked");
        return Vec::new();
    };
    [directory.clone(), directory.join("rules_building_block")]
        .iter()
        .flat_map(|folder| std::fs::read_dir(folder).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .flat_map(|path| {
            let origin = path.display().to_string();
            kql_detect::rule::load::load(&origin, &std::fs::read_to_string(&path).unwrap())
        })
        .filter_map(Result::ok)
        .map(|loaded| {
            let compiled = loaded.rule.compile(&Schema::builtin(), now).unwrap();
            (loaded.origin, compiled)
        })
        .collect()
}

/// The ECS documents Elastic's ingest makes of the corpus's raw fixtures
/// (the Azure integration's pipeline tests), as JSON text.
fn corpus_fixture_documents() -> Vec<String> {
    use kql_detect::ingest::{ingest, IngestOptions};
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(streams) = std::fs::read_dir(&corpus) else {
        eprintln!("SKIPPED: ../shared/corpus is absent, so its raw fixtures were not used");
        return Vec::new();
    };
    let mut documents = Vec::new();
    for stream in streams {
        let tests = stream.unwrap().path().join("pipeline-tests");
        for entry in std::fs::read_dir(tests).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|extension| extension != "log") {
                continue;
            }
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                let Ok(value) = serde_json::from_str(line) else {
                    continue;
                };
                documents.extend(
                    ingest(value, Some(line), IngestOptions::default())
                        .into_iter()
                        .filter_map(Result::ok)
                        .map(|ingested| ingested.document.to_string()),
                );
            }
        }
    }
    documents
}

/// The prefilter never rejects an event a query matches: every corpus rule
/// (all 68 with the building blocks) and every case query, over every case
/// event, the bundled sample, the documents ingest makes of the corpus's raw
/// fixtures (and, for the corpus rules, the hostile lines that are JSON), as
/// written, re-serialised, and with its
/// strings hidden behind `\u` and `\/` escapes. Each query is checked with
/// a prefilter of its own literals alone, which is stricter than the
/// engine's prefilter over all rules; both as `may_match` scans a text and
/// as the engine composes it for a line the structure check reads (the
/// literals as written, then the escapes the check reports).
#[test]
fn the_prefilter_passes_every_event_its_rule_matches() {
    use kql_detect::prefilter::Prefilter;
    let now = Timestamp(1_764_244_800_000);
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/azure-auditlogs.ndjson"),
    )
    .unwrap();
    let mut events: Vec<String> = sample.lines().map(str::to_string).collect();
    let mut queries = corpus_queries(now);
    let rules = queries.len();
    for (file, text) in all_case_files() {
        for case in cases::parse_case_file(&file, &text) {
            let get = |key: &str| entry(&case, key);
            events.extend(get("event"));
            let schema = match get("fields") {
                Some(fields) => Schema::from_json(&fields).ok(),
                None => Some(Schema::builtin()),
            };
            let compiled = query_of(&get).zip(schema).and_then(|(query, schema)| {
                CompiledQuery::compile(&kql::parse(&query).ok()?, &schema, now).ok()
            });
            queries.extend(compiled.map(|compiled| (format!("{file}:{}", case.line), compiled)));
        }
    }
    events.extend(corpus_fixture_documents());
    // Hostile lines, many and alike, only with the corpus rules.
    let hostile = events.len();
    events.extend(
        hostile_lines()
            .into_iter()
            .step_by(7)
            .filter_map(|line| String::from_utf8(line).ok()),
    );
    let parsed: Vec<(usize, String, serde_json::Value)> = events
        .into_iter()
        .enumerate()
        .filter_map(|(at, text)| Some((at, serde_json::from_str(&text).ok()?, text)))
        .map(|(at, value, text)| (at, text, value))
        .collect();
    let mut matched = 0;
    for (number, (origin, query)) in queries.iter().enumerate() {
        let Some(prefilter) = Prefilter::new(vec![query.required_literals()]) else {
            continue;
        };
        for (at, text, value) in &parsed {
            if *at >= hostile && number >= rules {
                continue;
            }
            if !query.matches(&JsonEvent(value)) {
                continue;
            }
            for variant in [
                text.clone(),
                value.to_string(),
                escaped(value, true),
                escaped(value, false),
            ] {
                assert!(
                    prefilter.may_match(variant.as_bytes()),
                    "{origin} matches but its prefilter rejects {variant}"
                );
                let watch = KeyWatch {
                    keys: &[],
                    prefixes: &[],
                };
                let outline = outline_bytes(variant.as_bytes(), &watch).unwrap_or_default();
                assert!(
                    prefilter.literals_may_match(variant.as_bytes())
                        || prefilter.escapes_may_hide_literals(
                            outline.unicode_escape,
                            outline.slash_escape
                        ),
                    "{origin} matches but its literals and the check's escapes reject {variant}"
                );
            }
            matched += 1;
        }
    }
    assert!(matched > 2000, "only {matched} matches checked");
}

/// Queries against documents built to trip the lazy reader (keys that are
/// prefixes of wanted paths, dotted and nested keys mixed, escaped keys,
/// repeated keys, empty keys, arrays of objects, deep nesting): the projected
/// event reaches the parsed event's verdict on each.
#[test]
fn tricky_documents_get_the_same_verdicts() {
    let queries = [
        "a.b:1",
        "not a.b:1",
        "a:2",
        "not a:1",
        "a.b.c:*",
        "p.q:1",
        "not p.q:1",
        "p.r:3",
        "t.*.d:guest",
        "not t.*.d:guest",
        "t.*:*",
        "*.d:1",
        "azure.auditlogs.operation_name:\"Invite external user\"",
        "not azure.auditlogs.operation_name:x",
        "azure.auditlogs.properties.target_resources.*.display_name:guest",
        "key.x:v",
        "k:1 and not k:2",
        "deep.deep.deep.deep:leaf",
        "x.y:second and not x.y:third",
    ];
    let mut documents = vec![
        r#"{"a.b": 1, "a": {"b": [2, null, [3]], "b.c": "no"}, "x": [{"y": "first"}, {"y": "second"}]}"#.to_string(),
        r#"{"a": 1, "a": 2, "p": {"q": 1}, "p.q": 2, "p": {"r": 3}}"#.to_string(),
        r#"{"a": {"b": 1}, "a": {"c": 2}, "k": 1, "k": 2, "x": {"y": "second"}, "x": {"y": "third"}}"#.to_string(),
        r#"{"\u0061": {"b": 1}, "a": {"c": 2}, "k\u0065y.x": "v", "t": {"0": {"d": "guest"}, "0": {"d": "other"}}}"#.to_string(),
        r#"{"t": {"0": {"d": "guest"}, "1.d": "other"}, "t.2": {"d": 1}, "": {"a": {"b": 1}}, "u": {"": {"d": 1}}}"#.to_string(),
        r#"{"azure": {"auditlogs": {"operation": "x", "operation_name": "Invite external user", "operation_name_x": "z"}}, "azure.auditlogs.operation_nam": 3}"#.to_string(),
        r#"{"azure": {"auditlogs": {"operation_name": "x"}}, "azure.auditlogs": {"operation_name": "Invite external user"}, "azure": {}}"#.to_string(),
        r#"{"azure.auditlogs.properties": {"target_resources": [{"0": {"display_name": "guest"}}, {"1": {"display_name": ["x", "guest"]}}]}}"#.to_string(),
        r#"{"azure": {"auditlogs": {"properties": {"target_resources": {"0": {"display_name": "guest"}, "0": {"id": 1}}}}}}"#.to_string(),
    ];
    let mut deep = String::new();
    for _ in 0..(kql_detect::scan::MAX_DEPTH - 2) {
        deep.push_str("{\"deep\": ");
    }
    deep.push_str("\"leaf\"");
    deep.push_str(&"}".repeat(kql_detect::scan::MAX_DEPTH - 2));
    documents.push(deep);
    let mut scanner = Scanner::default();
    let mut compared = 0;
    for query in queries {
        let ast = kql::parse(query).unwrap();
        let compiled =
            CompiledQuery::compile(&ast, &Schema::dynamic(), Timestamp(1_764_244_800_000)).unwrap();
        let fields = FieldSet::of([&compiled]).expect("no nested query");
        for document in &documents {
            let parsed: serde_json::Value = serde_json::from_str(document).unwrap();
            let projected = scanner.scan(document, &fields).expect("accepted");
            assert_eq!(
                compiled.matches(&projected),
                compiled.matches(&JsonEvent(&parsed)),
                "{query} on {document}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, queries.len() * documents.len());
}
