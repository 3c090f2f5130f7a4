//! `kql-detect test [PATH...]`: every rule against its sample events.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use kql_detect::engine::{Engine, RuleSource};
use kql_detect::ingest::{self, IngestOptions};
use kql_detect::input::{Document, DocumentReader};
use kql_detect::rule_tests::{self, RuleTestResult, Sample};
use kql_detect::time::Timestamp;
use kql_detect::Error;

use crate::setup;

/// Arguments of `test`.
#[derive(Args, Debug)]
pub struct TestArguments {
    /// Rule files, or directories searched recursively; default: the current directory.
    paths: Vec<PathBuf>,

    /// Where the samples are, when not next to the rule files: NAME.positive.ndjson
    /// and NAME.negative.ndjson for the rule file NAME.toml.
    #[arg(long, value_name = "DIR")]
    samples: Option<PathBuf>,

    /// Report format.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: ReportFormat,

    /// Fail rules that have no samples, instead of skipping them.
    #[arg(long)]
    require_samples: bool,

    /// The mapping to use instead of the built-in one (see the main command).
    #[arg(long, value_name = "FILE")]
    field_types: Option<PathBuf>,

    /// A mapping to add to the built-in one, or to --field-types.
    #[arg(long, value_name = "FILE")]
    extra_field_types: Option<PathBuf>,
}

/// `--format`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Junit,
}

/// Runs `test`: exit 0 when every rule passed, 1 when one failed, 2 on bad usage.
pub fn run(arguments: &TestArguments) -> ExitCode {
    match test(arguments) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("{}", error.rendered());
            ExitCode::from(2)
        }
    }
}

/// Tests every rule file and prints the report; true when all passed.
fn test(arguments: &TestArguments) -> Result<bool, Error> {
    let schema = setup::schema(&arguments.field_types, &arguments.extra_field_types)?;
    let paths = if arguments.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        arguments.paths.clone()
    };
    let mut results = Vec::new();
    let mut unloadable = 0;
    for source in setup::rule_files(&paths)? {
        let RuleSource::Text { origin, .. } = &source else {
            continue;
        };
        let origin = origin.clone();
        let engine = match Engine::from_sources(vec![source], &schema, Timestamp(0)) {
            Ok(engine) => engine,
            Err(error) => {
                eprintln!("{}", error.rendered());
                unloadable += 1;
                continue;
            }
        };
        for diagnostic in engine.diagnostics() {
            eprintln!(
                "{}",
                diagnostic.rendered().replacen("error:", "warning:", 1)
            );
        }
        let samples = samples_for(Path::new(&origin), arguments.samples.as_deref());
        results.extend(rule_tests::test_rule_file(&origin, &engine, &samples));
    }
    if arguments.require_samples {
        for result in &mut results {
            if result.status == "no_samples" {
                result.status = "failed";
            }
        }
    }
    print_report(&results, arguments.format);
    Ok(unloadable == 0 && results.iter().all(|result| result.status != "failed"))
}

fn print_report(results: &[RuleTestResult], format: ReportFormat) {
    match format {
        ReportFormat::Text => print!("{}", rule_tests::render_text(results)),
        ReportFormat::Json => println!("{}", rule_tests::render_json(results)),
        ReportFormat::Junit => print!("{}", rule_tests::render_junit(results)),
    }
}

/// The samples of the rule file at `rule_file`: `NAME.positive.*` and
/// `NAME.negative.*` (`.ndjson` or `.json`) in `directory`, or beside it.
fn samples_for(rule_file: &Path, directory: Option<&Path>) -> Vec<Sample> {
    let stem = rule_file
        .file_stem()
        .map(|stem| stem.to_string_lossy().to_string())
        .unwrap_or_default();
    let directory = directory
        .map(Path::to_path_buf)
        .or_else(|| rule_file.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let mut samples = Vec::new();
    for (kind, must_alert) in [("positive", true), ("negative", false)] {
        for extension in ["ndjson", "json"] {
            let path = directory.join(format!("{stem}.{kind}.{extension}"));
            if path.is_file() {
                samples.extend(read_samples(&path, must_alert));
            }
        }
    }
    samples
}

fn read_samples(path: &Path, must_alert: bool) -> Vec<Sample> {
    let origin = path.display().to_string();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) => {
            return vec![Sample {
                origin: origin.clone(),
                line: 1,
                must_alert,
                event: Err(setup::usage(format!("cannot read {origin}: {error}"))),
            }]
        }
    };
    let sample = |line, event| Sample {
        origin: origin.clone(),
        line,
        must_alert,
        event,
    };
    let mut samples = Vec::new();
    for document in DocumentReader::new(BufReader::new(file)) {
        match document {
            // Samples may be raw Azure records, as Azure exports them.
            Document::Event { line, value, raw } => samples.extend(
                ingest::ingest(value, raw.as_deref(), IngestOptions::default())
                    .into_iter()
                    .map(|ingested| sample(line, ingested.map(|ingested| ingested.document))),
            ),
            Document::Invalid { line, error } => samples.push(sample(line, Err(error))),
        }
    }
    samples
}

/// Whether `path` is a sample file rather than a rule file.
pub fn is_sample_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_default();
    [".positive.", ".negative."]
        .iter()
        .any(|marker| name.contains(marker))
}
