//! Every input line has exactly one outcome, however the input arrives: read
//! from a reader (the command line) or pushed in chunks cut anywhere (streams,
//! `evaluateNdjson`), with every limit in play.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/chunked.rs"]
mod chunked;

use chunked::{by_batches, by_reader, Reading};
use kql_detect::limits::InputLimits;

/// Inputs with every awkward thing a log holds: a byte order mark, CRLF,
/// blank lines, bad UTF-8, NUL bytes, truncated JSON, no final newline,
/// lines too long, nesting too deep, and the shapes read whole.
const INPUTS: &[&[u8]] = &[
    b"",
    b"\n\n \r\n",
    b"{\"a\":1}",
    b"\xEF\xBB\xBF{\"a\":1}\r\n{\"b\":2}\r\n",
    b"\xEF\xBB\xBF\n{\"a\":1}\n",
    b"{\"a\":\"\xff\xfe\"}\n{\"a\":\"ok\"}\n",
    b"{\"a\":\"\0\"}\n\0\n{\"a\":1}\0\n",
    b"{\"a\":\n{\"b\":2}\n{\"c\":",
    b"{\"a\":1}\n{\"long\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{\"c\":3}",
    b"{\"long\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{\"c\":3}\n",
    b"{\"long\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
    b"{\"x\":[[[[[[[[[[1]]]]]]]]]]}\n{\"y\":[[1]]}\n",
    b"[{\"a\":1},\n{\"b\":2}]\n",
    b"\n[\n  {\"a\": 1},\n  {\"b\": 2}\n]\n",
    b"[{\"a\":1} {\"b\":2}]",
    b"{\n  \"a\": 1\n}\n{\n  \"b\": 2\n}",
    b"{\n  \"a\": 1\n}\n\"b\": 2\n}\n",
    b"[\n{\"a\":1},\n{\"b\":2},\n{\"c\":3},\n{\"d\":4},\n{\"e\":5},\n{\"f\":6}\n]\n",
    b"[\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]\n{\"a\":1}\n",
    b"[[[[[[[[[[[[1]]]]]]]]]]]]\n",
    b"{\"a\":1}\r\r\n\r{\"b\":2}\n",
];

/// The defaults, and limits small enough for the inputs above to hit them.
fn limits() -> [InputLimits; 3] {
    [
        InputLimits::default(),
        InputLimits {
            max_line_bytes: 24,
            max_json_depth: 8,
            max_whole_input_bytes: 40,
        },
        InputLimits {
            max_line_bytes: 1,
            max_json_depth: 1,
            max_whole_input_bytes: 1,
        },
    ]
}

fn check_all_ways(input: &[u8], limits: InputLimits) -> Reading {
    let whole = by_batches(input, &[], limits);
    let context = format!("{:?} with {limits:?}", String::from_utf8_lossy(input));
    for capacity in [1, 2, 3, 7, 64, 8192] {
        assert_eq!(
            by_reader(input, capacity, limits),
            whole,
            "{context}, reader buffer {capacity}"
        );
    }
    for cut in 0..=input.len() {
        assert_eq!(
            by_batches(input, &[cut], limits),
            whole,
            "{context}, cut at {cut}"
        );
    }
    let every_byte: Vec<usize> = (1..input.len()).collect();
    assert_eq!(
        by_batches(input, &every_byte, limits),
        whole,
        "{context}, byte by byte"
    );
    whole
}

#[test]
fn chunks_and_readers_agree_on_every_input_and_limit() {
    for input in INPUTS {
        for limits in limits() {
            check_all_ways(input, limits);
        }
    }
}

#[test]
fn ndjson_accounts_for_every_line() {
    for input in INPUTS
        .iter()
        .filter(|input| !input.trim_ascii_start().starts_with(b"["))
    {
        let reading = check_all_ways(input, limits()[2]);
        assert!(reading.accounts_for_every_line(), "{reading:#?}");
    }
}

/// One input's documents and counts under the small limits.
fn small(input: &[u8]) -> Reading {
    check_all_ways(input, limits()[1])
}

#[test]
fn a_line_too_long_is_invalid_and_the_next_one_is_read() {
    let reading =
        small(b"{\"a\":1}\n{\"long\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{\"c\":3}");
    assert_eq!(
        reading.documents,
        [
            "1: {\"a\":1} raw=Some(\"{\\\"a\\\":1}\")",
            "2: invalid too_long: the line is longer than 24 bytes, the most a line may hold",
            "3: {\"c\":3} raw=Some(\"{\\\"c\\\":3}\")",
        ]
    );
    assert_eq!((reading.lines, reading.blank), (3, 0));
}

#[test]
fn a_first_line_too_long_decides_nothing_and_is_invalid() {
    // An array on one line longer than a line may be: it is never held whole.
    let reading =
        small(b"[\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]\n{\"a\":1}\n");
    assert_eq!(reading.documents.len(), 2);
    assert!(reading.documents[0].starts_with("1: invalid too_long"));
    assert!(reading.documents[1].starts_with("2: {\"a\":1}"));
}

#[test]
fn nesting_too_deep_is_invalid_with_the_limit_named() {
    let reading = small(b"{\"x\":[[[[[[[[1]]]]]]]]}\n{\"y\":[[1]]}\n");
    assert_eq!(
        reading.documents[0],
        "1: invalid too_deep: arrays and objects nest deeper than 8 levels, the most an event may"
    );
    assert!(reading.documents[1].starts_with("2: {\"y\":[[1]]}"));
}

#[test]
fn an_input_too_large_to_read_whole_is_read_line_by_line() {
    let reading =
        small(b"[\n{\"a\":1},\n{\"b\":2},\n{\"c\":3},\n{\"d\":4},\n{\"e\":5},\n{\"f\":6}\n]\n");
    assert_eq!(reading.lines, 8);
    assert!(reading.documents[0].starts_with("1: invalid too_large: the input opens a JSON array"));
    // Every other line is judged alone: `{"a":1},` is not a document.
    assert_eq!(reading.documents.len(), 8);
    assert!(reading.accounts_for_every_line());
    let whole = check_all_ways(b"[\n{\"a\":1},\n{\"b\":2}\n]\n", limits()[1]);
    assert_eq!(
        whole.documents.len(),
        2,
        "a small array is read whole: {whole:#?}"
    );
}

#[test]
fn bad_bytes_are_invalid_lines_not_lost_lines() {
    let reading = small(b"{\"a\":\"\xff\xfe\"}\n{\"a\":\"ok\"}\n");
    assert!(reading.documents[0].starts_with("1: invalid malformed_json"));
    let reading = small(b"{\"a\":\"\0\"}\n\0\n{\"a\":1}\0\n");
    assert_eq!(reading.documents.len(), 3);
    assert!(reading
        .documents
        .iter()
        .all(|document| document.contains("invalid")));
    let reading = small(b"{\"a\":1}\r\r\n\r{\"b\":2}\n");
    assert_eq!((reading.lines, reading.documents.len()), (2, 2));
}

/// Text after a JSON array's closing `]` is reported on its own line, with
/// that line's text under the caret, not as line 1.
#[test]
fn text_after_an_array_is_placed_on_its_own_line() {
    use kql_detect::input::{read_batch, Batch, Document};
    let input = b"[{\"a\":1}]\n{\"b\":2}\n";
    let mut invalid = Vec::new();
    read_batch(Batch::whole(input), |document| {
        if let Document::Invalid { line, error } = document {
            let place = error.line_column().map(|place| (place.line, place.column));
            invalid.push((line, place, error.rendered()));
        }
    });
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    let (line, place, rendered) = &invalid[0];
    assert_eq!((*line, *place), (2, Some((2, 1))), "{rendered}");
    assert!(rendered.contains("2 | {\"b\":2}"), "{rendered}");
}

/// What `evaluate_ndjson` gave over a whole stream: outputs, counts and
/// invalid lines, comparable across chunkings.
#[derive(Debug, Default, PartialEq)]
struct Run {
    outputs: Vec<serde_json::Value>,
    lines: usize,
    blank: usize,
    events: usize,
    matched: usize,
    invalid: Vec<(usize, String)>,
}

const NOW: kql_detect::time::Timestamp = kql_detect::time::Timestamp(1_795_000_000_000);

/// `engine.evaluate_ndjson` over `input` cut at `cuts`, as a stream feeds it.
fn evaluate_in_chunks(
    engine: &kql_detect::engine::Engine,
    input: &[u8],
    cuts: &[usize],
    max_line_bytes: usize,
) -> Run {
    let mut run = Run::default();
    let limits = InputLimits {
        max_line_bytes,
        ..InputLimits::default()
    };
    let framing = chunked::in_chunks(input, cuts, limits, |batch| {
        let outcome = engine.evaluate_ndjson(batch, kql_detect::engine::Validation::All, NOW, None);
        run.events += outcome.events;
        run.matched += outcome.matched;
        run.outputs.extend(outcome.outputs);
        let invalid = outcome.invalid.into_iter();
        run.invalid
            .extend(invalid.map(|invalid| (invalid.line, invalid.error.message)));
        outcome.framing
    });
    (run.lines, run.blank) = (framing.lines, framing.blank);
    run
}

/// The same run whole, cut at every byte, and fed one byte at a time.
fn evaluated_every_way(
    engine: &kql_detect::engine::Engine,
    input: &[u8],
    max_line_bytes: usize,
) -> Run {
    let whole = evaluate_in_chunks(engine, input, &[], max_line_bytes);
    for cut in 0..=input.len() {
        let chunked = evaluate_in_chunks(engine, input, &[cut], max_line_bytes);
        assert_eq!(chunked, whole, "cut at byte {cut}");
    }
    let every_byte: Vec<usize> = (1..input.len()).collect();
    assert_eq!(
        evaluate_in_chunks(engine, input, &every_byte, max_line_bytes),
        whole
    );
    whole
}

fn engine_of(query: &str) -> kql_detect::engine::Engine {
    let schema = kql_detect::schema::Schema::builtin();
    kql_detect::engine::Engine::from_queries([query], &schema, NOW).expect("a valid query")
}

#[test]
fn evaluated_chunks_cut_anywhere_give_the_same_outputs_as_one_batch() {
    let engine = engine_of("event.outcome:success");
    // A byte order mark, CRLF, blank lines, multi-byte characters, bad
    // UTF-8, a malformed line and no newline at the end.
    let lines: [&[u8]; 8] = [
        "\u{feff}{\"event\":{\"outcome\":\"success\"},\"user\":\"zoë\"}\r\n".as_bytes(),
        b"\r\n",
        b"{\"event\":{\"outcome\":\"failure\"}}\n",
        b"{\"bad\":\"\xff\"}\n",
        b"  \n",
        "{\"s\":\"\u{1F600}\"}\n".as_bytes(),
        b"{\"event\":{\"outcome\":\n",
        b"{\"event\":{\"outcome\":\"success\"},\"n\":2}",
    ];
    let whole = evaluated_every_way(&engine, &lines.concat(), usize::MAX);
    assert_eq!((whole.lines, whole.blank, whole.events), (8, 2, 4));
    assert_eq!(whole.matched, 2);
    let invalid: Vec<usize> = whole.invalid.iter().map(|(line, _)| *line).collect();
    assert_eq!(invalid, [4, 7]);
}

#[test]
fn evaluated_lines_too_long_are_invalid_however_they_arrive() {
    let engine = engine_of("a:1");
    let input = format!("{{\"a\":1}}\n{{\"a\":\"{}\"}}\n{{\"a\":1}}", "x".repeat(40));
    let whole = evaluated_every_way(&engine, input.as_bytes(), 20);
    assert_eq!((whole.lines, whole.events, whole.matched), (3, 2, 2));
    assert_eq!(
        whole.invalid,
        [(
            2,
            "the line is longer than 20 bytes, the most a line may hold".to_string()
        )]
    );
}

#[test]
fn the_sample_alerts_whatever_the_chunks() {
    let engine = kql_detect::engine::Engine::builtin();
    let samples = include_bytes!("../examples/azure-auditlogs.ndjson");
    let whole = evaluate_in_chunks(&engine, samples, &[], usize::MAX);
    let original_times: Vec<&str> = whole
        .outputs
        .iter()
        .map(|alert| {
            alert["kibana"]["alert"]["original_time"]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert_eq!(
        original_times,
        [
            "2026-11-26T09:02:11.418Z",
            "2026-11-26T10:40:18.250Z",
            "2026-11-26T10:52:09.661Z",
            "2026-11-26T11:05:47.332Z"
        ]
    );
    assert_eq!((whole.lines, whole.events, whole.matched), (12, 12, 4));
    let cuts: Vec<usize> = (1..samples.len()).step_by(997).collect();
    assert_eq!(
        evaluate_in_chunks(&engine, samples, &cuts, usize::MAX),
        whole
    );
}

/// A malformed line's error points at its own line of the batch, the one
/// its `line` names: each line is parsed alone, so its error is placed in
/// the input when it is reported.
#[test]
fn a_malformed_line_is_placed_at_its_line_of_the_batch() {
    use kql_detect::input::Batch;
    let engine = engine_of("event.outcome:success");
    for (input, line) in [
        (&b"{bad\n"[..], 1),
        (b"{\"a\":1}\n{\"b\":\n", 2),
        (b"{\"a\":1}\n\n{\"b\":2}\n{\"c\" 3}\n", 4),
    ] {
        let outcome = engine.evaluate_ndjson(
            Batch::whole(input),
            kql_detect::engine::Validation::All,
            NOW,
            None,
        );
        let placed: Vec<_> = outcome
            .invalid
            .iter()
            .map(|invalid| {
                let place = invalid.error.line_column().map(|place| place.line);
                (invalid.line, place)
            })
            .collect();
        assert_eq!(placed, [(line, Some(line))], "{input:?}");
    }
}
