//! Elastic's Azure query rules as one engine, for the native benchmark and
//! the profiling example (`#[path]`-included by both).

use kql_detect::engine::{Engine, RuleSource};
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;

/// Elastic's Azure query rules (top level and building blocks), when the shared corpus is present.
pub fn corpus_engine(now: Timestamp) -> Option<Engine> {
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
