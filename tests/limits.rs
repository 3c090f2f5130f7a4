//! Hostile queries, rules and events, natively: every limit rejects the one
//! query, rule set or line that passes it, with a message naming the limit,
//! and nothing overflows the stack or takes more than linear time.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use kql_detect::engine::{BatchOptions, Engine, ExceptionSource, Mode, RuleSource, Validation};
use kql_detect::exception::ValueLists;
use kql_detect::input::Batch;
use kql_detect::kql::{self, MAX_NESTING, MAX_QUERY_BYTES};
use kql_detect::limits::{InputLimits, DEFAULT_MAX_JSON_DEPTH, MAX_JSON_DEPTH_CEILING, MAX_RULES};
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;

const NOW: Timestamp = Timestamp(1_795_000_000_000);

/// Runs `test` on a thread with a 1 MiB stack (WebAssembly's; Rust gives
/// its threads 2 MiB), or 8 MiB in a debug build, whose frames are up to
/// four times larger. Measured in a release build: 100 levels of KQL take
/// less than 256 KiB, 512 levels of JSON less than 1 MiB.
fn on_host_stack(test: impl FnOnce() + Send + 'static) {
    let stack = if cfg!(debug_assertions) {
        8 << 20
    } else {
        1 << 20
    };
    let thread = std::thread::Builder::new().stack_size(stack).spawn(test);
    thread.expect("a thread").join().expect("the test passes");
}

fn engine(queries: &[&str]) -> Engine {
    Engine::from_queries(queries.iter().copied(), &Schema::builtin(), NOW).expect("queries compile")
}

fn query_error(query: &str) -> kql_detect::Error {
    match Engine::from_queries([query], &Schema::builtin(), NOW) {
        Ok(_) => panic!("the query is accepted"),
        Err(error) => error,
    }
}

#[test]
fn a_query_too_long_is_refused_by_name() {
    let longest = format!("a:{}", "x".repeat(MAX_QUERY_BYTES - 2));
    assert!(kql::parse(&longest).is_ok());
    let error = query_error(&format!("{longest}x"));
    assert_eq!(
        (error.error_type.tag(), error.kind),
        ("kql_syntax", "too_long")
    );
    assert_eq!(
        error.message,
        "the query is longer than 262144 bytes, the most a query may be"
    );
}

#[test]
fn a_query_nesting_too_deep_is_refused_and_the_deepest_allowed_runs() {
    on_host_stack(|| {
        let deepest = format!("{}a:1{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        let nots = format!(
            "{}a:1{}",
            "not (".repeat(MAX_NESTING / 2),
            ")".repeat(MAX_NESTING / 2)
        );
        let braces = format!(
            "{}b:1{}",
            "a:{".repeat(MAX_NESTING),
            "}".repeat(MAX_NESTING)
        );
        assert!(
            kql::parse(&braces).is_ok(),
            "{MAX_NESTING} levels of braces are allowed"
        );
        for query in [&deepest, &nots] {
            assert!(kql::parse(query).is_ok(), "{query}");
            let engine = engine(&[query]);
            let line = b"{\"a\":1,\"b\":1}\n";
            let outcome = engine.evaluate_ndjson(Batch::whole(line), Validation::All, NOW, None);
            assert_eq!((outcome.events, outcome.invalid.len()), (1, 0), "{query}");
            assert_eq!(engine.explain_ndjson(Batch::whole(line)).events, 1);
            assert!(kql_detect::engine::query_dsl(query, &Default::default()).is_ok());
        }
        let too_deep = format!("({deepest})");
        let error = query_error(&too_deep);
        assert_eq!(error.kind, "too_deep");
        assert_eq!(error.message, "the query nests more than 100 levels deep");
        let many_opens = "(".repeat(1_000_000);
        assert_eq!(query_error(&many_opens).kind, "too_long");
        assert_eq!(query_error(&many_opens[..MAX_QUERY_BYTES]).kind, "too_deep");
    });
}

#[test]
fn too_many_rules_are_refused_by_name() {
    let schema = Schema::builtin();
    let queries = vec!["a:1"; MAX_RULES + 1];
    let error = Engine::from_queries(queries.iter().copied(), &schema, NOW).expect_err("refused");
    assert_eq!(
        (error.error_type.tag(), error.kind),
        ("rule_invalid", "too_many_rules")
    );
    assert_eq!(
        error.message,
        "10001 rules were given, more than the 10000 one engine may load"
    );
}

#[test]
fn rule_files_nesting_too_deep_are_refused_before_they_are_parsed() {
    let texts = [
        format!(
            "[rule]\nquery = \"a:1\"\nx = {}1{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
        format!(
            "[rule]\nquery = \"a:1\"\n{} = 1\n",
            vec!["k"; 100_000].join(".")
        ),
        format!("[{}]\n[rule]\n", vec!["k"; 100_000].join(".")),
        format!(
            "[rule]\nx = {}1{}\n",
            "{a=".repeat(100_000),
            "}".repeat(100_000)
        ),
    ];
    for text in texts {
        let sources = vec![RuleSource::Text {
            origin: "deep.toml".to_string(),
            text,
        }];
        let error = Engine::from_sources(sources, &Schema::builtin(), NOW).expect_err("refused");
        assert_eq!(
            (error.kind, error.origin.as_deref()),
            ("too_deep", Some("deep.toml"))
        );
    }
    // JSON rules and exception lists: serde_json's own limit, an error too.
    let deep_json = format!(
        "{{\"rule_id\":\"x\",\"x\":{}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let sources = vec![RuleSource::Text {
        origin: "deep.json".to_string(),
        text: deep_json.clone(),
    }];
    assert!(Engine::from_sources(sources, &Schema::builtin(), NOW).is_err());
    let exceptions = vec![ExceptionSource {
        origin: "deep.ndjson".to_string(),
        text: deep_json,
    }];
    let built = Engine::from_sources_and_exceptions(
        vec![RuleSource::Query("a:1".to_string())],
        exceptions,
        &ValueLists::new(),
        &Schema::builtin(),
        NOW,
    );
    assert!(built.is_err());
}

#[test]
fn wildcards_stay_linear_on_long_values() {
    // Fields without `ignore_above` (ECS keywords ignore values over 1,024
    // characters): a keyword, a wildcard-type and a text field.
    let schema = Schema::from_value(&serde_json::json!({
        "k": "keyword", "w": "wildcard", "t": "text"
    }))
    .expect("a mapping");
    let stars = format!("{}b", "*a".repeat(2_000));
    let queries = [
        format!("k:{stars}"),
        format!("w:{stars}"),
        format!("t:{stars}"),
        format!("k:*{}b*", "a".repeat(2_000)),
    ];
    let sources = queries
        .iter()
        .map(|query| RuleSource::Query(query.clone()))
        .collect();
    let engine = Engine::from_sources(sources, &schema, NOW).expect("queries compile");
    // An exception's `wildcard` entry is Lucene's WildcardQuery, with `?`.
    let exception = format!(
        "{{\"list_id\":\"l\",\"item_id\":\"i\",\"entries\":[{{\"field\":\"k\",\"operator\":\"included\",\"type\":\"wildcard\",\"value\":\"{}b\"}}]}}",
        "*a?".repeat(1_000)
    );
    let with_exception = Engine::from_sources_and_exceptions(
        vec![RuleSource::Query("k:*".to_string())],
        vec![ExceptionSource {
            origin: "exceptions".to_string(),
            text: exception,
        }],
        &ValueLists::new(),
        &schema,
        NOW,
    )
    .expect("the exception compiles");
    let value = "a".repeat(1 << 20);
    let line = format!("{{\"k\":\"{value}\",\"w\":\"{value}\",\"t\":\"{value}\"}}\n");
    let started = Instant::now();
    let outcome = engine.evaluate_ndjson(Batch::whole(line.as_bytes()), Validation::All, NOW, None);
    assert_eq!((outcome.events, outcome.matched), (1, 0));
    let outcome =
        with_exception.evaluate_ndjson(Batch::whole(line.as_bytes()), Validation::All, NOW, None);
    assert_eq!(
        (outcome.events, outcome.matched),
        (1, 1),
        "the exception does not apply"
    );
    let excepted = line.replace("\",\"w\"", "b\",\"w\"");
    let outcome = with_exception.evaluate_ndjson(
        Batch::whole(excepted.as_bytes()),
        Validation::All,
        NOW,
        None,
    );
    assert_eq!(
        (outcome.events, outcome.matched),
        (1, 0),
        "the exception applies"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

/// An event matching `event.outcome:success` whose `deep` field nests `depth` levels.
fn deep_event(depth: usize) -> String {
    let inner = depth - 2;
    format!(
        "{{\"event\":{{\"outcome\":\"success\"}},\"deep\":{{\"x\":{}1{}}}}}",
        "[".repeat(inner),
        "]".repeat(inner)
    )
}

#[test]
fn the_deepest_events_allowed_pass_every_stage() {
    on_host_stack(|| {
        let mut options = BatchOptions::default();
        for depth in [DEFAULT_MAX_JSON_DEPTH, MAX_JSON_DEPTH_CEILING / 2] {
            options.max_json_depth = Some(depth);
            let line = format!("{}\n", deep_event(depth));
            let array = format!("[{}]\n", deep_event(depth - 1));
            for mode in [Mode::Alerts, Mode::Filter, Mode::Tag] {
                let engine = engine(&["event.outcome:success"]).with_mode(mode);
                for input in [&line, &array] {
                    let outcome = engine.evaluate_ndjson(
                        options.batch(input.as_bytes()),
                        Validation::All,
                        NOW,
                        None,
                    );
                    assert_eq!(outcome.invalid, [], "depth {depth}, {mode:?}");
                    assert_eq!(outcome.outputs.len(), 1);
                    serde_json::to_string(&outcome.outputs).expect("serialisable");
                    let explained = engine.explain_ndjson(options.batch(input.as_bytes()));
                    assert_eq!(explained.events, 1);
                    assert_eq!(
                        engine.ingest_ndjson(options.batch(input.as_bytes())).events,
                        1
                    );
                }
            }
        }
    });
}

#[test]
fn events_nesting_too_deep_are_invalid_and_the_next_line_is_read() {
    let engine = engine(&["event.outcome:success"]);
    let input = format!(
        "{}\n{}\n{{\"event\":{{\"outcome\":\"success\"}}}}\n",
        deep_event(DEFAULT_MAX_JSON_DEPTH + 1),
        deep_event(100_000)
    );
    let outcome =
        engine.evaluate_ndjson(Batch::whole(input.as_bytes()), Validation::All, NOW, None);
    let kinds: Vec<(usize, &str)> = outcome
        .invalid
        .iter()
        .map(|invalid| (invalid.line, invalid.error.kind))
        .collect();
    assert_eq!(kinds, [(1, "too_deep"), (2, "too_deep")]);
    assert_eq!((outcome.events, outcome.matched), (1, 1));
    assert_eq!(
        outcome.invalid[0].error.message,
        "arrays and objects nest deeper than 512 levels, the most an event may"
    );
}

#[test]
fn limits_out_of_range_are_refused() {
    for (options, message) in [
        (
            r#"{"maxJsonDepth":0}"#,
            "`maxJsonDepth` must be between 1 and 512",
        ),
        (
            r#"{"maxJsonDepth":513}"#,
            "`maxJsonDepth` must be between 1 and 512",
        ),
        (r#"{"maxLineBytes":0}"#, "`maxLineBytes` must be at least 1"),
        (
            r#"{"maxWholeInputBytes":0}"#,
            "`maxWholeInputBytes` must be at least 1",
        ),
    ] {
        let error = BatchOptions::from_json(options).expect_err(options);
        assert_eq!(
            (error.error_type.tag(), error.kind),
            ("options_invalid", "limit_out_of_range")
        );
        assert_eq!(error.message, message);
    }
    assert_eq!(
        BatchOptions::from_json("{}").and_then(|options| options.limits()),
        Ok(InputLimits::default())
    );
}

/// The engine's lazy path (prefilter, then the projecting scanner) answers
/// for lines it never parses; a lowered depth limit must still reach them.
#[test]
fn a_lowered_depth_limit_reaches_lines_the_lazy_path_would_skip() {
    let engine = engine(&["event.outcome:success"]);
    let cannot_match = r#"{"event":{"outcome":"failure"},"a":{"b":{"c":{"d":1}}}}"#;
    let options = BatchOptions {
        max_json_depth: Some(3),
        ..BatchOptions::default()
    };
    let outcome = engine.evaluate_ndjson(
        options.batch(cannot_match.as_bytes()),
        Validation::All,
        NOW,
        None,
    );
    let kinds: Vec<&str> = outcome.invalid.iter().map(|i| i.error.kind).collect();
    assert_eq!(kinds, ["too_deep"]);
    assert_eq!(outcome.events, 0);
    let outcome = engine.evaluate_ndjson(
        Batch::whole(cannot_match.as_bytes()),
        Validation::All,
        NOW,
        None,
    );
    assert_eq!((outcome.events, outcome.invalid.len()), (1, 0));
}
