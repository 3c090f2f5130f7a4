//! `kql-detect normalize [FILE...]`: the ECS documents the inputs become.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use kql_detect::engine::LineTally;
use kql_detect::ingest;
use kql_detect::input::Document;

use crate::inputs::{for_each_document, output_failure, report_invalid};
use crate::ReadArguments;

/// Arguments of `normalize`.
#[derive(Args, Debug)]
pub struct NormalizeArguments {
    /// Input files; stdin when none is given, or for `-`.
    files: Vec<PathBuf>,

    #[command(flatten)]
    read: ReadArguments,
}

/// Runs `normalize`: documents on stdout, invalid inputs and a summary on stderr.
pub fn run(arguments: &NormalizeArguments) -> ExitCode {
    let options = arguments.read.options();
    let stdout = io::stdout();
    let mut output = BufWriter::new(stdout.lock());
    let (mut documents, mut invalid) = (0usize, 0usize);
    let mut lines = LineTally::default();
    let result = for_each_document(&arguments.files, |name, document| {
        let (line, value, raw) = match document {
            Document::Event { line, value, raw } => (line, value, raw),
            Document::Invalid { line, error } => {
                invalid += 1;
                lines.record(0, 1);
                report_invalid(name, line, error);
                return Ok(());
            }
        };
        let before = (documents, invalid);
        for ingested in ingest::ingest(value, raw.as_deref(), options) {
            match ingested {
                Ok(ingested) => {
                    documents += 1;
                    serde_json::to_writer(&mut output, &ingested.document)?;
                    output.write_all(b"\n")?;
                }
                Err(error) => {
                    invalid += 1;
                    report_invalid(name, line, error);
                }
            }
        }
        lines.record(documents - before.0, invalid - before.1);
        Ok(())
    })
    .and_then(|lines_read| output.flush().map(|()| lines_read));
    let lines_read = match output_failure(result) {
        Ok(lines_read) => lines_read,
        Err(exit) => return exit,
    };
    let lines = lines_read.summary(lines);
    eprintln!("documents {documents}, invalid {invalid}; {lines}");
    ExitCode::from(u8::from(invalid > 0))
}
