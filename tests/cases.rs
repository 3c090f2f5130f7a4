//! Runs every case file under tests/cases natively.

#[path = "common/cases.rs"]
mod cases;

#[test]
fn every_case_passes() {
    match cases::run_all(cases::CASE_FILES) {
        Ok(count) => eprintln!("{count} cases passed"),
        Err(report) => panic!("{report}"),
    }
}

#[test]
fn every_case_file_is_listed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut on_disk = Vec::new();
    for directory in std::fs::read_dir(&root).expect("tests/cases exists") {
        let directory = directory.expect("readable directory").path();
        if !directory.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&directory).expect("readable directory") {
            let path = file.expect("readable file").path();
            if path
                .extension()
                .is_some_and(|extension| extension == "cases")
            {
                let relative = path.strip_prefix(&root).expect("under tests/cases");
                on_disk.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
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
