//! `kql-detect [FILE...]`: every event against every rule, as a stream.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Args;
use kql_detect::engine::{Engine, InputOutcome, LineTally, Mode, RecentAlerts};
use kql_detect::input::{Document, Piece};
use kql_detect::limits::DEFAULT_MAX_JSON_DEPTH;
use kql_detect::time::Timestamp;
use serde_json::Value;

use crate::inputs::{for_each_document, for_each_piece, output_failure, report_invalid};
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

    /// Which lines to read: `all` (every line; a malformed one is reported), or
    /// `candidates`: with `--input ecs`, a line that, for every rule, lacks some
    /// literal the rule requires is left unread, not checked to be JSON, and
    /// counted as skipped (the fastest filter when only the alerts matter).
    #[arg(long, value_name = "LINES", default_value = "all")]
    validate: ValidateChoice,
}

/// `--validate`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ValidateChoice {
    All,
    Candidates,
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
    lines: LineTally,
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
    let leave_unread = matches!(arguments.validate, ValidateChoice::Candidates);
    let mut run = Run {
        engine: &engine,
        now,
        explain: arguments.explain,
        recent: engine.recent_alerts(),
        counts: Counts::default(),
    };
    let stdout = io::stdout();
    let mut output = BufWriter::new(stdout.lock());
    // Lines go to the engine unparsed, so those no rule can match are not
    // parsed (the prefilter and the lazy reader, as for `evaluateNdjson`);
    // explanations need every document.
    let result = match run.explain {
        None => for_each_piece(&arguments.inputs.files, |name, piece| match piece {
            Piece::Line { text, .. } if leave_unread && engine.leaves_unread(text) => {
                run.counts.lines.skipped = run.counts.lines.skipped.saturating_add(1);
                Ok(())
            }
            piece => run.piece(name, piece, &mut output),
        }),
        Some(_) => for_each_document(&arguments.inputs.files, |name, document| {
            run.document(name, document, &mut output)
        }),
    }
    .and_then(|lines_read| output.flush().map(|()| lines_read));
    let lines_read = match output_failure(result) {
        Ok(lines_read) => lines_read,
        Err(exit) => return exit,
    };
    let Counts {
        events,
        alerts,
        invalid,
        lines,
    } = run.counts;
    let lines = lines_read.summary(lines);
    eprintln!("events {events}, alerts {alerts}, invalid {invalid}; {lines}");
    if invalid > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

impl Run<'_> {
    fn document(
        &mut self,
        name: &str,
        document: Document,
        output: &mut impl Write,
    ) -> io::Result<()> {
        let (line, value, raw) = match document {
            Document::Event { line, value, raw } => (line, value, raw),
            Document::Invalid { line, error } => {
                self.counts.invalid += 1;
                self.counts.lines.record(0, 1);
                report_invalid(name, line, error);
                return Ok(());
            }
        };
        match self.explain {
            Some(format) => self.explain(name, line, value, raw.as_deref(), format, output),
            None => self.evaluate(name, line, value, raw.as_deref(), output),
        }
    }

    fn piece(&mut self, name: &str, piece: Piece, output: &mut impl Write) -> io::Result<()> {
        let (line, text) = match piece {
            Piece::Line { line, text, .. } => (line, text),
            Piece::Document(document) => return self.document(name, document, output),
        };
        let recent = Some(&mut self.recent);
        let mut outcome =
            self.engine
                .evaluate_input_line(text, DEFAULT_MAX_JSON_DEPTH, self.now, recent);
        // Errors point into the line's text: number it as the input's line.
        let errors = outcome.errors.into_iter();
        outcome.errors = errors.map(|error| error.starting_at_line(line)).collect();
        self.report(name, line, outcome, output)
    }

    fn evaluate(
        &mut self,
        name: &str,
        line: usize,
        value: Value,
        raw: Option<&str>,
        output: &mut impl Write,
    ) -> io::Result<()> {
        let outcome = self
            .engine
            .evaluate_input(value, raw, self.now, Some(&mut self.recent));
        self.report(name, line, outcome, output)
    }

    /// Writes an input's outputs, reports its errors and counts them.
    fn report(
        &mut self,
        name: &str,
        line: usize,
        outcome: InputOutcome,
        output: &mut impl Write,
    ) -> io::Result<()> {
        self.counts.events += outcome.documents;
        self.counts.alerts += outcome.outputs.len();
        self.counts
            .lines
            .record(outcome.documents, outcome.errors.len());
        for output_value in &outcome.outputs {
            serde_json::to_writer(&mut *output, output_value)?;
            output.write_all(b"\n")?;
        }
        for error in outcome.errors {
            self.counts.invalid += 1;
            report_invalid(name, line, error);
        }
        Ok(())
    }

    fn explain(
        &mut self,
        name: &str,
        line: usize,
        value: Value,
        raw: Option<&str>,
        format: ExplainFormat,
        output: &mut impl Write,
    ) -> io::Result<()> {
        let (mut events, mut invalid) = (0, 0);
        for ingested in self.engine.ingest(value, raw) {
            let explanation = ingested.and_then(|ingested| self.engine.explain(&ingested.document));
            let explanation = match explanation {
                Ok(explanation) => explanation,
                Err(error) => {
                    invalid += 1;
                    report_invalid(name, line, error);
                    continue;
                }
            };
            events += 1;
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
        self.counts.events += events;
        self.counts.invalid += invalid;
        self.counts.lines.record(events, invalid);
        Ok(())
    }
}
