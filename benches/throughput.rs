//! Native throughput of kql-detect against baselines measured in the same
//! run: `cargo bench --bench throughput [-- --quick]`.
//!
//! Baselines: parsing each line into a `serde_json::Value` (what a host that
//! parses every event pays) and counting lines with `memchr` (the physical
//! limit of reading the bytes at all). Results are ratios to those, plus
//! bytes/s and events/s.

#[path = "corpus_engine.rs"]
mod corpus_engine;
#[path = "data.rs"]
mod data;

use std::hint::black_box;
use std::time::{Duration, Instant};

use corpus_engine::corpus_engine;
use kql_detect::engine::{Engine, Validation};
use kql_detect::ingest::{IngestOptions, InputKind};
use kql_detect::input::Batch;
use kql_detect::limits::DEFAULT_MAX_JSON_DEPTH;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;

/// Runs `work` repeatedly for about `budget` and returns the best seconds per run.
fn best_seconds(budget: Duration, mut work: impl FnMut()) -> f64 {
    let started = Instant::now();
    let mut best = f64::INFINITY;
    while started.elapsed() < budget || best.is_infinite() {
        let run = Instant::now();
        work();
        best = best.min(run.elapsed().as_secs_f64());
    }
    best
}

struct Measured {
    name: &'static str,
    seconds: f64,
}

fn report(label: &str, bytes: usize, events: usize, runs: &[Measured], baseline: f64, scan: f64) {
    println!("\n{label}: {events} events, {:.1} MB", bytes as f64 / 1e6);
    for run in runs {
        println!(
            "  {:<44} {:>9.1} MB/s {:>9.0} k events/s  {:>6.2}x parse  {:>6.3}x line scan",
            run.name,
            bytes as f64 / run.seconds / 1e6,
            events as f64 / run.seconds / 1e3,
            baseline / run.seconds,
            scan / run.seconds,
        );
    }
}

fn main() {
    let quick = std::env::args().any(|argument| argument == "--quick");
    let budget = Duration::from_millis(if quick { 300 } else { 2000 });
    let lines = if quick { 5_000 } else { 20_000 };
    let now = Timestamp(1_764_244_800_000);
    let builtin = Engine::builtin();
    let all_rules = corpus_engine(now);
    for (label, text) in [("mix", data::mix(lines)), ("worst", data::worst(lines))] {
        let events: Vec<&str> = text.lines().collect();
        let bytes = text.len();
        let parse = best_seconds(budget, || {
            for line in &events {
                black_box(serde_json::from_str::<serde_json::Value>(line).ok());
            }
        });
        let scan = best_seconds(budget, || {
            black_box(memchr::memchr_iter(b'\n', text.as_bytes()).count());
        });
        let mut runs = vec![
            Measured {
                name: "serde_json::Value parse (baseline)",
                seconds: parse,
            },
            Measured {
                name: "line scan (memchr)",
                seconds: scan,
            },
        ];
        let seed_fields = kql_detect::scan::FieldSet::of([
            &kql_detect::rule::azure_external_guest_user_invitation()
                .compile(&Schema::builtin(), now)
                .expect("the seed rule compiles"),
        ])
        .expect("no nested query");
        let mut scanner = kql_detect::scan::Scanner::default();
        runs.push(Measured {
            name: "lazy read only (seed rule's fields)",
            seconds: best_seconds(budget, || {
                for line in &events {
                    black_box(scanner.scan(line, &seed_fields).is_some());
                }
            }),
        });
        let literals = kql_detect::rule::azure_external_guest_user_invitation()
            .compile(&Schema::builtin(), now)
            .expect("the seed rule compiles")
            .required_literals();
        let prefilter = kql_detect::prefilter::Prefilter::new(vec![literals])
            .expect("the seed rule has a requirement");
        let candidates = events
            .iter()
            .filter(|line| prefilter.may_match(line.as_bytes()))
            .count();
        println!(
            "  (prefilter: {candidates} of {} lines are candidates)",
            events.len()
        );
        runs.push(Measured {
            name: "prefilter only, seed rule",
            seconds: best_seconds(budget, || {
                for line in &events {
                    black_box(prefilter.may_match(line.as_bytes()));
                }
            }),
        });
        let watch = kql_detect::scan::KeyWatch {
            keys: &kql_detect::ingest::NON_ECS_TOP_LEVEL_KEYS,
            prefixes: &kql_detect::ingest::NON_ECS_KEY_PREFIXES,
        };
        runs.push(Measured {
            name: "structure check of unread lines",
            seconds: best_seconds(budget, || {
                for line in &events {
                    black_box(kql_detect::scan::outline_object(line, &watch));
                }
            }),
        });
        let evaluate = |engine: &Engine| {
            best_seconds(budget, || {
                for line in &events {
                    black_box(engine.evaluate_input_json(line, DEFAULT_MAX_JSON_DEPTH, now, None));
                }
            })
        };
        runs.push(Measured {
            name: "evaluate_input_json, seed rule",
            seconds: evaluate(&builtin),
        });
        if let Some(engine) = &all_rules {
            runs.push(Measured {
                name: "evaluate_input_json, 68 rules",
                seconds: evaluate(engine),
            });
        }
        // The batch path, as `evaluateNdjson` runs it: framing included, and
        // with `validate: "candidates"` (ECS input) lines no rule can match
        // left unread.
        let batch = |engine: &Engine, validation: Validation| {
            best_seconds(budget, || {
                let batch = Batch::whole(text.as_bytes());
                black_box(engine.evaluate_ndjson(batch, validation, now, None).events);
            })
        };
        let ecs = |engine: &Engine| {
            engine.clone().with_ingest(IngestOptions {
                input: InputKind::Ecs,
                keep_original: false,
            })
        };
        runs.push(Measured {
            name: "evaluate_ndjson, seed rule",
            seconds: batch(&builtin, Validation::All),
        });
        runs.push(Measured {
            name: "evaluate_ndjson, seed rule, ecs",
            seconds: batch(&ecs(&builtin), Validation::All),
        });
        runs.push(Measured {
            name: "evaluate_ndjson, seed rule, ecs, candidates",
            seconds: batch(&ecs(&builtin), Validation::Candidates),
        });
        if let Some(engine) = &all_rules {
            runs.push(Measured {
                name: "evaluate_ndjson, 68 rules, ecs, candidates",
                seconds: batch(&ecs(engine), Validation::Candidates),
            });
        }
        report(label, bytes, events.len(), &runs, parse, scan);
    }
    if all_rules.is_none() {
        println!("\nSKIPPED: ../shared/corpus is absent, so the 68-rule runs were not measured");
    }
}
