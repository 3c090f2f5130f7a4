//! The events of the rule case files, for tests that run every rule's
//! samples (the test must also declare `mod cases`).

/// Every `event:` of the rule case files (tests/cases/rules/), as written,
/// with its place (`file:line`), in file order.
pub fn rule_case_events() -> Vec<(String, String)> {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/rules");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(directory)
        .expect("tests/cases/rules exists")
        .map(|entry| entry.expect("readable directory").path())
        .collect();
    files.sort();
    let mut events = Vec::new();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&file).expect("readable case file");
        for case in crate::cases::parse_case_file(&name, &text) {
            for (key, value) in case.entries {
                if key == "event" {
                    events.push((format!("{name}:{}", case.line), value));
                }
            }
        }
    }
    events
}
