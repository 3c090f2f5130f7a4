//! KQL, the Kibana Query Language: syntax only.
//!
//! This module turns query text into a [`Node`] tree and knows nothing of
//! events, field types or JSON; meaning is given later by [`crate::compile`].
//!
//! ```
//! let query = kql_detect::kql::parse(r#"event.outcome:(Success or success) and not user.name:admin*"#)?;
//! assert_eq!(
//!     query.to_string(),
//!     "((event.outcome:Success or event.outcome:success) and not user.name:admin*)"
//! );
//! # Ok::<(), kql_detect::kql::ParseError>(())
//! ```

mod ast;
mod error;
mod parser;

pub use ast::{Literal, Node, Piece, RangeOperator, Value, WildcardPattern};
pub use error::{Expected, NotContext, ParseError, ParseErrorKind};
pub use parser::{parse, parse_with, Grammar, MAX_NESTING, MAX_QUERY_BYTES};
