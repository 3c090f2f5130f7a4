//! Rule exceptions: the conditions under which Elastic Security does not alert
//! even though a rule's query matched.
//!
//! An exception item is a list of entries that must all hold; a rule's items
//! (from every exception list it names in `exceptions_list`) are alternatives:
//! an event any item matches raises no alert. Kibana does not evaluate entries
//! itself. It turns the items into one Elasticsearch filter and adds it to the
//! rule's search as a `must_not`, so an entry means exactly what its query
//! means to Elasticsearch for the field's mapping (sources below, cited in
//! parentheses by these short names):
//!
//! - build_exception_filter: elastic/kibana,
//!   `x-pack/solutions/security/plugins/lists/server/services/exception_lists/build_exception_filter.ts`
//!   (earlier `packages/kbn-securitysolution-list-utils/src/build_exception_filter/index.ts`).
//!   `buildExceptionFilter` drops expired items (`removeExpiredExceptions`:
//!   `expire_time` before the execution's start), ORs the items
//!   (`bool.should`) and negates the whole; `buildExceptionItemFilter` ANDs an
//!   item's entries (`bool.filter`), and with `os_types` ORs copies of the item
//!   that also require `host.os.type` or `host.os.name.caseless` to be one of
//!   them (`transformOsType`). Per entry: `match` is a `match_phrase`,
//!   `match_any` a `should` of `match_phrase`s, `exists` an `exists`,
//!   `wildcard` a `wildcard` query (case-sensitive, Lucene's `*`, `?` and `\`),
//!   `nested` a `nested` query on the entry's path over its inner entries
//!   (named relative to it), and `list` (`buildListClause`) a `terms` query on
//!   the list's values, or for `ip_range` lists a `range` per `a-b` value and a
//!   `terms` for the rest; `excluded` wraps an entry in `must_not`.
//! - filterOutUnprocessableValueLists (same file): only `keyword`, `ip` and
//!   `ip_range` value lists of at most 65,536 values (`MAXIMUM_SMALL_VALUE_LIST_SIZE`,
//!   `@kbn/securitysolution-list-constants`) go into the query. Kibana applies
//!   other lists after the search (`filterEventsAgainstList` in the detection
//!   engine's `large_list_filters`), looking the event's values up in the
//!   list index, with other semantics; kql-detect refuses those lists rather
//!   than guess.
//!
//! [`crate::dsl::exception_clauses`] writes that filter as Kibana sends it; a
//! test checks that it excludes exactly what these items except.
//!
//! So an entry compiles through the same stage as KQL ([`crate::compile`]):
//! `match`, `match_any`, `exists` and `nested` entries are written as the KQL
//! with the same meaning (a quoted value is a `match_phrase`: an exact term on
//! keyword fields, a phrase on text fields), and `wildcard` and `list`
//! entries as the term-level queries Kibana sends.
//!
//! Everything is case-sensitive, as Elasticsearch's term-level queries are.
//! A missing field makes `is`, `is one of`, `matches`, `exists` and `is in
//! list` false, and so their `excluded` forms (`is not`, …) true: a `must_not`
//! matches documents without the field.
//!
//! ```
//! use kql_detect::exception::{self, CompiledExceptions, ExceptionSet, ValueLists};
//! use kql_detect::{event::JsonEvent, schema::Schema, time::Timestamp};
//!
//! let export = r#"{"list_id":"rule-1","type":"rule_default","name":"Rule 1 exceptions"}
//! {"list_id":"rule-1","item_id":"backup","entries":[{"field":"user.name","operator":"included","type":"match","value":"svc-backup"}]}
//! {"exported_exception_list_count":1,"exported_exception_list_item_count":1}"#;
//! let mut set = ExceptionSet::default();
//! for record in exception::load("exceptions.ndjson", export) {
//!     set.add(record?);
//! }
//! let now = Timestamp::parse_rfc3339("2026-11-27T12:00:00Z").unwrap();
//! let exceptions = CompiledExceptions::compile(&set.items, &Schema::dynamic(), now, &ValueLists::new())?;
//! let event = serde_json::json!({"user": {"name": "svc-backup"}});
//! let item = exceptions.excepting_item(&JsonEvent(&event), now).unwrap();
//! assert_eq!(item.item_id.as_deref(), Some("backup"));
//! # Ok::<(), kql_detect::Error>(())
//! ```

mod compile;
pub mod load;
mod locate;
mod read;

use std::collections::BTreeMap;
use std::fmt::{self, Display, Formatter};

use serde::Serialize;

use crate::time::Timestamp;

pub(crate) use compile::list_values_in_query;
pub use compile::{
    CompiledExceptions, EntryExplanation, ExceptionExplanation, ItemExplanation, ItemSummary,
};
pub use load::{load, ExceptionSet, Loaded};

/// Value lists a caller supplies for `is in list` entries: list id → values,
/// as the list holds them (for `ip_range` lists: addresses, CIDR networks and
/// `first-last` ranges).
pub type ValueLists = BTreeMap<String, Vec<String>>;

/// Whether a list lives in one Kibana space or in all of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NamespaceType {
    /// One space (Kibana's default).
    #[default]
    Single,
    /// Every space (the Endpoint list).
    Agnostic,
}

/// Whether an entry must hold (`included`) or must not (`excluded`: `is not`,
/// `does not exist`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// The condition holds.
    Included,
    /// The condition does not hold (including when the field is missing).
    Excluded,
}

/// One condition of an exception item, in the Exceptions API's shape.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// `is` / `is not`: the field has this value.
    Match {
        /// The field.
        field: String,
        /// Included or excluded.
        operator: Operator,
        /// The value.
        value: String,
    },
    /// `is one of` / `is not one of`: the field has one of these values.
    MatchAny {
        /// The field.
        field: String,
        /// Included or excluded.
        operator: Operator,
        /// The values.
        value: Vec<String>,
    },
    /// `matches` / `does not match`: a value fits the wildcard pattern.
    Wildcard {
        /// The field.
        field: String,
        /// Included or excluded.
        operator: Operator,
        /// The pattern: `*` any characters, `?` one, `\` escapes.
        value: String,
    },
    /// `exists` / `does not exist`.
    Exists {
        /// The field.
        field: String,
        /// Included or excluded.
        operator: Operator,
    },
    /// `is in list` / `is not in list`: a value is in a value list.
    List {
        /// The field.
        field: String,
        /// Included or excluded.
        operator: Operator,
        /// The value list.
        list: ValueListReference,
    },
    /// Conditions that must all hold within one object of a nested field.
    Nested {
        /// The nested field's path.
        field: String,
        /// Inner `match`, `match_any` and `exists` entries, named relative to `field`.
        entries: Vec<Entry>,
    },
}

/// The value list an `is in list` entry names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueListReference {
    /// The list's id, a key of [`ValueLists`].
    pub id: String,
    /// The list's type (`type`): `keyword`, `ip`, `ip_range`, `text`, …
    pub list_type: String,
}

/// An exception item: entries that must all hold for the item to except an event.
#[derive(Clone, Debug, PartialEq)]
pub struct ExceptionItem {
    /// The saved-object id, when Kibana assigned one.
    pub id: Option<String>,
    /// The item's stable human-readable id.
    pub item_id: Option<String>,
    /// The list the item belongs to (empty when it came without one).
    pub list_id: String,
    /// The item's name.
    pub name: String,
    /// The list's namespace.
    pub namespace_type: NamespaceType,
    /// The conditions, all of which must hold.
    pub entries: Vec<Entry>,
    /// When the item stops applying.
    pub expire_time: Option<Timestamp>,
    /// Operating systems the item is limited to (`windows`, `linux`, `macos`).
    pub os_types: Vec<String>,
    /// Where the item was read from (file, line), for messages.
    pub origin: String,
}

/// An exception list container: the items with its `list_id` belong to it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExceptionList {
    /// The saved-object id, when Kibana assigned one.
    pub id: Option<String>,
    /// The list's stable id, which items and rules refer to.
    pub list_id: String,
    /// The list's name.
    pub name: String,
    /// `type`: `detection`, `rule_default`, `endpoint`, …
    pub list_type: String,
    /// The list's namespace.
    pub namespace_type: NamespaceType,
    /// Where the list was read from, for messages.
    pub origin: String,
}

/// One element of a rule's `exceptions_list`: the list whose items apply to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionListReference {
    /// The list's saved-object id.
    pub id: String,
    /// The list's `list_id`, by which its items are found.
    pub list_id: String,
    /// `type`: `detection`, `rule_default` or `endpoint`.
    pub list_type: String,
    /// The list's namespace.
    pub namespace_type: NamespaceType,
}

impl Display for Entry {
    /// The entry as Kibana's exception builder words it: `user.name is not "admin"`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let words =
            |operator: &Operator, included: &'static str, excluded: &'static str| match operator {
                Operator::Included => included,
                Operator::Excluded => excluded,
            };
        match self {
            Entry::Match {
                field,
                operator,
                value,
            } => write!(f, "{field} {} {value:?}", words(operator, "is", "is not")),
            Entry::MatchAny {
                field,
                operator,
                value,
            } => {
                let values: Vec<String> = value.iter().map(|value| format!("{value:?}")).collect();
                let verb = words(operator, "is one of", "is not one of");
                write!(f, "{field} {verb} ({})", values.join(", "))
            }
            Entry::Wildcard {
                field,
                operator,
                value,
            } => {
                let verb = words(operator, "matches", "does not match");
                write!(f, "{field} {verb} {value:?}")
            }
            Entry::Exists { field, operator } => {
                write!(f, "{field} {}", words(operator, "exists", "does not exist"))
            }
            Entry::List {
                field,
                operator,
                list,
            } => {
                let verb = words(operator, "is in list", "is not in list");
                write!(f, "{field} {verb} {:?} ({})", list.id, list.list_type)
            }
            Entry::Nested { field, entries } => {
                let inner: Vec<String> = entries.iter().map(Entry::to_string).collect();
                write!(f, "{field} has an object where {}", inner.join(" and "))
            }
        }
    }
}
