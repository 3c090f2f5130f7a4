//! The detection rules of the shared corpus, read where they are.

use std::path::{Path, PathBuf};

/// The rule files under `rules` (Elastic's Azure rules folder): top level and
/// building blocks, sorted; none when the folder is absent.
pub fn rule_files(rules: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for directory in [rules.to_path_buf(), rules.join("rules_building_block")] {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        files.extend(
            entries
                .map(|entry| entry.expect("readable corpus").path())
                .filter(|path| {
                    path.extension()
                        .is_some_and(|extension| extension == "toml")
                }),
        );
    }
    files.sort();
    files
}
