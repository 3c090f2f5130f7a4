//! `kql-detect replay [FILE...]`: the rules' scheduled executions over the input.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use kql_detect::engine::{Replay, ReplayEvent, ReplayOptions};
use kql_detect::input::Document;
use kql_detect::Error;

use crate::inputs::{for_each_document, report_invalid};
use crate::{setup, InputArguments, RuleArguments};

/// Arguments of `replay`.
#[derive(Args, Debug)]
pub struct ReplayArguments {
    #[command(flatten)]
    inputs: InputArguments,

    #[command(flatten)]
    rules: RuleArguments,

    /// The first execution's time (RFC 3339); default: the earliest event time.
    #[arg(long, value_name = "TIME")]
    start: Option<String>,

    /// Executions continue until one reaches this time (RFC 3339); default: the latest event time.
    #[arg(long, value_name = "TIME")]
    end: Option<String>,

    /// Also write the per-execution summary, gaps and untimed matches as JSON to this file.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
}

/// Runs `replay`.
pub fn run(arguments: &ReplayArguments) -> ExitCode {
    match replay(arguments) {
        Ok(invalid) if invalid > 0 => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", error.rendered());
            ExitCode::from(2)
        }
    }
}

/// Replays, prints, and returns how many input documents were invalid.
fn replay(arguments: &ReplayArguments) -> Result<usize, Error> {
    let (engine, _) = setup::engine(&arguments.rules, &arguments.inputs)?;
    let time = |flag: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(|text| setup::time_argument(flag, text))
            .transpose()
    };
    let options = ReplayOptions {
        start: time("--start", &arguments.start)?,
        end: time("--end", &arguments.end)?,
    };
    let mut events = Vec::new();
    let mut invalid = 0;
    for_each_document(&arguments.inputs.files, |name, document| {
        let (line, value, raw) = match document {
            Document::Event { line, value, raw } => (line, value, raw),
            Document::Invalid { line, error } => {
                invalid += 1;
                report_invalid(name, line, error);
                return Ok(());
            }
        };
        for ingested in engine.ingest(value, raw.as_deref()) {
            match ingested {
                Ok(ingested) => events.push(ReplayEvent {
                    document: ingested.document,
                    stored: ingested.identity,
                }),
                Err(error) => {
                    invalid += 1;
                    report_invalid(name, line, error);
                }
            }
        }
        Ok(())
    })
    .map_err(|error| setup::usage(error.to_string()))?;
    let replay = engine.replay(&events, options)?;
    print_alerts(&replay).map_err(|error| setup::usage(error.to_string()))?;
    report(&replay, events.len(), invalid);
    if let Some(path) = &arguments.summary {
        let json = serde_json::to_string_pretty(&Summary::of(&replay))
            .map_err(|error| setup::usage(error.to_string()))?;
        std::fs::write(path, json + "\n")
            .map_err(|error| setup::usage(format!("cannot write {}: {error}", path.display())))?;
    }
    Ok(invalid)
}

fn print_alerts(replay: &Replay) -> io::Result<()> {
    let stdout = io::stdout();
    let mut output = BufWriter::new(stdout.lock());
    for alert in &replay.alerts {
        serde_json::to_writer(&mut output, alert)?;
        output.write_all(b"\n")?;
    }
    match output.flush() {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Warnings, gaps and untimed matches, then one summary line, on stderr.
fn report(replay: &Replay, events: usize, invalid: usize) {
    for execution in &replay.executions {
        for warning in &execution.warnings {
            eprintln!(
                "warning: rule {} at {}: {warning} ({} matches not alerted)",
                execution.rule_id, execution.time, execution.truncated
            );
        }
    }
    for gap in &replay.gaps {
        eprintln!(
            "warning: rule {}: no execution searched {} to {} ({} matches missed)",
            gap.rule_id, gap.from, gap.to, gap.missed_matches
        );
    }
    for untimed in &replay.untimed {
        eprintln!(
            "warning: rule {}: {} matching events have no time field, so no execution finds them",
            untimed.rule_id, untimed.events
        );
    }
    let sum = |count: fn(&kql_detect::engine::ExecutionSummary) -> usize| -> usize {
        replay.executions.iter().map(count).sum()
    };
    eprintln!(
        "events {events}, executions {}, alerts {}, deduplicated {}, truncated {}, gaps {}, invalid {invalid}",
        replay.executions.len(),
        replay.alerts.len(),
        sum(|execution| execution.deduplicated),
        sum(|execution| execution.truncated),
        replay.gaps.len(),
    );
}

/// The `--summary` file: everything but the alerts themselves.
#[derive(serde::Serialize)]
struct Summary<'r> {
    executions: &'r [kql_detect::engine::ExecutionSummary],
    gaps: &'r [kql_detect::engine::Gap],
    untimed: &'r [kql_detect::engine::UntimedMatches],
}

impl<'r> Summary<'r> {
    fn of(replay: &'r Replay) -> Summary<'r> {
        Summary {
            executions: &replay.executions,
            gaps: &replay.gaps,
            untimed: &replay.untimed,
        }
    }
}
