//! The one error type every public entry point returns.
//!
//! Each stage keeps its own precise error (for example [`crate::kql::ParseError`]);
//! at the boundary they become an [`Error`] that carries a stable `type` tag, a
//! detail tag, the message, and — when the fault has a place — the span and the
//! text it points into, so that [`crate::diagnostic::render`] can draw the caret.

use std::fmt::{self, Display, Formatter};

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
    /// Where in `source` the fault is, when it has a place.
    pub span: Option<Span>,
    /// The text `span` points into (a query, an input line).
    pub source: Option<String>,
    /// What `source` is, for people: `rule 2`, `--query`, `line 7`.
    pub origin: Option<String>,
}

impl Error {
    /// An error without a place.
    pub fn new(error_type: ErrorType, kind: &'static str, message: impl Into<String>) -> Error {
        Error {
            error_type,
            kind,
            message: message.into(),
            span: None,
            source: None,
            origin: None,
        }
    }

    /// Points the error at `span` of `source`.
    pub fn at(mut self, span: Span, source: &str) -> Error {
        self.span = Some(span);
        self.source = Some(source.to_string());
        self
    }

    /// Names what the source text is, unless it is already named.
    pub fn in_origin(mut self, origin: impl Into<String>) -> Error {
        if self.origin.is_none() {
            self.origin = Some(origin.into());
        }
        self
    }

    /// The line and column where the span starts.
    pub fn line_column(&self) -> Option<LineColumn> {
        match (self.span, &self.source) {
            (Some(span), Some(source)) => Some(line_column(source, span.start)),
            _ => None,
        }
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
