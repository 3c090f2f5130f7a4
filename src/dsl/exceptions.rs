//! Rule exception items as the query DSL Kibana adds to a rule's search.
//!
//! Kibana does not evaluate exception items: the lists plugin's
//! `buildExceptionFilter` turns them into one filter that the detection engine
//! negates, and `buildEsQuery` puts it in the search's `must_not`
//! ([`super::request::exception_filter`]). This module builds the clauses of
//! that filter's `bool.should`, one per item (or per operating system variant
//! of an item), exactly as the lists plugin does, key order included. Source:
//! elastic/kibana,
//! `x-pack/solutions/security/plugins/lists/server/services/exception_lists/build_exception_filter.ts`
//! (earlier `packages/kbn-securitysolution-list-utils/src/build_exception_filter/index.ts`),
//! called by the detection engine's `create_security_rule_type_wrapper.ts`
//! with `startedAt` (the execution's start), `excludeExceptions: true` and
//! `chunkSize: 10`:
//!
//! - `removeExpiredExceptions` drops items whose `expire_time` is before the
//!   execution's start (`new Date(expire_time) < startedAt`).
//! - `buildExceptionFilter` partitions the rest with `hasLargeValueList` (an
//!   entry of type `list`): `createOrClauses` builds the items without value
//!   lists first, one after the other, then those with value lists, `chunkSize`
//!   at a time. Chunking only bounds how many list look-ups run at once; every
//!   item's clauses end up in the one `should` (`orClauses.flat()`).
//! - `buildExceptionItemFilter`: a lone entry is its own clause; several are a
//!   `bool.filter`. With `os_types`, `transformOsType` makes one copy of the
//!   entries per system and field, each led by a `match` entry on
//!   `host.os.type` (every system), then on `host.os.name.caseless`, and each
//!   copy is a `bool.filter`.
//! - `createInnerAndClauses`, per entry: `buildMatchClause` (a `should` of one
//!   `match_phrase`, `minimum_should_match: 1`), `buildMatchAnyClause` (the
//!   same for one value; for several, such a `should` of them),
//!   `buildExistsClause` (a `should` of one `exists`),
//!   `buildMatchWildcardClause` (`bool.filter` of `wildcard {field: value}`:
//!   no `value` key, no `case_insensitive`), `buildListClause` (`bool.filter`
//!   of `terms` on the list's values; for `ip_range` lists a `range {gte, lte}`
//!   per `first-last` value and one `terms` for the others, as `should`
//!   clauses with `minimum_should_match: 1`), `buildNestedClause` (`nested`
//!   with `score_mode: none` over the inner entries, named `path.field`).
//!   `excluded` wraps a clause in `bool.must_not` (`buildExclusionClause`),
//!   except for value lists, whose `must_not` takes the place of
//!   `filter`/`should`.
//!
//! Where Kibana builds clauses concurrently (`Promise.all` over an os-typed
//! item's entries and a nested entry's inner entries), each is pushed when its
//! promise settles, not in the entries' order: plain entries first, then nested
//! entries with one inner entry, then those with several, then value lists,
//! which wait for the list index (see [`settle_order`]); value lists among
//! themselves keep their order, their look-ups being sent together. Items with
//! value lists are built `chunkSize` at a time under `Promise.all` too, and
//! come out in the order their look-ups finish, which depends on the lists'
//! sizes and on Elasticsearch's replies: there kql-detect keeps the items'
//! order. Only the JSON differs with these orders, never what the query
//! matches. (Checked against a transcription of `build_exception_filter.ts` run
//! under Node on random items: byte for byte the same, given at most one item
//! with value lists.)
//!
//! Kibana knows no field types here: the clauses are the same for every
//! mapping, and it is Elasticsearch that reads them for the field (the
//! evaluator's [`crate::exception::CompiledExceptions`] does the same, and a
//! test checks that the two agree on every exception case).

use serde_json::Value;

use super::{entry, keyed, nested_query, object};
use crate::collect::try_map;
use crate::error::Error;
use crate::exception::{list_values_in_query, Entry, ExceptionItem, Operator, ValueLists};
use crate::time::Timestamp;

/// The two fields `transformOsType` tests an item's `os_types` on: ECS's, and
/// the one Endpoint and Endgame agents have long filled instead.
const OS_TYPE_FIELDS: [&str; 2] = ["host.os.type", "host.os.name.caseless"];

/// The clauses of the exception filter's `bool.should` for `items` in an
/// execution starting at `started_at`, in Kibana's order: expired items are
/// dropped, and `is in list` entries get the values of `lists`. An empty result
/// means Kibana adds no exception filter. A value list that is missing, or that
/// Kibana would apply after the search rather than put into the query, is an
/// error naming the item, as it is for [`crate::exception::CompiledExceptions`].
pub fn exception_clauses<'i>(
    items: impl IntoIterator<Item = &'i ExceptionItem>,
    started_at: Timestamp,
    lists: &ValueLists,
) -> Result<Vec<Value>, Error> {
    let live: Vec<&ExceptionItem> = items
        .into_iter()
        .filter(|item| {
            item.expire_time
                .is_none_or(|expire_time| expire_time >= started_at)
        })
        .collect();
    let (with_lists, without_lists): (Vec<&ExceptionItem>, Vec<&ExceptionItem>) = live
        .into_iter()
        .partition(|item| has_value_list(&item.entries));
    let mut clauses = Vec::new();
    for item in without_lists.into_iter().chain(with_lists) {
        let builder = Builder { item, lists };
        clauses.extend(builder.item_clauses()?);
    }
    Ok(clauses)
}

/// `hasLargeValueList`: whether an item has an entry of type `list` (nested
/// entries are not looked into).
fn has_value_list(entries: &[Entry]) -> bool {
    entries
        .iter()
        .any(|entry| matches!(entry, Entry::List { .. }))
}

/// Builds one item's clauses.
struct Builder<'b> {
    item: &'b ExceptionItem,
    lists: &'b ValueLists,
}

impl Builder<'_> {
    /// `buildExceptionItemFilter`.
    fn item_clauses(&self) -> Result<Vec<Value>, Error> {
        let entries: Vec<&Entry> = self.item.entries.iter().collect();
        if !self.item.os_types.is_empty() {
            return self.os_typed_clauses(&entries);
        }
        if let [entry] = entries[..] {
            return Ok(vec![self.clause(entry, None)?]);
        }
        // Entries are built one after the other here (a `for` loop with
        // `await`), so they keep their order.
        let filter = try_map(entries, |entry| self.clause(entry, None))?;
        Ok(vec![bool_filter(filter.into())])
    }

    /// `buildExceptionItemFilterWithOsType` over `transformOsType`'s copies:
    /// every system on `host.os.type`, then every system on
    /// `host.os.name.caseless`.
    fn os_typed_clauses(&self, entries: &[&Entry]) -> Result<Vec<Value>, Error> {
        let mut clauses = Vec::new();
        for field in OS_TYPE_FIELDS {
            for os_type in &self.item.os_types {
                let os_entry = Entry::Match {
                    field: field.to_string(),
                    operator: Operator::Included,
                    value: os_type.clone(),
                };
                let copy: Vec<&Entry> = std::iter::once(&os_entry)
                    .chain(entries.iter().copied())
                    .collect();
                let filter = self.concurrent_clauses(&copy, None)?;
                clauses.push(bool_filter(filter.into()));
            }
        }
        Ok(clauses)
    }

    /// Clauses Kibana builds under `Promise.all`, in the order they settle.
    fn concurrent_clauses(
        &self,
        entries: &[&Entry],
        parent: Option<&str>,
    ) -> Result<Vec<Value>, Error> {
        let mut ordered = entries.to_vec();
        // A stable sort: entries that settle together keep their order.
        crate::sort::sort_by_key(&mut ordered, |entry| settle_order(entry));
        try_map(ordered, |entry| self.clause(entry, parent))
    }

    /// `createInnerAndClauses`: one entry's clause; inside a nested entry,
    /// `parent` is its path and prefixes the entry's field.
    fn clause(&self, entry: &Entry, parent: Option<&str>) -> Result<Value, Error> {
        let full = |field: &str| match parent {
            Some(parent) => format!("{parent}.{field}"),
            None => field.to_string(),
        };
        Ok(match entry {
            Entry::Match {
                field,
                operator,
                value,
            } => excluded_if(*operator, phrase(&full(field), value)),
            Entry::MatchAny {
                field,
                operator,
                value,
            } => {
                let field = full(field);
                // getBaseMatchAnyClause: one value is written as a match entry is.
                let clause = match &value[..] {
                    [single] => phrase(&field, single),
                    values => {
                        let should: Vec<Value> =
                            values.iter().map(|value| phrase(&field, value)).collect();
                        one_of(should)
                    }
                };
                excluded_if(*operator, clause)
            }
            Entry::Exists { field, operator } => excluded_if(
                *operator,
                one_of(vec![keyed("exists", "field", full(field).into())]),
            ),
            Entry::Wildcard {
                field,
                operator,
                value,
            } => excluded_if(
                *operator,
                bool_filter(keyed("wildcard", &full(field), value.as_str().into())),
            ),
            Entry::List {
                field,
                operator,
                list,
            } => {
                let values = list_values_in_query(self.item, entry, list, self.lists)?;
                list_clause(&full(field), *operator, &list.list_type, values)
            }
            // buildNestedClause names the path as the entry has it, whatever the parent.
            Entry::Nested { field, entries } => {
                let query = match &entries[..] {
                    [single] => self.clause(single, Some(field))?,
                    several => {
                        let several: Vec<&Entry> = several.iter().collect();
                        let filter = self.concurrent_clauses(&several, Some(field))?;
                        bool_filter(filter.into())
                    }
                };
                nested_query(field.as_str().into(), query)
            }
        })
    }
}

/// When an entry's clause is pushed among others built under `Promise.all`:
/// how many promise jobs (or, for value lists, which round trip to the list
/// index) its `createInnerAndClauses` takes before it settles. Plain entries
/// resolve at once; a nested entry awaits `buildNestedClause`, which awaits
/// `getBaseNestedClause`, which awaits one inner entry directly or several
/// through one more `Promise.all`; a value list awaits `findAllListItems`,
/// which only returns after every pending job has run. Found by running the
/// same async structure under Node (20), whose `await` semantics Kibana's
/// supported Node versions share.
fn settle_order(entry: &Entry) -> u8 {
    match entry {
        Entry::Match { .. }
        | Entry::MatchAny { .. }
        | Entry::Exists { .. }
        | Entry::Wildcard { .. } => 0,
        Entry::Nested { entries, .. } if entries.len() == 1 => 1,
        Entry::Nested { .. } => 2,
        Entry::List { .. } => 3,
    }
}

/// `{bool: {minimum_should_match: 1, should: [{match_phrase: {field: value}}]}}`.
fn phrase(field: &str, value: &str) -> Value {
    one_of(vec![keyed("match_phrase", field, value.into())])
}

/// `{bool: {filter}}`.
fn bool_filter(filter: Value) -> Value {
    entry("bool", entry("filter", filter))
}

/// `{bool: {minimum_should_match: 1, should}}`.
fn one_of(should: Vec<Value>) -> Value {
    let bool_query = object([
        ("minimum_should_match", 1.into()),
        ("should", should.into()),
    ]);
    entry("bool", bool_query)
}

/// `buildExclusionClause` for an excluded entry; the clause itself otherwise.
fn excluded_if(operator: Operator, clause: Value) -> Value {
    match operator {
        Operator::Included => clause,
        Operator::Excluded => entry("bool", entry("must_not", clause)),
    }
}

/// `buildListClause` over the list's values.
fn list_clause(field: &str, operator: Operator, list_type: &str, values: &[String]) -> Value {
    let occur = |included: &'static str| match operator {
        Operator::Included => included,
        Operator::Excluded => "must_not",
    };
    if list_type != "ip_range" {
        return keyed(
            "bool",
            occur("filter"),
            keyed("terms", field, values.to_vec().into()),
        );
    }
    let (ranges, others): (Vec<&String>, Vec<&String>) =
        values.iter().partition(|value| value.contains('-'));
    let mut clauses: Vec<Value> = ranges
        .iter()
        .map(|range| {
            // JavaScript's `const [gte, lte] = range.split('-')`: the text up
            // to the first dash, and from there up to the next.
            let mut bounds = range.split('-');
            let gte = bounds.next().unwrap_or_default();
            let lte = bounds.next().unwrap_or_default();
            keyed(
                "range",
                field,
                object([("gte", gte.into()), ("lte", lte.into())]),
            )
        })
        .collect();
    if !others.is_empty() {
        let others: Vec<Value> = others
            .into_iter()
            .map(|value| value.as_str().into())
            .collect();
        clauses.push(keyed("terms", field, others.into()));
    }
    let mut bool_query = serde_json::Map::new();
    bool_query.insert(occur("should").to_string(), Value::Array(clauses));
    bool_query.insert("minimum_should_match".to_string(), 1.into());
    entry("bool", Value::Object(bool_query))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: &str) -> ExceptionItem {
        crate::exception::load::item_for_test(json)
    }

    #[test]
    fn a_missing_or_unprocessable_list_is_an_error_naming_the_item() {
        let admins = item(
            r#"{"list_id":"l","item_id":"admins","entries":[{"field":"user.name","operator":"included","type":"list","list":{"id":"admins","type":"keyword"}}]}"#,
        );
        let error = exception_clauses([&admins], Timestamp(0), &ValueLists::new()).unwrap_err();
        assert_eq!(error.kind, "unknown_value_list");
        assert!(error.message.contains("(admins)"), "{}", error.message);

        let phrases = item(
            r#"{"list_id":"l","item_id":"noise","entries":[{"field":"message","operator":"included","type":"list","list":{"id":"phrases","type":"text"}}]}"#,
        );
        let lists = ValueLists::from([("phrases".to_string(), vec!["disk full".to_string()])]);
        let error = exception_clauses([&phrases], Timestamp(0), &lists).unwrap_err();
        assert_eq!(error.kind, "unsupported_value_list");
    }

    #[test]
    fn entries_built_concurrently_come_out_in_the_order_they_settle() {
        let os_typed = item(
            r#"{"list_id":"l","item_id":"a","os_types":["linux"],"entries":[
                {"field":"l","operator":"included","type":"list","list":{"id":"v","type":"keyword"}},
                {"field":"n2","type":"nested","entries":[{"field":"a","operator":"included","type":"exists"},{"field":"b","operator":"included","type":"exists"}]},
                {"field":"n1","type":"nested","entries":[{"field":"a","operator":"included","type":"exists"}]},
                {"field":"e","operator":"included","type":"exists"}]}"#,
        );
        let lists = ValueLists::from([("v".to_string(), vec!["x".to_string()])]);
        let clauses = exception_clauses([&os_typed], Timestamp(0), &lists).unwrap();
        assert_eq!(clauses.len(), 2);
        let kinds: Vec<String> = clauses[0]["bool"]["filter"]
            .as_array()
            .unwrap()
            .iter()
            .map(|clause| match clause.get("nested") {
                Some(nested) => nested["path"].as_str().unwrap().to_string(),
                None => clause.to_string(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                r#"{"bool":{"minimum_should_match":1,"should":[{"match_phrase":{"host.os.type":"linux"}}]}}"#,
                r#"{"bool":{"minimum_should_match":1,"should":[{"exists":{"field":"e"}}]}}"#,
                "n1",
                "n2",
                r#"{"bool":{"filter":{"terms":{"l":["x"]}}}}"#,
            ]
        );
        assert_eq!(
            clauses[1]["bool"]["filter"][0]["bool"]["should"][0]["match_phrase"]
                ["host.os.name.caseless"],
            "linux"
        );
    }
}
