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
use kql_detect::engine::Engine;
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

    /// Run this KQL query as an ad-hoc rule instead of the built-in rule (repeatable).
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

    /// The alerts' creation time (RFC 3339), instead of the clock.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
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
    let run = Run {
        engine: &engine,
        now,
        explain: arguments.explain,
    };
    let result =
        run_all(&arguments.files, &run, &mut output, &mut counts).and_then(|()| output.flush());
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
    let engine = if arguments.queries.is_empty() {
        Engine::new(vec![azure_external_guest_user_invitation()], &schema, now)?
    } else {
        Engine::from_queries(arguments.queries.iter().map(String::as_str), &schema, now)?
    };
    Ok((engine, now))
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
#[derive(Clone, Copy)]
struct Run<'e> {
    engine: &'e Engine,
    now: Timestamp,
    explain: Option<ExplainFormat>,
}

fn run_all(
    files: &[PathBuf],
    run: &Run,
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
    run: &Run,
    output: &mut impl Write,
    counts: &mut Counts,
) -> io::Result<()> {
    let Run {
        engine,
        now,
        explain,
    } = *run;
    for document in DocumentReader::new(reader) {
        let (line, outcome) = match document {
            Document::Event { line, value } => (line, Ok(value)),
            Document::Invalid { line, error } => (line, Err(error)),
        };
        let outcome = outcome.and_then(|event| match explain {
            Some(format) => engine
                .explain(&event)
                .map(|explanation| Output::Explanation(line, explanation, format)),
            None => engine.evaluate(&event, now).map(Output::Alerts),
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
