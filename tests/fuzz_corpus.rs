//! Every committed fuzz corpus file (`fuzz/corpus/<target>/`) replayed
//! through the checks its fuzz target runs, so that CI runs every target's
//! corpus on the stable toolchain, without cargo-fuzz or nightly. The checks
//! themselves live in `fuzz/src/checks/`, included here by path: one copy.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/src/checks/mod.rs"]
mod checks;

use std::path::Path;

/// Runs `check` on every file of `fuzz/corpus/<target>/`, on a thread whose
/// stack fits the deepest inputs a debug build parses (about 4 KiB a level).
fn replay(target: &str, check: fn(&[u8])) {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&directory)
        .unwrap_or_else(|error| panic!("{}: {error}", directory.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", directory.display());
    let replayed = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            for file in &files {
                let data = std::fs::read(file).expect("a corpus file");
                let outcome = std::panic::catch_unwind(|| check(&data));
                assert!(outcome.is_ok(), "{} fails its check", file.display());
            }
        })
        .expect("a thread");
    assert!(replayed.join().is_ok(), "the {target} corpus replays");
}

#[test]
fn kql_parse_corpus() {
    replay("kql_parse", checks::kql_parse::check);
}

#[test]
fn rule_load_corpus() {
    replay("rule_load", checks::rule_load::check);
}

#[test]
fn evaluate_corpus() {
    replay("evaluate", checks::evaluate::check);
}

#[test]
fn normalize_corpus() {
    replay("normalize", checks::normalize::check);
}

#[test]
fn ndjson_chunks_corpus() {
    replay("ndjson_chunks", checks::ndjson_chunks::check);
}
