//! `kql-detect normalize [FILE...]`: the ECS documents the inputs become.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
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
    let result = for_each_document(&arguments.files, |name, document| {
        let (line, value, raw) = match document {
            Document::Event { line, value, raw } => (line, value, raw),
            Document::Invalid { line, error } => {
                invalid += 1;
                report_invalid(name, line, error);
                return Ok(());
            }
        };
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
        Ok(())
    })
    .and_then(|()| output.flush());
    if let Some(exit) = output_failure(result) {
        return exit;
    }
    eprintln!("documents {documents}, invalid {invalid}");
    ExitCode::from(u8::from(invalid > 0))
}
