//! The one error type every public entry point returns.
//!
//! Each stage keeps its own precise error (for example [`crate::kql::ParseError`]);
//! at the boundary they become an [`Error`] that carries a stable `type` tag, a
//! detail tag, the message, and — when the fault has a place — the span and the
//! text it points into, so that [`crate::diagnostic::render`] can draw the caret.

use std::fmt::{self, Display, Formatter};

use serde_json::Value;

use crate::span::{line_column, LineColumn, Span};

/// The stable category of an error; its [`ErrorType::tag`] is part of the public contract
/// (the `type` property of errors thrown to JavaScript) and is never renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorType {
    /// The query is not valid KQL.
    KqlSyntax,
    /// The query is valid KQL, but Kibana or Elasticsearch would reject it for these field types.
    KqlQuery,
    /// A field-type mapping could not be read.
    FieldTypesInvalid,
    /// An event is not a JSON object.
    EventInvalid,
    /// Options given to the engine are malformed.
    OptionsInvalid,
    /// A rule is malformed.
    RuleInvalid,
    /// A rule is of a type or language kql-detect does not run.
    RuleUnsupported,
    /// A rule exception (list, item or value list) is malformed, or Elasticsearch
    /// would reject the query Kibana builds from it.
    ExceptionInvalid,
}

impl ErrorType {
    /// The snake_case tag, e.g. `"kql_syntax"`.
    pub fn tag(self) -> &'static str {
        match self {
            ErrorType::KqlSyntax => "kql_syntax",
            ErrorType::KqlQuery => "kql_query",
            ErrorType::FieldTypesInvalid => "field_types_invalid",
            ErrorType::EventInvalid => "event_invalid",
            ErrorType::OptionsInvalid => "options_invalid",
            ErrorType::RuleInvalid => "rule_invalid",
            ErrorType::RuleUnsupported => "rule_unsupported",
            ErrorType::ExceptionInvalid => "exception_invalid",
        }
    }
}

/// An error with everything needed to show it: category, detail, message and place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The stable category.
    pub error_type: ErrorType,
    /// A stable snake_case detail within the category, e.g. `"unexpected_end"`.
    pub kind: &'static str,
    /// A lower-case message without a trailing period.
    pub message: String,
    /// What the faulty text is, for people: `rule 2`, `events.ndjson`.
    pub origin: Option<String>,
    /// Where the fault is, when it has a place (boxed: errors are rare, results are not).
    place: Option<Box<Place>>,
}

/// The text an error points into, and where in it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Place {
    span: Span,
    source: String,
    /// The line number of the first line of `source` within its origin (1 unless
    /// `source` is an excerpt, such as one line of an input file).
    first_line: usize,
}

impl Error {
    /// An error without a place.
    pub fn new(error_type: ErrorType, kind: &'static str, message: impl Into<String>) -> Error {
        Error {
            error_type,
            kind,
            message: message.into(),
            origin: None,
            place: None,
        }
    }

    /// Points the error at `span` of `source`.
    pub fn at(mut self, span: Span, source: &str) -> Error {
        self.place = Some(Box::new(Place {
            span,
            source: source.to_string(),
            first_line: 1,
        }));
        self
    }

    /// Says that the source text starts on line `line` of its origin.
    pub fn starting_at_line(mut self, line: usize) -> Error {
        if let Some(place) = &mut self.place {
            place.first_line = line.max(1);
        }
        self
    }

    /// Names what the source text is, unless it is already named.
    pub fn in_origin(mut self, origin: impl Into<String>) -> Error {
        if self.origin.is_none() {
            self.origin = Some(origin.into());
        }
        self
    }

    /// The byte span of the fault in [`Error::source`], if the error has a place.
    pub fn span(&self) -> Option<Span> {
        self.place.as_ref().map(|place| place.span)
    }

    /// The text the span points into, if the error has a place.
    pub fn source(&self) -> Option<&str> {
        self.place.as_ref().map(|place| place.source.as_str())
    }

    /// The line number of the source text's first line within its origin.
    pub fn first_line(&self) -> usize {
        self.place.as_ref().map_or(1, |place| place.first_line)
    }

    /// The line (within the origin) and column where the span starts.
    pub fn line_column(&self) -> Option<LineColumn> {
        let place = self.place.as_ref()?;
        let position = line_column(&place.source, place.span.start);
        Some(LineColumn {
            line: position.line + place.first_line - 1,
            column: position.column,
        })
    }

    /// The error drawn with a caret under the fault (see [`crate::diagnostic::render`]).
    pub fn rendered(&self) -> String {
        crate::diagnostic::render(self)
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<(crate::kql::ParseError, &str)> for Error {
    /// A syntax error of `query`.
    fn from((error, query): (crate::kql::ParseError, &str)) -> Error {
        Error::new(ErrorType::KqlSyntax, error.kind.tag(), error.message(query))
            .at(error.span, query)
    }
}

/// serde's "invalid type" message, as the JSON text reader words it: a
/// number that fits 64 bits is an `integer` with its value (serde's `Value`
/// reader says only "number").
pub(crate) fn invalid_type(value: &Value, expected: &str) -> String {
    let unexpected = match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => format!("boolean `{flag}`"),
        Value::Number(number) => {
            // Integers that fit 64 bits are read as such, other numbers are not (`-0` neither).
            let text = number.as_str();
            let integer = match text.strip_prefix('-') {
                None => text.parse::<u64>().is_ok(),
                Some(_) => text != "-0" && text.parse::<i64>().is_ok(),
            };
            if integer {
                format!("integer `{text}`")
            } else {
                "number".to_string()
            }
        }
        Value::String(text) => format!("string {text:?}"),
        Value::Array(_) => "sequence".to_string(),
        Value::Object(_) => "map".to_string(),
    };
    format!("invalid type: {unexpected}, expected {expected}")
}

/// serde_json's `error` in reading a host's `what` options; serde's position
/// suffix is dropped, since the text is the host's serialisation rather than
/// anything the user wrote.
pub(crate) fn options_error(error: &serde_json::Error, what: &str) -> Error {
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(message, _)| message);
    Error::new(
        ErrorType::OptionsInvalid,
        "malformed_options",
        format!("invalid {what} options: {message}"),
    )
}
