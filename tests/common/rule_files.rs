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

/// The rule files under `rules` as the engine takes them, each named by its path.
#[allow(dead_code)] // not every test that lists the rules builds an engine of them
pub fn rule_sources(rules: &Path) -> Vec<kql_detect::engine::RuleSource> {
    rule_files(rules)
        .into_iter()
        .map(|path| kql_detect::engine::RuleSource::Text {
            origin: path.display().to_string(),
            text: std::fs::read_to_string(&path).expect("readable corpus"),
        })
        .collect()
}
