//! Runs an engine over an NDJSON file line by line, as `evaluateNdjson` does,
//! for instruction counts under callgrind (timings on a shared machine are
//! noise; instruction counts are not):
//!
//! ```text
//! cargo build --release --example profile_ndjson
//! valgrind --tool=callgrind target/release/examples/profile_ndjson target/bench-data/worst.ndjson
//! ```
//!
//! The seed rule by default; `--all` the 68 corpus rules (from
//! `../shared/corpus`); `--repeat=N` runs the file N times; `--batch` hands
//! the file over whole, as a batch (`evaluate_ndjson`: lines as bytes, the
//! path of a JavaScript stream; e.g. over `target/bench-data/mix.ndjson` for
//! the rejected-line path); `--candidates` (implying it) reads ECS input with
//! `validate: "candidates"` (lines no rule can match left unread); `--scan=seed` or
//! `--scan=engine` runs the lazy reader alone, with the seed rule's fields or
//! with those an engine adds (the wrapper fields and the watched top-level
//! keys; the data stream fields are read apart, only for a match).

#[path = "../benches/corpus_engine.rs"]
mod corpus_engine;

use corpus_engine::corpus_engine;
use kql_detect::engine::{Engine, Validation};
use kql_detect::ingest::{IngestOptions, InputKind};
use kql_detect::input::Batch;
use kql_detect::limits::{InputLimits, DEFAULT_MAX_JSON_DEPTH};
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let path = arguments
        .iter()
        .find(|argument| !argument.starts_with("--"))
        .map_or("target/bench-data/worst.ndjson", String::as_str);
    let text = std::fs::read_to_string(path).expect("the input file is readable");
    let now = Timestamp(1_764_244_800_000);
    let engine = if arguments.iter().any(|argument| argument == "--all") {
        corpus_engine(now).expect("the corpus rules load")
    } else {
        Engine::builtin()
    };
    let repeat: usize = arguments
        .iter()
        .find_map(|argument| argument.strip_prefix("--repeat="))
        .and_then(|count| count.parse().ok())
        .unwrap_or(1);
    if let Some(mode) = arguments.iter().find_map(|a| a.strip_prefix("--scan=")) {
        let seed = kql_detect::rule::azure_external_guest_user_invitation()
            .compile(&Schema::builtin(), now)
            .expect("the seed rule compiles");
        let mut fields = kql_detect::scan::FieldSet::of([&seed]).expect("no nested query");
        if mode == "engine" {
            for path in kql_detect::ingest::EMBEDDING_FIELDS {
                fields = fields.with_exact(path);
            }
            fields = fields.watching(
                &kql_detect::ingest::NON_ECS_TOP_LEVEL_KEYS,
                &kql_detect::ingest::NON_ECS_KEY_PREFIXES,
            );
        }
        let mut scanner = kql_detect::scan::Scanner::default();
        let mut read = 0;
        for _ in 0..repeat {
            for line in text.lines() {
                read += usize::from(scanner.scan(line, &fields).is_some());
            }
        }
        println!("{read} read");
        return;
    }
    let candidates = arguments.iter().any(|argument| argument == "--candidates");
    // Lines are left unread only on the batch path.
    let batch = candidates || arguments.iter().any(|argument| argument == "--batch");
    let (engine, validation) = if candidates {
        let ecs = IngestOptions {
            input: InputKind::Ecs,
            keep_original: false,
        };
        (engine.with_ingest(ecs), Validation::Candidates)
    } else {
        (engine, Validation::All)
    };
    let mut documents = 0;
    let started = std::time::Instant::now();
    for _ in 0..repeat {
        if batch {
            let batch = Batch {
                bytes: text.as_bytes(),
                first_line: 1,
                end_of_input: true,
                limits: InputLimits::default(),
            };
            documents += engine.evaluate_ndjson(batch, validation, now, None).events;
            continue;
        }
        for line in text.lines() {
            documents += engine
                .evaluate_input_json(line, DEFAULT_MAX_JSON_DEPTH, now, None)
                .documents;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{documents} documents, {:.1} MB/s",
        (text.len() * repeat) as f64 / seconds / 1e6
    );
}
