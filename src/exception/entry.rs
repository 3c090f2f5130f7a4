//! Reads an exception [`Entry`] by hand, as serde's derived reader for the
//! internally tagged enum (`#[serde(tag = "type")]`) did, message for message.
//!
//! Why by hand: serde buffers such an enum's fields into its private
//! `Content` before it knows the variant, and reads every variant, field and
//! nested entry from that buffer: six copies of the buffer's reader, about
//! 50 KB of wasm (15 KB gzipped) for six small shapes.
//!
//! Why so literal: the messages reach users ("malformed exception item: …",
//! with where the reader stopped), so they stay what they were, quirks
//! included. Like serde, the outer `type` is read from the deserializer as
//! it comes (an error there points at it), the other fields are buffered as
//! serde buffers them ([`Content`]: through a `Value` a number is `integer
//! `5``; from text serde_json hands every number over as a map; an integer
//! beyond 64 bits is refused), and the variant is read from the buffer, where
//! a list gives the fields in order (`["match", "a", "included", "b"]`) and
//! a nested entry's `type` may be the variant's index.
//! `tests/exception_entry_reader.rs` compares this with the derived reader.

use std::fmt::{self, Formatter};

use serde::de::{Error as _, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Error;

use super::{Entry, Operator, ValueListReference};

const EXPECTING_ENTRY: &str = "internally tagged enum Entry";
const VARIANTS: &[&str] = &["match", "match_any", "wildcard", "exists", "list", "nested"];
const OPERATORS: &[&str] = &["included", "excluded"];

/// A value as serde's buffer holds it, read the way that buffer reads it
/// (so a number serde_json keeps as text arrives as a map, and an integer
/// wider than 64 bits is refused).
enum Content {
    Unit,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    Seq(Vec<Content>),
    Map(Vec<(String, Content)>),
}

impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Content, D::Error> {
        deserializer.deserialize_any(ContentVisitor)
    }
}

struct ContentVisitor;

impl<'de> Visitor<'de> for ContentVisitor {
    type Value = Content;

    fn expecting(&self, formatter: &mut Formatter) -> fmt::Result {
        formatter.write_str("any value")
    }

    fn visit_unit<E>(self) -> Result<Content, E> {
        Ok(Content::Unit)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Content, E> {
        Ok(Content::Bool(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Content, E> {
        Ok(Content::U64(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Content, E> {
        Ok(Content::I64(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Content, E> {
        Ok(Content::F64(value))
    }

    fn visit_str<E>(self, text: &str) -> Result<Content, E> {
        Ok(Content::Str(text.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Content, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Content::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Content, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Content::Map(entries))
    }
}

impl Content {
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Content::Unit => Unexpected::Unit,
            Content::Bool(value) => Unexpected::Bool(*value),
            Content::U64(value) => Unexpected::Unsigned(*value),
            Content::I64(value) => Unexpected::Signed(*value),
            Content::F64(value) => Unexpected::Float(*value),
            Content::Str(text) => Unexpected::Str(text),
            Content::Seq(_) => Unexpected::Seq,
            Content::Map(_) => Unexpected::Map,
        }
    }

    fn invalid_type(&self, expected: &str) -> Error {
        Error::invalid_type(self.unexpected(), &expected)
    }
}

/// Reads an entry of an item's `entries` (the outer level): its `type` is
/// read from `deserializer` as it comes, the other fields buffered, then
/// the variant read from the buffer.
pub(super) fn entry<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Entry, D::Error> {
    let (tag, content) = deserializer.deserialize_any(OuterVisitor)?;
    variant(tag, content).map_err(D::Error::custom)
}

/// The outer entry's fields, its variant apart.
struct OuterVisitor;

impl<'de> Visitor<'de> for OuterVisitor {
    type Value = (usize, Content);

    fn expecting(&self, formatter: &mut Formatter) -> fmt::Result {
        formatter.write_str(EXPECTING_ENTRY)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(usize, Content), A::Error> {
        let Some(Tag(tag)) = seq.next_element()? else {
            return Err(A::Error::missing_field("type"));
        };
        Ok((tag, ContentVisitor.visit_seq(seq)?))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(usize, Content), A::Error> {
        let mut tag = None;
        let mut rest = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "type" {
                tag = Some(map.next_value::<Tag>()?.0);
            } else {
                rest.push((key, map.next_value()?));
            }
        }
        let tag = tag.ok_or_else(|| A::Error::missing_field("type"))?;
        Ok((tag, Content::Map(rest)))
    }
}

/// A variant's index, read as serde reads a variant identifier: its name
/// or its index.
struct Tag(usize);

impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tag, D::Error> {
        deserializer.deserialize_identifier(TagVisitor)
    }
}

struct TagVisitor;

impl Visitor<'_> for TagVisitor {
    type Value = Tag;

    fn expecting(&self, formatter: &mut Formatter) -> fmt::Result {
        formatter.write_str("variant identifier")
    }

    fn visit_u64<E: serde::de::Error>(self, index: u64) -> Result<Tag, E> {
        variant_at(index).map(Tag).map_err(E::custom)
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Tag, E> {
        variant_named(name).map(Tag).map_err(E::custom)
    }
}

fn variant_named(name: &str) -> Result<usize, Error> {
    VARIANTS
        .iter()
        .position(|variant| *variant == name)
        .ok_or_else(|| Error::unknown_variant(name, VARIANTS))
}

fn variant_at(index: u64) -> Result<usize, Error> {
    match usize::try_from(index) {
        Ok(index) if index < VARIANTS.len() => Ok(index),
        _ => Err(Error::invalid_value(
            Unexpected::Unsigned(index),
            &"variant index 0 <= i < 6",
        )),
    }
}

/// A nested entry, read from the buffer.
fn nested_entry(content: Content) -> Result<Entry, Error> {
    match content {
        Content::Map(entries) => {
            let mut tag = None;
            let mut rest = Vec::new();
            for (key, value) in entries {
                if key == "type" {
                    tag = Some(buffered_tag(value)?);
                } else {
                    rest.push((key, value));
                }
            }
            let tag = tag.ok_or_else(|| Error::missing_field("type"))?;
            variant(tag, Content::Map(rest))
        }
        Content::Seq(items) => {
            let mut items = items.into_iter();
            let tag = buffered_tag(items.next().ok_or_else(|| Error::missing_field("type"))?)?;
            variant(tag, Content::Seq(items.collect()))
        }
        other => Err(other.invalid_type(EXPECTING_ENTRY)),
    }
}

/// A nested entry's `type`: a variant's name or its index.
fn buffered_tag(content: Content) -> Result<usize, Error> {
    match content {
        Content::Str(name) => variant_named(&name),
        Content::U64(index) if index < VARIANTS.len() as u64 => Ok(index as usize),
        Content::U64(index) => Err(Error::invalid_value(
            Unexpected::Unsigned(index),
            &"variant index 0 <= i < 6",
        )),
        other => Err(other.invalid_type("variant identifier")),
    }
}

/// The fields of the variant `tag` (an index into [`VARIANTS`]).
fn variant(tag: usize, content: Content) -> Result<Entry, Error> {
    let (expecting, names): (&str, &'static [&'static str]) = match tag {
        0 => (
            "struct variant Entry::Match",
            &["field", "operator", "value"],
        ),
        1 => (
            "struct variant Entry::MatchAny",
            &["field", "operator", "value"],
        ),
        2 => (
            "struct variant Entry::Wildcard",
            &["field", "operator", "value"],
        ),
        3 => ("struct variant Entry::Exists", &["field", "operator"]),
        4 => ("struct variant Entry::List", &["field", "operator", "list"]),
        _ => ("struct variant Entry::Nested", &["field", "entries"]),
    };
    let mut fields = Fields::read(content, expecting, names, &mut |name, value| {
        field(tag, name, value)
    })?;
    let field = fields.take_string("field")?;
    Ok(match tag {
        0 => Entry::Match {
            field,
            operator: fields.take_operator()?,
            value: fields.take_string("value")?,
        },
        1 => Entry::MatchAny {
            field,
            operator: fields.take_operator()?,
            value: fields.take_strings()?,
        },
        2 => Entry::Wildcard {
            field,
            operator: fields.take_operator()?,
            value: fields.take_string("value")?,
        },
        3 => Entry::Exists {
            field,
            operator: fields.take_operator()?,
        },
        4 => Entry::List {
            field,
            operator: fields.take_operator()?,
            list: fields.take_list()?,
        },
        _ => Entry::Nested {
            field,
            entries: fields.take_entries()?,
        },
    })
}

/// One field's value, read as the variant's field `name` wants it.
fn field(tag: usize, name: &str, content: Content) -> Result<Read, Error> {
    Ok(match name {
        "field" => Read::String(non_empty(content)?),
        "operator" => Read::Operator(operator(content)?),
        "value" if tag == 1 => Read::Strings(non_empty_strings(content)?),
        "value" => Read::String(non_empty(content)?),
        "list" => Read::List(list_reference(content)?),
        _ => Read::Entries(nested_entries(content)?),
    })
}

/// A field's value once read.
enum Read {
    String(String),
    Strings(Vec<String>),
    Operator(Operator),
    List(ValueListReference),
    Entries(Vec<Entry>),
}

/// A struct's fields read from a map (known keys in their order, others
/// skipped, a missing one an error) or from a list (in declaration order).
struct Fields {
    names: &'static [&'static str],
    values: Vec<Option<Read>>,
}

impl Fields {
    fn read(
        content: Content,
        expecting: &str,
        names: &'static [&'static str],
        read: &mut dyn FnMut(&str, Content) -> Result<Read, Error>,
    ) -> Result<Fields, Error> {
        let mut values: Vec<Option<Read>> = names.iter().map(|_| None).collect();
        match content {
            Content::Map(entries) => {
                for (key, value) in entries {
                    if let Some(at) = names.iter().position(|name| *name == key) {
                        values[at] = Some(read(&key, value)?);
                    }
                }
                if let Some(at) = values.iter().position(Option::is_none) {
                    return Err(Error::missing_field(names[at]));
                }
            }
            Content::Seq(items) => {
                let count = items.len();
                let mut items = items.into_iter();
                for (at, name) in names.iter().enumerate() {
                    let item = items.next().ok_or_else(|| {
                        Error::invalid_length(
                            at,
                            &format!("{expecting} with {} elements", names.len()).as_str(),
                        )
                    })?;
                    values[at] = Some(read(name, item)?);
                }
                if count > names.len() {
                    return Err(Error::invalid_length(
                        count,
                        &format!("{} elements in sequence", names.len()).as_str(),
                    ));
                }
            }
            other => return Err(other.invalid_type(expecting)),
        }
        Ok(Fields { names, values })
    }

    fn take(&mut self, name: &str) -> Option<Read> {
        let at = self.names.iter().position(|known| *known == name)?;
        self.values[at].take()
    }

    fn take_string(&mut self, name: &'static str) -> Result<String, Error> {
        match self.take(name) {
            Some(Read::String(text)) => Ok(text),
            _ => Err(Error::missing_field(name)),
        }
    }

    fn take_strings(&mut self) -> Result<Vec<String>, Error> {
        match self.take("value") {
            Some(Read::Strings(values)) => Ok(values),
            _ => Err(Error::missing_field("value")),
        }
    }

    fn take_operator(&mut self) -> Result<Operator, Error> {
        match self.take("operator") {
            Some(Read::Operator(operator)) => Ok(operator),
            _ => Err(Error::missing_field("operator")),
        }
    }

    fn take_list(&mut self) -> Result<ValueListReference, Error> {
        match self.take("list") {
            Some(Read::List(list)) => Ok(list),
            _ => Err(Error::missing_field("list")),
        }
    }

    fn take_entries(&mut self) -> Result<Vec<Entry>, Error> {
        match self.take("entries") {
            Some(Read::Entries(entries)) => Ok(entries),
            _ => Err(Error::missing_field("entries")),
        }
    }
}

fn string(content: Content) -> Result<String, Error> {
    match content {
        Content::Str(text) => Ok(text),
        other => Err(other.invalid_type("a string")),
    }
}

/// Kibana's `NonEmptyString`.
fn non_empty(content: Content) -> Result<String, Error> {
    let text = string(content)?;
    if text.trim().is_empty() {
        return Err(Error::custom("must not be empty or only white space"));
    }
    Ok(text)
}

fn non_empty_strings(content: Content) -> Result<Vec<String>, Error> {
    let values = match content {
        Content::Seq(items) => items
            .into_iter()
            .map(string)
            .collect::<Result<Vec<_>, _>>()?,
        other => return Err(other.invalid_type("a sequence")),
    };
    if values.is_empty() || values.iter().any(|value| value.trim().is_empty()) {
        return Err(Error::custom(
            "must be a list of values, none empty or only white space",
        ));
    }
    Ok(values)
}

/// `included` or `excluded`, written as a string or as a map of one key
/// whose value is `null` or `{}`.
fn operator(content: Content) -> Result<Operator, Error> {
    let (name, value) = match content {
        Content::Str(name) => (name, None),
        Content::Map(mut entries) if entries.len() == 1 => match entries.pop() {
            Some((name, value)) => (name, Some(value)),
            None => {
                return Err(Error::invalid_value(
                    Unexpected::Map,
                    &"map with a single key",
                ))
            }
        },
        Content::Map(_) => {
            return Err(Error::invalid_value(
                Unexpected::Map,
                &"map with a single key",
            ))
        }
        other => return Err(other.invalid_type("string or map")),
    };
    let operator = match name.as_str() {
        "included" => Operator::Included,
        "excluded" => Operator::Excluded,
        _ => return Err(Error::unknown_variant(&name, OPERATORS)),
    };
    match value {
        // serde reads an empty map as a unit too.
        None | Some(Content::Unit) => Ok(operator),
        Some(Content::Map(entries)) if entries.is_empty() => Ok(operator),
        Some(other) => Err(other.invalid_type("unit")),
    }
}

fn list_reference(content: Content) -> Result<ValueListReference, Error> {
    let mut fields = Fields::read(
        content,
        "struct ValueListReference",
        &["id", "type"],
        &mut |name, value| {
            Ok(Read::String(if name == "id" {
                non_empty(value)?
            } else {
                string(value)?
            }))
        },
    )?;
    Ok(ValueListReference {
        id: fields.take_string("id")?,
        list_type: fields.take_string("type")?,
    })
}

/// Kibana's `nonEmptyNestedEntriesArray`: `match`, `match_any` and `exists` only.
fn nested_entries(content: Content) -> Result<Vec<Entry>, Error> {
    let entries = match content {
        Content::Seq(items) => items
            .into_iter()
            .map(nested_entry)
            .collect::<Result<Vec<_>, _>>()?,
        other => return Err(other.invalid_type("a sequence")),
    };
    if entries.is_empty() {
        return Err(Error::custom("an item needs at least one entry"));
    }
    let allowed = |entry: &Entry| {
        matches!(
            entry,
            Entry::Match { .. } | Entry::MatchAny { .. } | Entry::Exists { .. }
        )
    };
    if !entries.iter().all(allowed) {
        return Err(Error::custom(
            "a nested entry may only hold match, match_any and exists entries",
        ));
    }
    Ok(entries)
}
