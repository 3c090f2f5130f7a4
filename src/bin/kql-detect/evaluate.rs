//! `kql-detect [FILE...]`: every event against every rule, as a stream.

use std::io::{self, BufWriter, ErrorKind, Write};
use std::process::ExitCode;

use clap::Args;
use kql_detect::engine::{Engine, Mode, RecentAlerts};
use kql_detect::explain::Explanation;
use kql_detect::input::Document;
use kql_detect::time::Timestamp;
use serde_json::Value;

use crate::inputs::{for_each_document, report_invalid};
use crate::{setup, InputArguments, RuleArguments};

/// Arguments of the default command.
#[derive(Args, Debug)]
pub struct EvaluateArguments {
    #[command(flatten)]
    inputs: InputArguments,

    #[command(flatten)]
    rules: RuleArguments,

    /// Instead of alerts, print why each event does or does not match each rule,
    /// clause by clause: as text, or as one JSON object per event.
    #[arg(long, value_name = "FORMAT", num_args = 0..=1, require_equals = true, default_missing_value = "text")]
    explain: Option<ExplainFormat>,

    /// What to print per event: `alerts`, the matching events unchanged (`filter`),
    /// or every event with the `rule.*` fields of the rules it matched (`tag`).
    #[arg(long, value_name = "MODE", default_value = "alerts")]
    mode: OutputMode,
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

/// What every event is run against.
struct Run<'e> {
    engine: &'e Engine,
    now: Timestamp,
    explain: Option<ExplainFormat>,
    /// Alerts already printed, so a repeated event does not alert twice.
    recent: RecentAlerts,
    counts: Counts,
}

/// Runs the default command.
pub fn run(arguments: &EvaluateArguments) -> ExitCode {
    let (engine, now) = match setup::engine(&arguments.rules, &arguments.inputs) {
        Ok(setup) => setup,
        Err(error) => {
            eprintln!("{}", error.rendered());
            return ExitCode::from(2);
        }
    };
    let mode = match arguments.mode {
        OutputMode::Alerts => Mode::Alerts,
        OutputMode::Filter => Mode::Filter,
        OutputMode::Tag => Mode::Tag,
    };
    let engine = engine.with_mode(mode);
    let mut run = Run {
        engine: &engine,
        now,
        explain: arguments.explain,
        recent: engine.recent_alerts(),
        counts: Counts::default(),
    };
    let stdout = io::stdout();
    let mut output = BufWriter::new(stdout.lock());
    let result = for_each_document(&arguments.inputs.files, |name, document| {
        run.document(name, document, &mut output)
    })
    .and_then(|()| output.flush());
    match result {
        Err(error) if error.kind() == ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
        Ok(()) => {}
    }
    let Counts {
        events,
        alerts,
        invalid,
    } = run.counts;
    eprintln!("events {events}, alerts {alerts}, invalid {invalid}");
    if invalid > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What one event produced.
enum Output {
    Alerts(Vec<Value>),
    Explanation(Explanation, ExplainFormat),
}

impl Run<'_> {
    fn document(
        &mut self,
        name: &str,
        document: Document,
        output: &mut impl Write,
    ) -> io::Result<()> {
        let (line, outcome) = match document {
            Document::Event { line, value } => (line, Ok(value)),
            Document::Invalid { line, error } => (line, Err(error)),
        };
        let outcome = outcome.and_then(|event| match self.explain {
            Some(format) => self
                .engine
                .explain(&event)
                .map(|explanation| Output::Explanation(explanation, format)),
            None => self
                .engine
                .evaluate_once(&event, None, self.now, &mut self.recent)
                .map(Output::Alerts),
        });
        match outcome {
            Ok(Output::Alerts(alerts)) => {
                self.counts.events += 1;
                for alert in alerts {
                    serde_json::to_writer(&mut *output, &alert)?;
                    output.write_all(b"\n")?;
                    self.counts.alerts += 1;
                }
            }
            Ok(Output::Explanation(explanation, format)) => {
                self.counts.events += 1;
                self.counts.alerts += explanation.rules.iter().filter(|rule| rule.matched).count();
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
                self.counts.invalid += 1;
                report_invalid(name, line, error);
            }
        }
        Ok(())
    }
}
