//! Reading events from files and stdin, every document accounted for.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::PathBuf;

use kql_detect::engine::LineTally;
use kql_detect::input::{Document, DocumentReader, Piece};
use kql_detect::limits::DEFAULT_MAX_JSON_DEPTH;

/// The lines of every input read, and how many were blank.
#[derive(Clone, Copy, Debug, Default)]
pub struct LinesRead {
    pub lines: usize,
    pub blank: usize,
}

impl LinesRead {
    /// The end of the summary line: every line and its outcome, which add up
    /// (`lines = with events + invalid + empty + skipped + blank`, see
    /// `LineTally`; skipped only when some were, with `--validate candidates`).
    pub fn summary(&self, tally: LineTally) -> String {
        let skipped = match tally.skipped {
            0 => String::new(),
            skipped => format!(", {skipped} skipped"),
        };
        format!(
            "lines {}: {} with events, {} invalid, {} empty{skipped}, {} blank",
            self.lines, tally.with_events, tally.invalid, tally.empty, self.blank
        )
    }
}

/// Calls `each` with every document of `files` (stdin when empty, or for
/// `-`) and the name of the input it came from; returns the lines read.
pub fn for_each_document(
    files: &[PathBuf],
    mut each: impl FnMut(&str, Document) -> io::Result<()>,
) -> io::Result<LinesRead> {
    for_each_piece(files, |name, piece| {
        each(name, piece.into_document(DEFAULT_MAX_JSON_DEPTH))
    })
}

/// [`for_each_document`], NDJSON lines handed over unparsed, for a caller
/// that need not parse every line.
pub fn for_each_piece(
    files: &[PathBuf],
    mut each: impl FnMut(&str, Piece) -> io::Result<()>,
) -> io::Result<LinesRead> {
    let mut read_lines = LinesRead::default();
    let mut read = |reader: &mut dyn BufRead, name: &str| -> io::Result<()> {
        let mut pieces = DocumentReader::new(reader);
        while let Some(piece) = pieces.next_piece() {
            each(name, piece)?;
        }
        read_lines.lines = read_lines.lines.saturating_add(pieces.lines());
        read_lines.blank = read_lines.blank.saturating_add(pieces.blank_lines());
        Ok(())
    };
    if files.is_empty() {
        read(&mut io::stdin().lock(), "stdin")?;
        return Ok(read_lines);
    }
    for path in files {
        if path.as_os_str() == "-" {
            read(&mut io::stdin().lock(), "stdin")?;
            continue;
        }
        let file = File::open(path).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot read {}: {error}", path.display()),
            )
        })?;
        read(&mut BufReader::new(file), &path.display().to_string())?;
    }
    Ok(read_lines)
}

/// Prints an invalid document's error, naming the input and line.
pub fn report_invalid(name: &str, line: usize, error: kql_detect::Error) {
    let invalid = kql_detect::engine::InvalidInput { line, error };
    eprintln!("{}", invalid.in_input(name).rendered());
}

/// The result, or the exit code for a failed read or write: a closed pipe
/// (`kql-detect … | head`) is not an error.
pub fn output_failure<T>(result: io::Result<T>) -> Result<T, std::process::ExitCode> {
    match result {
        Ok(value) => Ok(value),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
            Err(std::process::ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("error: {error}");
            Err(std::process::ExitCode::from(2))
        }
    }
}
