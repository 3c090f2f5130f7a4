//! Reading events from files and stdin, every document accounted for.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::PathBuf;

use kql_detect::input::{Document, DocumentReader};

/// Calls `each` with every document of `files` (stdin when empty, or for
/// `-`) and the name of the input it came from.
pub fn for_each_document(
    files: &[PathBuf],
    mut each: impl FnMut(&str, Document) -> io::Result<()>,
) -> io::Result<()> {
    let mut read = |reader: &mut dyn BufRead, name: &str| -> io::Result<()> {
        for document in DocumentReader::new(reader) {
            each(name, document)?;
        }
        Ok(())
    };
    if files.is_empty() {
        return read(&mut io::stdin().lock(), "stdin");
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
    Ok(())
}

/// Prints an invalid document's error, naming the input and line.
pub fn report_invalid(name: &str, line: usize, error: kql_detect::Error) {
    let invalid = kql_detect::engine::InvalidInput { line, error };
    eprintln!("{}", invalid.in_input(name).rendered());
}

/// The exit code for a failed write of the output, if it failed: a closed
/// pipe (`kql-detect … | head`) is not an error.
pub fn output_failure(result: io::Result<()>) -> Option<std::process::ExitCode> {
    match result {
        Ok(()) => None,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
            Some(std::process::ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("error: {error}");
            Some(std::process::ExitCode::from(2))
        }
    }
}
