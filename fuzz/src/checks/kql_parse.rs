//! `kql_parse`: any text is a query or a syntax error, under both grammars.
//!
//! A query parses, and the fully parenthesised KQL its tree prints back as
//! (today's syntax, whichever grammar read it) parses again, and prints the
//! same; anything else is an error whose span lies
//! inside the text, on character boundaries, and which renders.

use kql_detect::kql::{parse_with, Grammar};
use kql_detect::Error;

use super::{check_error, text_of};

/// Runs the check on one fuzz input (the query, as text).
pub fn check(data: &[u8]) {
    let query = text_of(data);
    for grammar in [Grammar::Current, Grammar::Kibana7] {
        match parse_with(&query, grammar) {
            Ok(tree) => {
                let printed = tree.to_string();
                let reparsed = parse_with(&printed, Grammar::Current).unwrap_or_else(|error| {
                    panic!("{query:?} prints as {printed:?}, which does not parse: {error:?}")
                });
                assert_eq!(
                    reparsed.to_string(),
                    printed,
                    "{query:?}, read with {grammar:?}, prints as {printed:?}, which prints differently"
                );
            }
            Err(error) => {
                let span = error.span;
                assert!(
                    query.is_char_boundary(span.start) && query.is_char_boundary(span.end),
                    "{query:?}: span {span:?} splits a character or lies outside the query"
                );
                check_error(&Error::from((error, query.as_ref())));
            }
        }
    }
}
