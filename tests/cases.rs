//! Runs every case file under tests/cases natively.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cases.rs"]
mod cases;

use std::path::{Path, PathBuf};

#[test]
fn every_case_passes() {
    match cases::run_all(cases::CASE_FILES.iter().copied()) {
        Ok(count) => eprintln!("{count} cases passed"),
        Err(report) => panic!("{report}"),
    }
}

/// Cases for Elastic's Azure rules read each rule's query from the shared corpus,
/// so they run natively, and only where the corpus is.
#[test]
fn every_corpus_rule_case_passes() {
    if cases::corpus_rules_directory().is_none() {
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent, so tests/cases/rules/ did not run");
        return;
    }
    let files: Vec<(String, String)> = case_files_in(&cases_root().join("rules"))
        .into_iter()
        .map(|path| {
            let name = relative_name(&path);
            let text = std::fs::read_to_string(&path).expect("readable case file");
            (name, text)
        })
        .collect();
    match cases::run_all(
        files
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str())),
    ) {
        Ok(count) => eprintln!("{count} corpus rule cases passed"),
        Err(report) => panic!("{report}"),
    }
}

#[test]
fn every_case_file_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(cases_root())
        .expect("tests/cases exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|path| path.is_dir() && !path.ends_with("rules"))
        .flat_map(|directory| case_files_in(&directory))
        .map(|path| relative_name(&path))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = cases::CASE_FILES
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "add new case files to CASE_FILES in tests/common/cases.rs"
    );
}

fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

fn case_files_in(directory: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("readable file").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "cases")
        })
        .collect();
    files.sort();
    files
}

fn relative_name(path: &Path) -> String {
    path.strip_prefix(cases_root())
        .expect("under tests/cases")
        .to_string_lossy()
        .replace('\\', "/")
}
