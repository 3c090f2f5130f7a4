//! The NDJSON mix through `evaluate_ndjson`, for instruction counts of the
//! rejected-line path under callgrind:
//! `cargo build --release --example outline_mix && valgrind --tool=callgrind
//! target/release/examples/outline_mix [68] [ROUNDS]` (68: the Azure corpus
//! rules instead of the seed rule; needs `../shared/corpus`).

use kql_detect::engine::{Engine, RuleSource};
use kql_detect::input::Batch;
use kql_detect::limits::InputLimits;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;

fn corpus_engine(now: Timestamp) -> Option<Engine> {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/detection-rules-azure");
    let folders = [directory.clone(), directory.join("rules_building_block")];
    let sources: Vec<RuleSource> = folders
        .iter()
        .filter_map(|folder| std::fs::read_dir(folder).ok())
        .flatten()
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "toml")
        })
        .filter_map(|path| {
            Some(RuleSource::Text {
                origin: path.display().to_string(),
                text: std::fs::read_to_string(&path).ok()?,
            })
        })
        .collect();
    Engine::from_sources(sources, &Schema::builtin(), now).ok()
}

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let now = Timestamp(1_764_244_800_000);
    let engine = if arguments.iter().any(|argument| argument == "68") {
        corpus_engine(now).expect("the corpus rules load")
    } else {
        Engine::builtin()
    };
    let rounds: usize = arguments
        .iter()
        .filter_map(|argument| argument.parse().ok())
        .find(|&rounds| rounds != 68)
        .unwrap_or(3);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-data/mix.ndjson");
    let bytes = std::fs::read(path).expect("run `npm run bench` once for the bench data");
    let started = std::time::Instant::now();
    let mut events = 0;
    for _ in 0..rounds {
        let batch = Batch {
            bytes: &bytes,
            first_line: 1,
            end_of_input: true,
            limits: InputLimits::default(),
        };
        events += engine.evaluate_ndjson(batch, now, None).events;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{events} events, {:.2} GB/s",
        (bytes.len() * rounds) as f64 / seconds / 1e9
    );
}
