//! JSON case files: one case per `.json` file in a directory of `tests/cases/`.

use std::path::{Path, PathBuf};

/// The `.json` files of `tests/cases/<directory>`, with their names, in name order.
pub fn json_case_files(directory: &str) -> Vec<(String, serde_json::Value)> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(directory);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&directory)
        .unwrap_or_else(|error| panic!("{}: {error}", directory.display()))
        .map(|entry| entry.expect("readable directory").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).expect("readable case file");
            let case = serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("{name}: not JSON: {error}"));
            (name, case)
        })
        .collect()
}
