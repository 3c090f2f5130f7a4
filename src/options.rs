//! One reader for the options objects a host passes as JSON text (engine,
//! run, batch, query DSL, search request and normalize options), in place of
//! a derived reader per struct: each derived one was a copy of serde_json's
//! struct reading with its fields' readers inlined.
//!
//! An options struct is described by a [`Shape`]: its keys in order and how
//! each value is read. The reader refuses unknown and duplicate keys, takes
//! the struct as an array of its values in order too, and reads each value
//! with serde's own readers, so the messages are the derived readers'
//! (`deny_unknown_fields`; the table test holds them), except where a
//! derived reader said too little: a named value that is not a string says
//! what was passed and what was due ([`NamedVariant`]).

use std::fmt;

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, Error as _, Expected, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

use crate::error::{options_error, Error};
use crate::time::Timestamp;

/// An options struct as its host writes it.
pub(crate) struct Shape {
    /// The struct's name, for messages.
    pub name: &'static str,
    /// Its keys, in the struct's order (that of an array of values); at most 64.
    pub keys: &'static [&'static str],
    /// How each key's value is read.
    pub kinds: &'static [Kind],
    /// How many values an array must hold: the keys after these have defaults.
    pub in_array: usize,
}

/// How an option's value is read; all but `Named` take `null` as not given.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// A boolean.
    Flag,
    /// A `u64`.
    Count,
    /// A `usize`.
    Size,
    /// A string.
    Text,
    /// Any JSON.
    Json,
    /// An RFC 3339 time, as a string.
    Time,
    /// One of these names, as the index of the one given.
    Named(&'static [&'static str]),
}

/// One option's value: the field its [`Kind`] reads is set, the others are not.
#[derive(Default)]
pub(crate) struct Given {
    pub flag: Option<bool>,
    pub count: Option<u64>,
    pub size: Option<usize>,
    pub text: Option<String>,
    pub json: Option<Value>,
    pub time: Option<Timestamp>,
    pub named: usize,
}

/// Reads options text of `shape`; `what` names the options in messages
/// (`batch`). Returns each given key's index and value, in the order given.
pub(crate) fn read(
    text: &str,
    what: &str,
    shape: &'static Shape,
) -> Result<Vec<(usize, Given)>, Error> {
    let mut given = Vec::new();
    read_each(text, what, shape, &mut |index, value| {
        given.push((index, value));
        Ok(())
    })?;
    Ok(given)
}

/// Reads options text of `shape`, handing each given key's index and value
/// to `take` as it is read: a message `take` returns is reported there,
/// before any fault in a later key.
pub(crate) fn read_each(
    text: &str,
    what: &str,
    shape: &'static Shape,
    take: &mut dyn FnMut(usize, Given) -> Result<(), String>,
) -> Result<(), Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(text.as_bytes());
    deserializer
        .deserialize_struct(shape.name, shape.keys, ShapeVisitor { shape, take })
        .and_then(|()| deserializer.end())
        .map_err(|error| options_error(&error, what))
}

struct ShapeVisitor<'a> {
    shape: &'static Shape,
    take: &'a mut dyn FnMut(usize, Given) -> Result<(), String>,
}

impl<'de> Visitor<'de> for ShapeVisitor<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "struct {}", self.shape.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let keys = self.shape.keys;
        let mut seen = 0u64;
        while let Some(key) = map.next_key::<String>()? {
            let index = keys
                .iter()
                .position(|known| *known == key)
                .ok_or_else(|| A::Error::unknown_field(&key, keys))?;
            if seen & 1 << index != 0 {
                return Err(A::Error::duplicate_field(keys[index]));
            }
            seen |= 1 << index;
            let value = map.next_value_seed(self.shape.kinds[index])?;
            (self.take)(index, value).map_err(A::Error::custom)?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for (index, kind) in self.shape.kinds.iter().enumerate() {
            match seq.next_element_seed(*kind)? {
                Some(value) => (self.take)(index, value).map_err(A::Error::custom)?,
                None if index < self.shape.in_array => {
                    return Err(A::Error::invalid_length(index, &ArrayLength(self.shape)))
                }
                None => break,
            }
        }
        Ok(())
    }
}

/// serde's words for the array a struct may be written as.
struct ArrayLength(&'static Shape);

impl Expected for ArrayLength {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        let Shape { name, keys, .. } = self.0;
        write!(formatter, "struct {name} with {} elements", keys.len())
    }
}

impl<'de> DeserializeSeed<'de> for Kind {
    type Value = Given;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Given, D::Error> {
        let mut given = Given::default();
        match self {
            Kind::Flag => given.flag = Option::deserialize(deserializer)?,
            Kind::Count => given.count = Option::deserialize(deserializer)?,
            Kind::Size => given.size = Option::deserialize(deserializer)?,
            Kind::Text => given.text = Option::deserialize(deserializer)?,
            Kind::Json => given.json = Option::deserialize(deserializer)?,
            Kind::Time => {
                given.time = Option::<String>::deserialize(deserializer)?
                    .map(|text| time(&text))
                    .transpose()?
            }
            Kind::Named(names) => {
                given.named = deserializer.deserialize_str(NamedVariant(names))?
            }
        }
        Ok(given)
    }
}

/// An RFC 3339 time; refused inside the reader, so that it is reported
/// before any fault in a later key, as a derived reader did.
fn time<E: serde::de::Error>(text: &str) -> Result<Timestamp, E> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| {
        E::custom(format_args!(
            "`{text}` is not an RFC 3339 time such as 2026-11-27T12:00:00Z"
        ))
    })
}

/// Reads one of a few names from a string, as the index of the one given.
/// For a value that is not a string, a derived reader says only "expected
/// value" (serde_json's word for a unit variant it cannot start), where a host
/// needs to hear what it passed and what was due.
struct NamedVariant(&'static [&'static str]);

impl Visitor<'_> for NamedVariant {
    type Value = usize;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        for (index, name) in self.0.iter().enumerate() {
            let separator = match index {
                0 => "",
                _ if index + 1 == self.0.len() => " or ",
                _ => ", ",
            };
            write!(formatter, "{separator}`{name}`")?;
        }
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<usize, E> {
        self.0.iter().position(|name| *name == text).ok_or_else(|| {
            E::custom(format_args!(
                "unknown variant `{text}`, expected {}",
                &self as &dyn Expected
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{BatchOptions, QueryDslOptions, RunOptions, SearchRequestOptions};
    use crate::ingest::IngestOptions;

    enum Options {
        Batch,
        Dsl,
        Search,
        Ingest,
        Run,
    }
    use Options::*;

    /// The message for `text` (empty when it reads).
    fn message(options: &Options, text: &str) -> String {
        let result = match options {
            Batch => BatchOptions::from_json(text).map(drop),
            Dsl => QueryDslOptions::from_json(text).map(drop),
            Search => SearchRequestOptions::from_json(text).map(drop),
            Ingest => IngestOptions::from_json(text).map(drop),
            Run => RunOptions::from_json(text).map(drop),
        };
        result.err().map(|error| error.message).unwrap_or_default()
    }

    #[test]
    fn messages_are_those_the_derived_readers_gave() {
        // Each taken from serde's derived readers (deny_unknown_fields).
        let cases = [
            (
                Batch,
                r#"{"firstLine":"5"}"#,
                r#"invalid batch options: invalid type: string "5", expected u64"#,
            ),
            (
                Batch,
                r#"{"firstLine":-1}"#,
                r#"invalid batch options: invalid value: integer `-1`, expected u64"#,
            ),
            (
                Batch,
                r#"{"firstLine":1.5}"#,
                r#"invalid batch options: invalid type: floating point `1.5`, expected u64"#,
            ),
            (
                Batch,
                r#"{"firstLine":18446744073709551616}"#,
                r#"invalid batch options: invalid type: floating point `1.8446744073709552e+19`, expected u64"#,
            ),
            (Batch, r#"{"firstLine":null}"#, ""),
            (Batch, r#"{"firstLine":0}"#, ""),
            (
                Batch,
                r#"{"final":1}"#,
                r#"invalid batch options: invalid type: integer `1`, expected a boolean"#,
            ),
            (Batch, r#"{"final":null}"#, ""),
            (
                Batch,
                r#"{"maxLineBytes":-1}"#,
                r#"invalid batch options: invalid value: integer `-1`, expected usize"#,
            ),
            (Batch, r#"{"maxLineBytes":4294967296}"#, ""),
            (
                Batch,
                r#"{"maxLineBytes":"x"}"#,
                r#"invalid batch options: invalid type: string "x", expected usize"#,
            ),
            (
                Batch,
                r#"{"maxJsonDepth":1e3}"#,
                r#"invalid batch options: invalid type: floating point `1000.0`, expected usize"#,
            ),
            (
                Batch,
                r#"{"maxWholeInputBytes":true}"#,
                r#"invalid batch options: invalid type: boolean `true`, expected usize"#,
            ),
            (
                Batch,
                r#"{"origin":5}"#,
                r#"invalid batch options: invalid type: integer `5`, expected a string"#,
            ),
            (Batch, r#"{"origin":null}"#, ""),
            (
                Batch,
                r#"{"output":5}"#,
                r#"invalid batch options: invalid type: integer `5`, expected `objects` or `ndjson`"#,
            ),
            (
                Batch,
                r#"{"output":null}"#,
                r#"invalid batch options: invalid type: null, expected `objects` or `ndjson`"#,
            ),
            (
                Batch,
                r#"{"output":"x"}"#,
                r#"invalid batch options: unknown variant `x`, expected `objects` or `ndjson`"#,
            ),
            (
                Batch,
                r#"{"validate":[]}"#,
                r#"invalid batch options: invalid type: sequence, expected `all` or `candidates`"#,
            ),
            (
                Batch,
                r#"{"bogus":1}"#,
                r#"invalid batch options: unknown field `bogus`, expected one of `firstLine`, `final`, `maxLineBytes`, `maxJsonDepth`, `maxWholeInputBytes`, `origin`, `output`, `validate`"#,
            ),
            (
                Batch,
                r#"{"origin":"a","origin":"b"}"#,
                r#"invalid batch options: duplicate field `origin`"#,
            ),
            (
                Batch,
                r#"[]"#,
                r#"invalid batch options: invalid length 0, expected struct BatchOptions with 8 elements"#,
            ),
            (
                Batch,
                r#"[1]"#,
                r#"invalid batch options: invalid length 1, expected struct BatchOptions with 8 elements"#,
            ),
            (
                Batch,
                r#"[null,true,null,null,null,"o","ndjson","all"]"#,
                "",
            ),
            (
                Batch,
                r#"[null,true,null,null,null,"o","ndjson","all",1]"#,
                r#"invalid batch options: trailing characters"#,
            ),
            (
                Batch,
                r#"5"#,
                r#"invalid batch options: invalid type: integer `5`, expected struct BatchOptions"#,
            ),
            (
                Batch,
                r#"null"#,
                r#"invalid batch options: invalid type: null, expected struct BatchOptions"#,
            ),
            (
                Batch,
                r#""x""#,
                r#"invalid batch options: invalid type: string "x", expected struct BatchOptions"#,
            ),
            (
                Batch,
                r#"{"firstLine":1,"bogus":2}"#,
                r#"invalid batch options: unknown field `bogus`, expected one of `firstLine`, `final`, `maxLineBytes`, `maxJsonDepth`, `maxWholeInputBytes`, `origin`, `output`, `validate`"#,
            ),
            (
                Batch,
                r#"{"output":5,"bogus":2}"#,
                r#"invalid batch options: invalid type: integer `5`, expected `objects` or `ndjson`"#,
            ),
            (Batch, r#"{"firstLine":2}"#, ""),
            (Batch, r#"{"final":false,"output":"ndjson"}"#, ""),
            (
                Batch,
                r#"{"firstLine":-0}"#,
                r#"invalid batch options: invalid type: floating point `-0.0`, expected u64"#,
            ),
            (
                Batch,
                r#"{"firstLine":1e2}"#,
                r#"invalid batch options: invalid type: floating point `100.0`, expected u64"#,
            ),
            (
                Batch,
                r#"{"maxLineBytes":0}"#,
                r#"`maxLineBytes` must be at least 1"#,
            ),
            (
                Dsl,
                r#"{"legacy":"yes"}"#,
                r#"invalid query DSL options: invalid type: string "yes", expected a boolean"#,
            ),
            (Dsl, r#"{"legacy":null}"#, ""),
            (Dsl, r#"{"fieldTypes":5}"#, ""),
            (Dsl, r#"{"extraFieldTypes":null}"#, ""),
            (
                Dsl,
                r#"{"x":1}"#,
                r#"invalid query DSL options: unknown field `x`, expected one of `legacy`, `fieldTypes`, `extraFieldTypes`"#,
            ),
            (
                Dsl,
                r#"{"legacy":true,"legacy":false}"#,
                r#"invalid query DSL options: duplicate field `legacy`"#,
            ),
            (
                Dsl,
                r#"[]"#,
                r#"invalid query DSL options: invalid length 0, expected struct QueryDslOptions with 3 elements"#,
            ),
            (
                Dsl,
                r#"[true]"#,
                r#"invalid query DSL options: invalid length 1, expected struct QueryDslOptions with 3 elements"#,
            ),
            (
                Dsl,
                r#"[true,1,2,3]"#,
                r#"invalid query DSL options: trailing characters"#,
            ),
            (
                Dsl,
                r#"5"#,
                r#"invalid query DSL options: invalid type: integer `5`, expected struct QueryDslOptions"#,
            ),
            (
                Dsl,
                r#"null"#,
                r#"invalid query DSL options: invalid type: null, expected struct QueryDslOptions"#,
            ),
            (
                Dsl,
                r#"{"legacy":1}"#,
                r#"invalid query DSL options: invalid type: integer `1`, expected a boolean"#,
            ),
            (Dsl, r#"{"legacy":true}"#, ""),
            (
                Search,
                r#"{"now":5}"#,
                r#"invalid search request options: invalid type: integer `5`, expected a string"#,
            ),
            (
                Search,
                r#"{"legacy":1}"#,
                r#"invalid search request options: invalid type: integer `1`, expected a boolean"#,
            ),
            (
                Search,
                r#"{"y":1}"#,
                r#"invalid search request options: unknown field `y`, expected `legacy` or `now`"#,
            ),
            (Search, r#"{"now":null}"#, ""),
            (
                Search,
                r#"{"now":"2026-01-01T00:00:00Z","legacy":true}"#,
                "",
            ),
            (
                Search,
                r#"[]"#,
                r#"invalid search request options: invalid length 0, expected struct SearchRequestOptions with 2 elements"#,
            ),
            (Search, r#"[true,"n"]"#, ""),
            (
                Search,
                r#"[true,"n",3]"#,
                r#"invalid search request options: trailing characters"#,
            ),
            (
                Search,
                r#"5"#,
                r#"invalid search request options: invalid type: integer `5`, expected struct SearchRequestOptions"#,
            ),
            (
                Search,
                r#"null"#,
                r#"invalid search request options: invalid type: null, expected struct SearchRequestOptions"#,
            ),
            (
                Search,
                r#"{"now":"a","now":"b"}"#,
                r#"invalid search request options: duplicate field `now`"#,
            ),
            (
                Ingest,
                r#"{"input":5}"#,
                r#"invalid normalize options: invalid type: integer `5`, expected a string"#,
            ),
            (
                Ingest,
                r#"{"keepOriginal":"no"}"#,
                r#"invalid normalize options: invalid type: string "no", expected a boolean"#,
            ),
            (
                Ingest,
                r#"{"z":1}"#,
                r#"invalid normalize options: unknown field `z`, expected `input` or `keepOriginal`"#,
            ),
            (Ingest, r#"{"input":null}"#, ""),
            (Ingest, r#"{"input":"ecs","keepOriginal":true}"#, ""),
            (
                Ingest,
                r#"{"input":"x"}"#,
                r#"`input` must be auto, ecs or azure, not `x`"#,
            ),
            (
                Ingest,
                r#"[]"#,
                r#"invalid normalize options: invalid length 0, expected struct Given with 2 elements"#,
            ),
            (
                Ingest,
                r#"["ecs"]"#,
                r#"invalid normalize options: invalid length 1, expected struct Given with 2 elements"#,
            ),
            (
                Ingest,
                r#"["ecs",true,1]"#,
                r#"invalid normalize options: trailing characters"#,
            ),
            (
                Ingest,
                r#"5"#,
                r#"invalid normalize options: invalid type: integer `5`, expected struct Given"#,
            ),
            (
                Ingest,
                r#"null"#,
                r#"invalid normalize options: invalid type: null, expected struct Given"#,
            ),
            (
                Ingest,
                r#"{"input":"a","input":"b"}"#,
                r#"invalid normalize options: duplicate field `input`"#,
            ),
            (Ingest, r#"{"keepOriginal":null}"#, ""),
            (
                Run,
                r#"{"start":"x"}"#,
                r#"invalid run options: `x` is not an RFC 3339 time such as 2026-11-27T12:00:00Z"#,
            ),
            (
                Run,
                r#"{"end":"2026-13-01T00:00:00Z"}"#,
                r#"invalid run options: `2026-13-01T00:00:00Z` is not an RFC 3339 time such as 2026-11-27T12:00:00Z"#,
            ),
            (
                Run,
                r#"{"now":"yesterday"}"#,
                r#"invalid run options: `yesterday` is not an RFC 3339 time such as 2026-11-27T12:00:00Z"#,
            ),
            (
                Run,
                r#"{"start":5}"#,
                r#"invalid run options: invalid type: integer `5`, expected a string"#,
            ),
            (
                Run,
                r#"{"start":1.5}"#,
                r#"invalid run options: invalid type: number, expected a string"#,
            ),
            (
                Run,
                r#"{"end":true}"#,
                r#"invalid run options: invalid type: boolean `true`, expected a string"#,
            ),
            (
                Run,
                r#"{"now":[]}"#,
                r#"invalid run options: invalid type: sequence, expected a string"#,
            ),
            (Run, r#"{"start":null,"end":null,"now":null}"#, ""),
            (
                Run,
                r#"{"start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00Z","now":"2026-01-02T00:00:00Z","output":"ndjson"}"#,
                "",
            ),
            (
                Run,
                r#"{"output":null}"#,
                r#"invalid run options: invalid type: null, expected `objects` or `ndjson`"#,
            ),
            (
                Run,
                r#"{"output":5}"#,
                r#"invalid run options: invalid type: integer `5`, expected `objects` or `ndjson`"#,
            ),
            (
                Run,
                r#"{"output":"x"}"#,
                r#"invalid run options: unknown variant `x`, expected `objects` or `ndjson`"#,
            ),
            (
                Run,
                r#"{"bogus":1}"#,
                r#"invalid run options: unknown field `bogus`, expected one of `start`, `end`, `now`, `output`"#,
            ),
            (
                Run,
                r#"{"now":"2026-01-01T00:00:00Z","now":"x"}"#,
                r#"invalid run options: duplicate field `now`"#,
            ),
            (
                Run,
                r#"{"now":"x","now":"y"}"#,
                r#"invalid run options: `x` is not an RFC 3339 time such as 2026-11-27T12:00:00Z"#,
            ),
            (
                Run,
                r#"{"start":"x","bogus":1}"#,
                r#"invalid run options: `x` is not an RFC 3339 time such as 2026-11-27T12:00:00Z"#,
            ),
            (
                Run,
                r#"{"bogus":1,"start":"x"}"#,
                r#"invalid run options: unknown field `bogus`, expected one of `start`, `end`, `now`, `output`"#,
            ),
            (
                Run,
                r#"{"start":"\ud800"}"#,
                r#"invalid run options: unexpected end of hex escape"#,
            ),
            (Run, r#"[]"#, ""),
            (Run, r#"[null]"#, ""),
            (Run, r#"[null,null,null,"ndjson"]"#, ""),
            (
                Run,
                r#"[null,null,null,"ndjson",1]"#,
                r#"invalid run options: trailing characters"#,
            ),
            (
                Run,
                r#"["x"]"#,
                r#"invalid run options: `x` is not an RFC 3339 time such as 2026-11-27T12:00:00Z"#,
            ),
            (
                Run,
                r#"5"#,
                r#"invalid run options: invalid type: integer `5`, expected struct RunOptions"#,
            ),
            (
                Run,
                r#"null"#,
                r#"invalid run options: invalid type: null, expected struct RunOptions"#,
            ),
            (
                Run,
                r#""x""#,
                r#"invalid run options: invalid type: string "x", expected struct RunOptions"#,
            ),
            (Run, r#"{}"#, ""),
            (
                Run,
                r#"{"start":"2026-01-01T00:00:00Z",}"#,
                r#"invalid run options: trailing comma"#,
            ),
        ];
        for (options, text, expected) in &cases {
            assert_eq!(message(options, text), *expected, "{text}");
        }
    }
}
