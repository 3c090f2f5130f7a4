//! The search request the detection engine sends for one execution of a
//! query rule, ready for `_search` from any Elasticsearch client.
//!
//! Kibana builds it in three steps (elastic/kibana
//! `x-pack/solutions/security/plugins/security_solution/server/lib/detection_engine/rule_types/`):
//! `utils/get_query_filter.ts` and `@kbn/es-query`'s `buildEsQuery` combine
//! the KQL with the rule's filters and its exception filter (a negated filter,
//! hence `must_not`); `create_security_rule_type_wrapper.ts` picks the time
//! fields (`timestamp_override`, falling back to `@timestamp` unless the
//! fallback is disabled), the index patterns and the page size
//! (`min(max_signals, 100)`); and `utils/build_events_query.ts` adds the time
//! range, `fields`, `runtime_mappings` and `sort`.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    entry, is_match_all, keyed, object, to_elasticsearch_query, unlisted_field_warning, DataView,
    Form,
};
use crate::error::{Error, ErrorType};
use crate::rule::Rule;
use crate::time::Timestamp;

/// The index patterns a rule without any searches: the Security app's
/// `securitySolution:defaultIndex` (`DEFAULT_INDEX_PATTERN` in `common/constants.ts`).
pub const DEFAULT_INDEX_PATTERN: [&str; 9] = [
    "apm-*-transaction*",
    "auditbeat-*",
    "endgame-*",
    "filebeat-*",
    "logs-*",
    "packetbeat-*",
    "traces-apm*",
    "winlogbeat-*",
    "-*elastic-cloud-logs-*",
];

/// `DEFAULT_SEARCH_AFTER_PAGE_SIZE`: one search returns at most this many events.
pub const PAGE_SIZE: u32 = 100;

/// The runtime field Kibana sorts by when `timestamp_override` falls back to `@timestamp`.
const COMBINED_TIMESTAMP: &str = "kibana.combined_timestamp";

/// One rule's execution, as Elasticsearch receives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleSearch {
    /// The rule's `rule_id`.
    pub rule_id: String,
    /// The rule's name.
    pub name: String,
    /// The rule's KQL as query DSL, alone.
    pub query: Value,
    /// The whole search request: `index`, `size`, `query`, `fields`,
    /// `runtime_mappings`, `sort`, … (a JavaScript client's `search()`
    /// argument; with curl, `index`, `allow_no_indices` and
    /// `ignore_unavailable` go in the URL).
    pub request: Value,
    /// What the request cannot know and Kibana would (field names the field
    /// list lacks, a data view's index patterns).
    pub warnings: Vec<String>,
}

/// The first search of the execution of `rule` at `now`, with the KQL
/// translated for `data_view` in `form` (rules kql-detect does not run, such
/// as those with DSL `filters`, are refused). `exception_clauses` are the
/// clauses of the rule's exception filter as the lists plugin's
/// `buildExceptionFilter` builds them ([`super::exception_clauses`]); they
/// exclude what they match.
pub fn search_request(
    rule: &Rule,
    data_view: &DataView,
    form: Form,
    now: Timestamp,
    exception_clauses: &[Value],
) -> Result<RuleSearch, Error> {
    if let Some(reason) = rule.unsupported_reason() {
        return Err(Error::new(
            ErrorType::RuleUnsupported,
            "unsupported_rule",
            format!("rule {}: {reason}", rule.rule_id),
        ));
    }
    let translation = to_elasticsearch_query(&rule.query, data_view, form)
        .map_err(|error| error.in_origin(format!("rule {}", rule.rule_id)))?;
    let (from, to) = rule.window_at(now.0)?;
    let times = TimeFields::of(rule);
    let filter = es_query(&translation.query, exception_clauses);
    let range = times.range(Timestamp(from), Timestamp(to));
    let request = object([
        ("allow_no_indices", true.into()),
        ("size", rule.max_signals.min(PAGE_SIZE).into()),
        (
            "query",
            entry("bool", entry("filter", vec![filter, range].into())),
        ),
        ("fields", times.fields()),
        ("runtime_mappings", times.runtime_mappings()),
        ("sort", times.sort()),
        ("index", indices(rule).into()),
        ("ignore_unavailable", true.into()),
    ]);
    let mut warnings: Vec<String> = translation
        .unlisted_fields
        .iter()
        .map(|name| unlisted_field_warning(name))
        .collect();
    if let Some(id) = &rule.data_view_id {
        warnings.push(format!(
            "the rule searches data view `{id}`, whose index patterns and runtime fields only Kibana knows; `index` is the rule's own"
        ));
    }
    Ok(RuleSearch {
        rule_id: rule.rule_id.clone(),
        name: rule.name.clone(),
        query: translation.query,
        request,
        warnings,
    })
}

/// `buildEsQuery`: the KQL in `filter` (a lone `match_all` dropped), the
/// exception filter (a negated filter) in `must_not`.
fn es_query(kql: &Value, exception_clauses: &[Value]) -> Value {
    let filter: Vec<Value> = std::iter::once(kql)
        .filter(|query| !is_match_all(query))
        .cloned()
        .collect();
    let must_not: Vec<Value> = exception_filter(exception_clauses).into_iter().collect();
    let bool_query = object([
        ("must", Value::Array(Vec::new())),
        ("filter", filter.into()),
        ("should", Value::Array(Vec::new())),
        ("must_not", must_not.into()),
    ]);
    entry("bool", bool_query)
}

/// The query of `buildExceptionFilter`'s filter, `{bool: {should: clauses}}`,
/// which the search's `must_not` holds: it matches the documents some item
/// excepts. `None` without clauses, when Kibana builds no filter (no item, or
/// every item expired).
pub fn exception_filter(exception_clauses: &[Value]) -> Option<Value> {
    (!exception_clauses.is_empty())
        .then(|| entry("bool", entry("should", exception_clauses.to_vec().into())))
}

/// The rule's index patterns, or the Security app's default ones.
fn indices(rule: &Rule) -> Vec<String> {
    if rule.index.is_empty() {
        DEFAULT_INDEX_PATTERN
            .iter()
            .map(|index| index.to_string())
            .collect()
    } else {
        rule.index.clone()
    }
}

/// The fields an execution is timed by (create_security_rule_type_wrapper.ts).
struct TimeFields {
    primary: String,
    /// `@timestamp`, when the primary is an override that falls back to it.
    secondary: Option<&'static str>,
}

impl TimeFields {
    fn of(rule: &Rule) -> TimeFields {
        let primary = rule
            .timestamp_override
            .clone()
            .unwrap_or_else(|| "@timestamp".to_string());
        let falls_back =
            primary != "@timestamp" && rule.timestamp_override_fallback_disabled != Some(true);
        TimeFields {
            primary,
            secondary: falls_back.then_some("@timestamp"),
        }
    }

    fn all(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.primary.as_str()).chain(self.secondary)
    }

    /// `buildTimeRangeFilter`: the primary field in the window, or — with a
    /// fallback — no primary field and the secondary in the window.
    fn range(&self, from: Timestamp, to: Timestamp) -> Value {
        let within = |field: &str| {
            let bounds = object([
                ("lte", to.to_string().into()),
                ("gte", from.to_string().into()),
                ("format", "strict_date_optional_time".into()),
            ]);
            keyed("range", field, bounds)
        };
        let Some(secondary) = self.secondary else {
            return within(&self.primary);
        };
        let primary_missing = entry(
            "bool",
            entry(
                "must_not",
                keyed("exists", "field", self.primary.as_str().into()),
            ),
        );
        let secondary_only = entry(
            "bool",
            entry("filter", vec![within(secondary), primary_missing].into()),
        );
        entry(
            "bool",
            object([
                ("minimum_should_match", 1.into()),
                ("should", vec![within(&self.primary), secondary_only].into()),
            ]),
        )
    }

    fn fields(&self) -> Value {
        let mut fields = vec![object([
            ("field", "*".into()),
            ("include_unmapped", true.into()),
        ])];
        fields.extend(self.all().map(|field| {
            object([
                ("field", field.into()),
                ("format", "strict_date_optional_time".into()),
            ])
        }));
        Value::Array(fields)
    }

    fn sort(&self) -> Value {
        self.all()
            .map(|field| {
                let order = object([("order", "asc".into()), ("unmapped_type", "date".into())]);
                entry(field, order)
            })
            .collect()
    }

    /// `buildTimestampRuntimeMapping`, for an override with a fallback; Kibana
    /// sends an empty object otherwise.
    fn runtime_mappings(&self) -> Value {
        if self.secondary.is_none() {
            return Value::Object(Map::new());
        }
        let source = "\n              if (doc.containsKey(params.timestampOverride) && doc[params.timestampOverride].size()!=0) {\n                emit(doc[params.timestampOverride].value.millis);\n              } else {\n                emit(doc['@timestamp'].value.millis);\n              }\n            ";
        let script = object([
            ("source", source.into()),
            (
                "params",
                entry("timestampOverride", self.primary.as_str().into()),
            ),
        ]);
        entry(
            COMBINED_TIMESTAMP,
            object([("type", "date".into()), ("script", script)]),
        )
    }
}
