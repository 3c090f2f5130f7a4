//! The `kql-detect` command: events in (files or stdin), alerts out (NDJSON on
//! stdout), diagnostics and a one-line summary on stderr.
//!
//! Exit codes: 0 success (with or without alerts), 1 some input lines were
//! invalid (each reported; the rest processed), 2 bad usage, query or mapping.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, ErrorKind, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use kql_detect::engine::{Engine, Mode, RecentAlerts, RuleSource};
use kql_detect::explain::Explanation;
use kql_detect::input::{Document, DocumentReader};
use kql_detect::rule::azure_external_guest_user_invitation;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;
use kql_detect::Error;

/// Evaluate Elastic Security KQL detection rules against JSON events.
///
/// Reads events as NDJSON, a JSON array, or pretty-printed JSON documents, from
/// the files given (or stdin), and prints one alert per line for every rule
/// that matches. Without --query, the built-in rule "Azure External Guest User
/// Invitation" runs.
#[derive(Parser, Debug)]
#[command(name = "kql-detect", version)]
struct Arguments {
    /// Input files; stdin when none is given, or for `-`.
    files: Vec<PathBuf>,

    /// Rules to run instead of the built-in rule (repeatable): detection-rules TOML,
    /// rules API JSON, a Kibana export (NDJSON), or a directory of them (searched
    /// recursively). Unsupported rules are reported and skipped.
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,

    /// Run this KQL query as an ad-hoc rule (repeatable; with --rules, in addition).
    #[arg(long = "query", value_name = "KQL")]
    queries: Vec<String>,

    /// The mapping to use instead of the built-in one (ECS + Elastic's Azure
    /// integration): a {"field": "type"} object, a GET _mapping or _field_caps
    /// response, or a Kibana data view's field list. It is complete: unlisted
    /// fields are unmapped and match nothing.
    #[arg(long, value_name = "FILE")]
    field_types: Option<PathBuf>,

    /// A mapping (same formats) to add to the built-in one, or to --field-types.
    #[arg(long, value_name = "FILE")]
    extra_field_types: Option<PathBuf>,

    /// Instead of alerts, print why each event does or does not match each rule,
    /// clause by clause: as text, or as one JSON object per event.
    #[arg(long, value_name = "FORMAT", num_args = 0..=1, require_equals = true, default_missing_value = "text")]
    explain: Option<ExplainFormat>,

    /// What to print per event: `alerts`, the matching events unchanged (`filter`),
    /// or every event with the `rule.*` fields of the rules it matched (`tag`).
    #[arg(long, value_name = "MODE", default_value = "alerts")]
    mode: OutputMode,

    /// The index or data stream the input belongs to, for the rules' index
    /// patterns (a search hit's own `_index` wins).
    #[arg(long, value_name = "NAME")]
    index: Option<String>,

    /// What `now` means in date math and the alerts' creation time (RFC 3339), instead of the clock.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

/// `--mode`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum OutputMode {
    Alerts,
    Filter,
    Tag,
}

/// How `--explain` prints.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ExplainFormat {
    Text,
    Json,
}

/// How a run went, for the summary line and the exit code.
#[derive(Default)]
struct Counts {
    events: usize,
    alerts: usize,
    invalid: usize,
}

fn main() -> ExitCode {
    let arguments = Arguments::parse();
    let (engine, now) = match setup(&arguments) {
        Ok(setup) => setup,
        Err(error) => {
            eprintln!("{}", error.rendered());
            return ExitCode::from(2);
        }
    };
    let mut counts = Counts::default();
    let stdout = io::stdout();
    let mut output = BufWriter::new(stdout.lock());
    let mut run = Run {
        engine: &engine,
        now,
        explain: arguments.explain,
        recent: engine.recent_alerts(),
    };
    let result =
        run_all(&arguments.files, &mut run, &mut output, &mut counts).and_then(|()| output.flush());
    match result {
        Err(error) if error.kind() == ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
        Ok(()) => {}
    }
    eprintln!(
        "events {}, alerts {}, invalid {}",
        counts.events, counts.alerts, counts.invalid
    );
    if counts.invalid > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn setup(arguments: &Arguments) -> Result<(Engine, Timestamp), Error> {
    let schema = match &arguments.field_types {
        Some(path) => read_schema(path)?,
        None => Schema::builtin(),
    };
    let schema = match &arguments.extra_field_types {
        Some(path) => schema.extend(read_schema(path)?),
        None => schema,
    };
    let now = match &arguments.now {
        Some(text) => Timestamp::parse_rfc3339(text).ok_or_else(|| {
            usage(format!(
                "--now must be an RFC 3339 time such as 2026-11-27T12:00:00Z, not `{text}`"
            ))
        })?,
        None => clock(),
    };
    let engine = if arguments.queries.is_empty() && arguments.rules.is_empty() {
        Engine::new(vec![azure_external_guest_user_invitation()], &schema, now)?
    } else {
        let mut sources = rule_files(&arguments.rules)?;
        sources.extend(arguments.queries.iter().cloned().map(RuleSource::Query));
        Engine::from_sources(sources, &schema, now)?
    };
    for diagnostic in engine.diagnostics() {
        eprintln!(
            "{}",
            diagnostic.rendered().replacen("error:", "warning:", 1)
        );
    }
    let mode = match arguments.mode {
        OutputMode::Alerts => Mode::Alerts,
        OutputMode::Filter => Mode::Filter,
        OutputMode::Tag => Mode::Tag,
    };
    let engine = engine.with_mode(mode).with_index(arguments.index.clone());
    Ok((engine, now))
}

/// The rule files at `paths`, directories searched recursively, in name order.
fn rule_files(paths: &[PathBuf]) -> Result<Vec<RuleSource>, Error> {
    let mut files = Vec::new();
    for path in paths {
        collect_rule_files(path, &mut files)
            .map_err(|error| usage(format!("cannot read {}: {error}", path.display())))?;
    }
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file)
                .map_err(|error| usage(format!("cannot read {}: {error}", file.display())))?;
            Ok(RuleSource::Text {
                origin: file.display().to_string(),
                text,
            })
        })
        .collect()
}

fn collect_rule_files(path: &std::path::Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<io::Result<_>>()?;
    entries.sort();
    for entry in entries {
        let is_rule_file = entry.extension().is_some_and(|extension| {
            extension == "toml" || extension == "json" || extension == "ndjson"
        });
        if entry.is_dir() {
            collect_rule_files(&entry, files)?;
        } else if is_rule_file {
            files.push(entry);
        }
    }
    Ok(())
}

fn read_schema(path: &std::path::Path) -> Result<Schema, Error> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|error| usage(format!("cannot read {origin}: {error}")))?;
    Schema::from_json(&text).map_err(|error| error.in_origin(origin))
}

fn usage(message: String) -> Error {
    Error::new(kql_detect::ErrorType::OptionsInvalid, "usage", message)
}

fn clock() -> Timestamp {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis());
    Timestamp(i64::try_from(millis).unwrap_or(i64::MAX))
}

/// What every event is run against.
struct Run<'e> {
    engine: &'e Engine,
    now: Timestamp,
    explain: Option<ExplainFormat>,
    /// Alerts already printed, so a repeated event does not alert twice.
    recent: RecentAlerts,
}

fn run_all(
    files: &[PathBuf],
    run: &mut Run,
    output: &mut impl Write,
    counts: &mut Counts,
) -> io::Result<()> {
    if files.is_empty() {
        return evaluate_stream(io::stdin().lock(), "stdin", run, output, counts);
    }
    for path in files {
        if path.as_os_str() == "-" {
            evaluate_stream(io::stdin().lock(), "stdin", run, output, counts)?;
            continue;
        }
        let file = File::open(path).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot read {}: {error}", path.display()),
            )
        })?;
        let name = path.display().to_string();
        evaluate_stream(BufReader::new(file), &name, run, output, counts)?;
    }
    Ok(())
}

/// What one event produced.
enum Output {
    Alerts(Vec<serde_json::Value>),
    Explanation(usize, Explanation, ExplainFormat),
}

fn evaluate_stream(
    reader: impl BufRead,
    name: &str,
    run: &mut Run,
    output: &mut impl Write,
    counts: &mut Counts,
) -> io::Result<()> {
    let (engine, now, explain) = (run.engine, run.now, run.explain);
    for document in DocumentReader::new(reader) {
        let (line, outcome) = match document {
            Document::Event { line, value } => (line, Ok(value)),
            Document::Invalid { line, error } => (line, Err(error)),
        };
        let outcome = outcome.and_then(|event| match explain {
            Some(format) => engine
                .explain(&event)
                .map(|explanation| Output::Explanation(line, explanation, format)),
            None => engine
                .evaluate_once(&event, None, now, &mut run.recent)
                .map(Output::Alerts),
        });
        match outcome {
            Ok(Output::Alerts(alerts)) => {
                counts.events += 1;
                for alert in alerts {
                    serde_json::to_writer(&mut *output, &alert)?;
                    output.write_all(b"\n")?;
                    counts.alerts += 1;
                }
            }
            Ok(Output::Explanation(line, explanation, format)) => {
                counts.events += 1;
                counts.alerts += explanation.rules.iter().filter(|rule| rule.matched).count();
                match format {
                    ExplainFormat::Text => {
                        writeln!(output, "{name}, line {line}:\n{}", explanation.render())?
                    }
                    ExplainFormat::Json => {
                        serde_json::to_writer(&mut *output, &explanation)?;
                        output.write_all(b"\n")?;
                    }
                }
            }
            Err(error) => {
                counts.invalid += 1;
                let origin = match error.source() {
                    Some(_) => name.to_string(),
                    None => format!("{name}, line {line}"),
                };
                eprintln!("{}", error.in_origin(origin).rendered());
            }
        }
    }
    Ok(())
}
