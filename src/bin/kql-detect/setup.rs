//! Turning command-line arguments into an engine.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use kql_detect::engine::{Engine, ExceptionSource, RuleSource};
use kql_detect::exception::ValueLists;
use kql_detect::rule::azure_external_guest_user_invitation;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;
use kql_detect::{Error, ErrorType};

use crate::{InputArguments, RuleArguments};

/// The engine the arguments describe, for events of `inputs`, and what `now`
/// is. Loading diagnostics (unsupported rules, ignored duplicates) are printed
/// as warnings.
pub fn engine(
    arguments: &RuleArguments,
    inputs: &InputArguments,
) -> Result<(Engine, Timestamp), Error> {
    let (engine, now) = rules_engine(arguments)?;
    let engine = engine
        .with_index(inputs.index.clone())
        .with_ingest(inputs.read.options());
    Ok((engine, now))
}

/// The engine of the rules alone, and what `now` is.
pub fn rules_engine(arguments: &RuleArguments) -> Result<(Engine, Timestamp), Error> {
    let schema = schema(&arguments.field_types, &arguments.extra_field_types)?;
    let now = match &arguments.now {
        Some(text) => time_argument("--now", text)?,
        None => clock(),
    };
    let sources = if arguments.queries.is_empty() && arguments.rules.is_empty() {
        vec![RuleSource::Object(builtin_rule_json()?)]
    } else {
        let mut sources = rule_files(&arguments.rules)?;
        sources.extend(arguments.queries.iter().cloned().map(RuleSource::Query));
        sources
    };
    let exceptions = arguments
        .exceptions
        .iter()
        .map(|path| {
            Ok(ExceptionSource {
                origin: path.display().to_string(),
                text: read_text(path)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let value_lists = match &arguments.value_lists {
        Some(path) => serde_json::from_str(&read_text(path)?).map_err(|error| {
            usage(format!(
                "{}: value lists must be a JSON object {{\"list id\": [\"value\", ...]}}: {error}",
                path.display()
            ))
        })?,
        None => ValueLists::new(),
    };
    let engine =
        Engine::from_sources_and_exceptions(sources, exceptions, &value_lists, &schema, now)?;
    for diagnostic in engine.diagnostics() {
        eprintln!(
            "{}",
            diagnostic.rendered().replacen("error:", "warning:", 1)
        );
    }
    Ok((engine, now))
}

/// The built-in mapping, or `field_types`, extended by `extra_field_types`.
pub fn schema(
    field_types: &Option<PathBuf>,
    extra_field_types: &Option<PathBuf>,
) -> Result<Schema, Error> {
    let schema = match field_types {
        Some(path) => read_schema(path)?,
        None => Schema::builtin(),
    };
    match extra_field_types {
        Some(path) => Ok(schema.extend(read_schema(path)?)),
        None => Ok(schema),
    }
}

/// The built-in rule, in the rules API's shape.
fn builtin_rule_json() -> Result<serde_json::Value, Error> {
    serde_json::to_value(azure_external_guest_user_invitation())
        .map_err(|error| usage(format!("the built-in rule: {error}")))
}

fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|error| usage(format!("cannot read {}: {error}", path.display())))
}

/// An RFC 3339 time given to `flag`.
pub fn time_argument(flag: &str, text: &str) -> Result<Timestamp, Error> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| {
        usage(format!(
            "{flag} must be an RFC 3339 time such as 2026-11-27T12:00:00Z, not `{text}`"
        ))
    })
}

/// A usage error (exit code 2).
pub fn usage(message: String) -> Error {
    Error::new(ErrorType::OptionsInvalid, "usage", message)
}

/// The rule files at `paths`, directories searched recursively, in name
/// order; rule tests' sample files are not rule files.
pub fn rule_files(paths: &[PathBuf]) -> Result<Vec<RuleSource>, Error> {
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

fn collect_rule_files(path: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
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
        } else if is_rule_file && !crate::rule_test::is_sample_file(&entry) {
            files.push(entry);
        }
    }
    Ok(())
}

fn read_schema(path: &Path) -> Result<Schema, Error> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|error| usage(format!("cannot read {origin}: {error}")))?;
    Schema::from_json(&text).map_err(|error| error.in_origin(origin))
}

fn clock() -> Timestamp {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis());
    Timestamp(i64::try_from(millis).unwrap_or(i64::MAX))
}
