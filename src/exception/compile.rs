//! Exception items compiled for a schema, and evaluated against events.
//!
//! Each entry becomes a [`CompiledQuery`] of its own, so an explanation can
//! show the user's entries one by one: `match`, `match_any`, `exists` and
//! `nested` entries through the KQL that means the same, `wildcard` and `list`
//! entries through the term-level queries Kibana sends (see the module docs of
//! [`crate::exception`] for the sources).

use std::fmt::{self, Display, Formatter, Write as _};

use serde::Serialize;

use super::{Entry, ExceptionItem, NamespaceType, Operator, ValueListReference, ValueLists};
use crate::collect::try_map;
use crate::compile::{Comparison, CompileError, CompiledQuery, Matcher, MatcherKind};
use crate::error::{Error, ErrorType};
use crate::event::Event;
use crate::explain::ClauseExplanation;
use crate::kql::{self, Literal, Value};
use crate::schema::Schema;
use crate::span::Span;
use crate::time::Timestamp;

/// At most this many values of a value list go into Kibana's query
/// (`MAXIMUM_SMALL_VALUE_LIST_SIZE`); longer lists are applied after the search.
const MAXIMUM_SMALL_VALUE_LIST_SIZE: usize = 65_536;

/// At most this many `first-last` ranges of an `ip_range` list go into the
/// query (`MAXIMUM_SMALL_IP_RANGE_VALUE_LIST_DASH_SIZE`).
const MAXIMUM_SMALL_IP_RANGE_VALUE_LIST_DASH_SIZE: usize = 200;

/// Exception items ready to evaluate: an event is excepted when any item that
/// has not expired matches it.
#[derive(Clone, Debug, Default)]
pub struct CompiledExceptions {
    items: Vec<CompiledItem>,
    /// The values of the value lists the items name, kept so the items can
    /// also be written as the query DSL Kibana sends ([`crate::dsl::exception_clauses`]).
    lists: ValueLists,
}

/// Which item an explanation or an excepted alert is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemSummary {
    /// The item's saved-object id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The item's `item_id`, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    /// The item's name.
    pub name: String,
    /// The list the item belongs to.
    pub list_id: String,
    /// The list's namespace.
    pub namespace_type: NamespaceType,
    /// When the item stops applying.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
}

#[derive(Clone, Debug)]
struct CompiledItem {
    /// The item as it was loaded.
    source: ExceptionItem,
    summary: ItemSummary,
    expire_time: Option<Timestamp>,
    entries: Vec<CompiledEntry>,
}

#[derive(Clone, Debug)]
struct CompiledEntry {
    /// The entry in Kibana's words.
    description: String,
    /// The clause text the query's spans point into.
    text: String,
    query: CompiledQuery,
}

/// Why an entry cannot be compiled: a stable kind and a message.
struct EntryError {
    kind: &'static str,
    message: String,
}

impl From<CompileError> for EntryError {
    fn from(error: CompileError) -> EntryError {
        EntryError {
            kind: error.kind.tag(),
            message: error.kind.to_string(),
        }
    }
}

/// What compiling needs besides the item.
struct Context<'c> {
    schema: &'c Schema,
    now: Timestamp,
    lists: &'c ValueLists,
}

impl CompiledExceptions {
    /// Compiles `items` for `schema`; date math in values is relative to `now`,
    /// and `lists` holds the values of the value lists `is in list` entries name.
    /// An entry Elasticsearch would reject, a missing value list, or one Kibana
    /// would not put into the query is an error naming the item.
    pub fn compile<'i>(
        items: impl IntoIterator<Item = &'i ExceptionItem>,
        schema: &Schema,
        now: Timestamp,
        lists: &ValueLists,
    ) -> Result<CompiledExceptions, Error> {
        let context = Context { schema, now, lists };
        let items = try_map(items, |item| compile_item(item, &context))?;
        // Compiling succeeded, so every list an item names was given.
        // Inserted one by one: collecting into the map would sort its entries
        // first, with a copy of the standard library's sort of its own.
        let mut named = ValueLists::new();
        for id in items.iter().flat_map(|item| list_ids(&item.source.entries)) {
            if let Some(values) = lists.get(id) {
                named.insert(id.to_string(), values.clone());
            }
        }
        Ok(CompiledExceptions {
            items,
            lists: named,
        })
    }

    /// The items, expired ones included, in the order they were compiled.
    pub fn items(&self) -> impl Iterator<Item = &ExceptionItem> {
        self.items.iter().map(|item| &item.source)
    }

    /// The values of the value lists the items name (`is in list` entries).
    pub fn value_lists(&self) -> &ValueLists {
        &self.lists
    }

    /// How many items there are, expired ones included.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there is no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every entry's query, for knowing which fields the items read.
    pub fn queries(&self) -> impl Iterator<Item = &CompiledQuery> {
        self.items
            .iter()
            .flat_map(|item| item.entries.iter().map(|entry| &entry.query))
    }

    /// The first item that excepts `event` at `now` (the execution's start), if any.
    pub fn excepting_item(&self, event: &dyn Event, now: Timestamp) -> Option<&ItemSummary> {
        self.items
            .iter()
            .find(|item| !item.is_expired(now) && item.matches(event))
            .map(|item| &item.summary)
    }

    /// Every item's verdict on `event` at `now`, entry by entry.
    pub fn explain(&self, event: &dyn Event, now: Timestamp) -> ExceptionExplanation {
        let items: Vec<ItemExplanation> = self
            .items
            .iter()
            .map(|item| item.explain(event, now))
            .collect();
        let excepted_by = items
            .iter()
            .find(|item| item.matched)
            .map(|item| item.item.clone());
        ExceptionExplanation {
            excepted: excepted_by.is_some(),
            excepted_by,
            items,
        }
    }
}

impl CompiledItem {
    /// Kibana drops items whose `expire_time` is before the execution's start
    /// (`removeExpiredExceptions`: `new Date(expire_time) < startedAt`).
    fn is_expired(&self, now: Timestamp) -> bool {
        self.expire_time
            .is_some_and(|expire_time| expire_time < now)
    }

    fn matches(&self, event: &dyn Event) -> bool {
        self.entries.iter().all(|entry| entry.query.matches(event))
    }

    fn explain(&self, event: &dyn Event, now: Timestamp) -> ItemExplanation {
        let expired = self.is_expired(now);
        let entries: Vec<EntryExplanation> = if expired {
            Vec::new()
        } else {
            self.entries
                .iter()
                .map(|entry| {
                    let clause = entry.query.explain(event, &entry.text);
                    EntryExplanation {
                        entry: entry.description.clone(),
                        matched: clause.matched,
                        clause,
                    }
                })
                .collect()
        };
        ItemExplanation {
            item: self.summary.clone(),
            expired,
            matched: !expired && entries.iter().all(|entry| entry.matched),
            entries,
        }
    }
}

/// The ids of the value lists `entries` name, nested entries included.
fn list_ids(entries: &[Entry]) -> Vec<&str> {
    entries
        .iter()
        .flat_map(|entry| match entry {
            Entry::List { list, .. } => vec![list.id.as_str()],
            Entry::Nested { entries, .. } => list_ids(entries),
            _ => Vec::new(),
        })
        .collect()
}

fn summary_of(item: &ExceptionItem) -> ItemSummary {
    ItemSummary {
        id: item.id.clone(),
        item_id: item.item_id.clone(),
        name: item.name.clone(),
        list_id: item.list_id.clone(),
        namespace_type: item.namespace_type,
        expire_time: item.expire_time.map(|time| time.to_string()),
    }
}

/// The error about one entry of `item`, naming both.
fn entry_failure(item: &ExceptionItem, description: &str, error: EntryError) -> Error {
    let error = Error::new(
        ErrorType::ExceptionInvalid,
        error.kind,
        format!(
            "{}, entry `{description}`: {}",
            summary_of(item),
            error.message
        ),
    );
    if item.origin.is_empty() {
        error
    } else {
        error.in_origin(item.origin.clone())
    }
}

fn compile_item(item: &ExceptionItem, context: &Context<'_>) -> Result<CompiledItem, Error> {
    let summary = summary_of(item);
    let failed = |description: String, error: EntryError| entry_failure(item, &description, error);
    let mut entries = Vec::with_capacity(item.entries.len() + 1);
    if !item.os_types.is_empty() {
        let (description, text) = os_types_clause(&item.os_types);
        let query =
            kql_query(&text, context).map_err(|error| failed(description.clone(), error))?;
        entries.push(CompiledEntry {
            description,
            text,
            query,
        });
    }
    for entry in &item.entries {
        let description = entry.to_string();
        let (text, query) =
            compile_entry(entry, context).map_err(|error| failed(description.clone(), error))?;
        entries.push(CompiledEntry {
            description,
            text,
            query,
        });
    }
    Ok(CompiledItem {
        source: item.clone(),
        summary,
        expire_time: item.expire_time,
        entries,
    })
}

/// `transformOsType`: the item applies where `host.os.type` or, for older
/// Endpoint agents, `host.os.name.caseless` is one of the item's systems.
fn os_types_clause(os_types: &[String]) -> (String, String) {
    let values: Vec<String> = os_types.iter().map(|os| quoted(os)).collect();
    let values = values.join(" or ");
    let text = format!(
        "{}:({values}) or {}:({values})",
        quoted("host.os.type"),
        quoted("host.os.name.caseless")
    );
    let description = format!("os_types {}", os_types.join(", "));
    (description, text)
}

/// The entry's clause text and query.
fn compile_entry(
    entry: &Entry,
    context: &Context<'_>,
) -> Result<(String, CompiledQuery), EntryError> {
    match entry {
        Entry::Wildcard {
            field,
            operator,
            value,
        } => term_level_entry(*operator, format!("{field} matches {value:?}"), || {
            compile_comparison(field, Comparison::Wildcard(value), context)
        }),
        Entry::List {
            field,
            operator,
            list,
        } => list_entry(field, *operator, list, context),
        _ => {
            let text = kql_text(entry).ok_or_else(|| EntryError {
                kind: "malformed_entry",
                message: "a nested entry may only hold match, match_any and exists entries"
                    .to_string(),
            })?;
            let query = kql_query(&text, context)?;
            Ok((text, query))
        }
    }
}

/// The KQL that means what a `match`, `match_any`, `exists` or `nested` entry
/// means to Elasticsearch; `None` for entries KQL cannot write.
fn kql_text(entry: &Entry) -> Option<String> {
    let (clause, operator) = match entry {
        Entry::Match {
            field,
            operator,
            value,
        } => (format!("{}:{}", quoted(field), quoted(value)), operator),
        Entry::MatchAny {
            field,
            operator,
            value,
        } => {
            let values: Vec<String> = value.iter().map(|value| quoted(value)).collect();
            let clause = format!("{}:({})", quoted(field), values.join(" or "));
            (clause, operator)
        }
        Entry::Exists { field, operator } => (format!("{}:*", quoted(field)), operator),
        Entry::Nested { field, entries } => {
            let inner = try_map(entries, |entry| kql_text(entry).ok_or(())).ok()?;
            return Some(format!("{}:{{ {} }}", quoted(field), inner.join(" and ")));
        }
        Entry::Wildcard { .. } | Entry::List { .. } => return None,
    };
    Some(match operator {
        Operator::Included => clause,
        Operator::Excluded => format!("not {clause}"),
    })
}

/// A quoted KQL literal: a field named exactly so (a `*` in it is a
/// character), or a value Kibana's `match_phrase` sends as written.
fn quoted(text: &str) -> String {
    text_literal(text).to_string()
}

fn text_literal(text: &str) -> Literal {
    Literal::new(
        Span::default(),
        Value::Text {
            text: text.to_string(),
            quoted: true,
        },
    )
}

fn kql_query(text: &str, context: &Context<'_>) -> Result<CompiledQuery, EntryError> {
    let node = kql::parse(text).map_err(|error| EntryError {
        kind: "unrepresentable_entry",
        message: format!(
            "kql-detect cannot write this entry as KQL ({:?})",
            error.kind
        ),
    })?;
    Ok(CompiledQuery::compile(&node, context.schema, context.now)?)
}

fn compile_comparison(
    field: &str,
    comparison: Comparison<'_>,
    context: &Context<'_>,
) -> Result<MatcherKind, EntryError> {
    let query = CompiledQuery::compile_comparison(
        &text_literal(field),
        comparison,
        context.schema,
        context.now,
    )?;
    Ok(query.root.kind)
}

/// An entry Kibana builds as a term-level query: `positive` is the clause the
/// included form runs, and an excluded entry is its `must_not`.
fn term_level_entry(
    operator: Operator,
    positive: String,
    build: impl FnOnce() -> Result<MatcherKind, EntryError>,
) -> Result<(String, CompiledQuery), EntryError> {
    let (text, inner_start) = match operator {
        Operator::Included => (positive, 0),
        Operator::Excluded => (format!("not {positive}"), "not ".len()),
    };
    let whole = Span::new(0, text.len());
    let inner = Matcher {
        span: Span::new(inner_start, text.len()),
        kind: build()?,
    };
    let root = match operator {
        Operator::Included => inner,
        Operator::Excluded => Matcher {
            span: whole,
            kind: MatcherKind::Not(Box::new(inner)),
        },
    };
    Ok((text, CompiledQuery { root }))
}

/// `buildListClause`: a `terms` query on the list's values, or for `ip_range`
/// lists a `range` per `first-last` value plus a `terms` for the rest.
fn list_entry(
    field: &str,
    operator: Operator,
    list: &ValueListReference,
    context: &Context<'_>,
) -> Result<(String, CompiledQuery), EntryError> {
    let values = values_in_query(list, context.lists)?;
    let positive = format!("{field} in list {:?}", list.id);
    if list.list_type == "ip_range" {
        return ip_range_entry(field, operator, values, positive, context);
    }
    term_level_entry(operator, positive, || {
        let literals: Vec<Literal> = values.iter().map(|value| text_literal(value)).collect();
        compile_comparison(field, Comparison::Terms(&literals), context)
    })
}

/// The values of `list` that Kibana puts into the rule's query, or why it
/// does not: the list is missing (`buildListClause` throws "Cannot find
/// list"), or Kibana applies it after the search instead
/// (`filterOutUnprocessableValueLists`: only keyword, ip and ip_range lists
/// of at most `MAXIMUM_SMALL_VALUE_LIST_SIZE` values; `buildListClause`: at
/// most `MAXIMUM_SMALL_IP_RANGE_VALUE_LIST_DASH_SIZE` `first-last` ranges).
fn values_in_query<'l>(
    list: &ValueListReference,
    lists: &'l ValueLists,
) -> Result<&'l [String], EntryError> {
    let values = lists.get(&list.id).ok_or_else(|| EntryError {
        kind: "unknown_value_list",
        message: format!("no values were given for value list `{}`", list.id),
    })?;
    if values.len() > MAXIMUM_SMALL_VALUE_LIST_SIZE {
        return Err(after_the_search(format!(
            "value list `{}` has {} values, more than the {MAXIMUM_SMALL_VALUE_LIST_SIZE} Kibana puts into the query",
            list.id,
            values.len()
        )));
    }
    match list.list_type.as_str() {
        "keyword" | "ip" => {}
        "ip_range" => {
            let ranges = values.iter().filter(|value| value.contains('-')).count();
            if ranges > MAXIMUM_SMALL_IP_RANGE_VALUE_LIST_DASH_SIZE {
                return Err(after_the_search(format!(
                    "value list has {ranges} ranges written first-last, more than the {MAXIMUM_SMALL_IP_RANGE_VALUE_LIST_DASH_SIZE} Kibana puts into the query"
                )));
            }
        }
        other => {
            return Err(after_the_search(format!(
                "value list `{}` is of type {other}; Kibana only puts keyword, ip and ip_range lists into the query",
                list.id
            )))
        }
    }
    Ok(values)
}

/// [`values_in_query`] for the `list` entry `entry` of `item`, with the error
/// naming both: what the query DSL of an item's `is in list` entry is built from.
pub(crate) fn list_values_in_query<'l>(
    item: &ExceptionItem,
    entry: &Entry,
    list: &ValueListReference,
    lists: &'l ValueLists,
) -> Result<&'l [String], Error> {
    values_in_query(list, lists).map_err(|error| entry_failure(item, &entry.to_string(), error))
}

fn after_the_search(reason: String) -> EntryError {
    EntryError {
        kind: "unsupported_value_list",
        message: format!(
            "{reason}, and applies others after the search (filterEventsAgainstList) in a way kql-detect does not reproduce"
        ),
    }
}

fn ip_range_entry(
    field: &str,
    operator: Operator,
    values: &[String],
    positive: String,
    context: &Context<'_>,
) -> Result<(String, CompiledQuery), EntryError> {
    let (ranges, others): (Vec<&String>, Vec<&String>) =
        values.iter().partition(|value| value.contains('-'));
    let constant = |text: String, kind: MatcherKind| {
        let root = Matcher {
            span: Span::new(0, text.len()),
            kind,
        };
        Ok((text, CompiledQuery { root }))
    };
    // Without values Kibana's bool query has no clause at all, and Elasticsearch
    // runs a clause-less bool as match_all, for either operator.
    if values.is_empty() {
        return constant(positive, MatcherKind::All);
    }
    if operator == Operator::Excluded {
        return constant(
            format!("not {positive}"),
            MatcherKind::Nothing(
                "Kibana writes `is not in list` for an ip_range list as must_not clauses with minimum_should_match 1 and no should clause, which Elasticsearch matches against no document".to_string(),
            ),
        );
    }
    term_level_entry(Operator::Included, positive, || {
        ip_range_alternatives(field, &ranges, &others, context)
    })
}

/// A `range` per `first-last` value, and one `terms` for the other values.
fn ip_range_alternatives(
    field: &str,
    ranges: &[&String],
    others: &[&String],
    context: &Context<'_>,
) -> Result<MatcherKind, EntryError> {
    let mut alternatives = Vec::with_capacity(ranges.len() + 1);
    for range in ranges {
        // JavaScript's `const [gte, lte] = range.split('-')`.
        let mut bounds = range.split('-');
        let low = text_literal(bounds.next().unwrap_or_default());
        let high = text_literal(bounds.next().unwrap_or_default());
        alternatives.push(compile_comparison(
            field,
            Comparison::Between(&low, &high),
            context,
        )?);
    }
    if !others.is_empty() {
        let literals: Vec<Literal> = others.iter().map(|value| text_literal(value)).collect();
        alternatives.push(compile_comparison(
            field,
            Comparison::Terms(&literals),
            context,
        )?);
    }
    Ok(MatcherKind::Or(
        alternatives
            .into_iter()
            .map(|kind| Matcher {
                span: Span::default(),
                kind,
            })
            .collect(),
    ))
}

impl Display for ItemSummary {
    /// `exception item "Trusted backup job" (backup-1) of list "rule-exceptions"`
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("exception item")?;
        if !self.name.is_empty() {
            write!(f, " {:?}", self.name)?;
        }
        if let Some(item_id) = &self.item_id {
            write!(f, " ({item_id})")?;
        }
        if !self.list_id.is_empty() {
            write!(f, " of list {:?}", self.list_id)?;
        }
        Ok(())
    }
}

/// The verdict of a rule's exceptions on one event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExceptionExplanation {
    /// Whether an item excepts the event (no alert).
    pub excepted: bool,
    /// The first item that does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excepted_by: Option<ItemSummary>,
    /// Every item, in order.
    pub items: Vec<ItemExplanation>,
}

/// One item's verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemExplanation {
    /// The item.
    pub item: ItemSummary,
    /// Whether the item had expired (it then applies to nothing).
    pub expired: bool,
    /// Whether every entry matched (never for an expired item).
    pub matched: bool,
    /// Each entry's verdict (none for an expired item).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<EntryExplanation>,
}

/// One entry's verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntryExplanation {
    /// The entry in Kibana's words: `user.name is not "admin"`.
    pub entry: String,
    /// Whether it matched.
    pub matched: bool,
    /// The query it ran, clause by clause.
    pub clause: ClauseExplanation,
}

impl ExceptionExplanation {
    /// The explanation as indented text, item by item and entry by entry.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Some(item) = &self.excepted_by {
            let _ = writeln!(out, "excepted by {item}");
        }
        for item in &self.items {
            item.render_into(&mut out);
        }
        out
    }
}

impl ItemExplanation {
    fn render_into(&self, out: &mut String) {
        if self.expired {
            let expired_at = self.item.expire_time.as_deref().unwrap_or_default();
            let _ = writeln!(out, "- {} expired at {expired_at}", self.item);
            return;
        }
        let mark = if self.matched { "✓" } else { "✗" };
        let _ = writeln!(out, "{mark} {}", self.item);
        for entry in &self.entries {
            let mark = if entry.matched { "✓" } else { "✗" };
            let _ = writeln!(out, "  {mark} {}", entry.entry);
            for line in entry.clause.render().lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_item(list_type: &str) -> ExceptionItem {
        let json = format!(
            r#"{{"list_id":"l","item_id":"a","entries":[{{"field":"source.ip","operator":"included","type":"list","list":{{"id":"big","type":"{list_type}"}}}}]}}"#
        );
        crate::exception::load::item_for_test(&json)
    }

    fn compile_with(list_type: &str, values: Vec<String>) -> Result<CompiledExceptions, Error> {
        let lists = ValueLists::from([("big".to_string(), values)]);
        let schema = Schema::explicit([("source.ip".to_string(), crate::schema::FieldType::Ip)]);
        CompiledExceptions::compile([&list_item(list_type)], &schema, Timestamp(0), &lists)
    }

    #[test]
    fn lists_kibana_puts_into_the_query_compile_up_to_its_limits() {
        let addresses = |count: usize| -> Vec<String> {
            (0..count)
                .map(|index| format!("10.{}.{}.1", index / 256 % 256, index % 256))
                .collect()
        };
        assert!(compile_with("ip", addresses(MAXIMUM_SMALL_VALUE_LIST_SIZE)).is_ok());
        let error = compile_with("ip", addresses(MAXIMUM_SMALL_VALUE_LIST_SIZE + 1)).unwrap_err();
        assert_eq!(error.kind, "unsupported_value_list");

        let ranges = |count: usize| -> Vec<String> {
            (0..count)
                .map(|index| format!("10.0.{index}.1-10.0.{index}.9"))
                .collect()
        };
        let limit = MAXIMUM_SMALL_IP_RANGE_VALUE_LIST_DASH_SIZE;
        assert!(compile_with("ip_range", ranges(limit)).is_ok());
        let error = compile_with("ip_range", ranges(limit + 1)).unwrap_err();
        assert_eq!(error.kind, "unsupported_value_list");
    }
}
