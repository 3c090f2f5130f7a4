//! The engine's rules, and ad-hoc queries, as the query DSL and search
//! requests Kibana would send (see [`crate::dsl`]).

use serde_json::Value;

use super::{now_option, schema_of, Engine};
use crate::collect::try_map;
use crate::dsl::request::{search_request, RuleSearch};
use crate::dsl::{exception_clauses, to_elasticsearch_query, DataView, Form};
use crate::error::Error;
use crate::options::{self, Kind, Shape};
use crate::time::Timestamp;

/// What a host passes to translate one query (the JavaScript `toElasticsearchQuery(query, options)`).
#[derive(Clone, Debug, Default)]
pub struct QueryDslOptions {
    /// Translate as Kibana 7.x did.
    pub legacy: Option<bool>,
    /// A complete mapping (any format [`crate::schema::Schema::from_value`] reads), read as the field list.
    pub field_types: Option<Value>,
    /// A mapping added to the built-in one (or to `field_types`).
    pub extra_field_types: Option<Value>,
}

impl QueryDslOptions {
    /// Reads options from JSON text; unknown keys are refused.
    pub fn from_json(text: &str) -> Result<QueryDslOptions, Error> {
        const SHAPE: Shape = Shape {
            name: "QueryDslOptions",
            keys: &["legacy", "fieldTypes", "extraFieldTypes"],
            kinds: &[Kind::Flag, Kind::Json, Kind::Json],
            in_array: 3,
        };
        let mut options = QueryDslOptions::default();
        for (index, given) in options::read(text, "query DSL", &SHAPE)? {
            match index {
                0 => options.legacy = given.flag,
                1 => options.field_types = given.json,
                _ => options.extra_field_types = given.json,
            }
        }
        Ok(options)
    }
}

/// What a host passes for the engine's search requests (the JavaScript `engine.toElasticsearchQuery(options)`).
#[derive(Clone, Debug, Default)]
pub struct SearchRequestOptions {
    /// Translate as Kibana 7.x did.
    pub legacy: Option<bool>,
    /// The execution's time (RFC 3339); else the engine's `now`, else the clock.
    pub now: Option<String>,
}

impl SearchRequestOptions {
    /// Reads options from JSON text; unknown keys are refused.
    pub fn from_json(text: &str) -> Result<SearchRequestOptions, Error> {
        const SHAPE: Shape = Shape {
            name: "SearchRequestOptions",
            keys: &["legacy", "now"],
            kinds: &[Kind::Flag, Kind::Text],
            in_array: 2,
        };
        let mut options = SearchRequestOptions::default();
        for (index, given) in options::read(text, "search request", &SHAPE)? {
            match index {
                0 => options.legacy = given.flag,
                _ => options.now = given.text,
            }
        }
        Ok(options)
    }
}

fn form(legacy: Option<bool>) -> Form {
    if legacy == Some(true) {
        Form::Legacy
    } else {
        Form::Current
    }
}

/// The query DSL Kibana builds from `query` for the field list of the options' mapping.
pub fn query_dsl(query: &str, options: &QueryDslOptions) -> Result<Value, Error> {
    let data_view = data_view(options)?;
    Ok(to_elasticsearch_query(query, &data_view, form(options.legacy))?.query)
}

/// The data view (Kibana's field list) the options' mapping amounts to.
pub fn data_view(options: &QueryDslOptions) -> Result<DataView, Error> {
    let schema = schema_of(
        options.field_types.as_ref(),
        options.extra_field_types.as_ref(),
    )?;
    Ok(DataView::of(&schema))
}

impl Engine {
    /// The search request of each rule's execution at `now`, with its KQL
    /// translated as Kibana does (`form`) for the engine's mapping, read as a
    /// data view, and the exception items attached to the rule in `must_not`
    /// as the lists plugin writes them (those expired at `now` left out).
    pub fn search_requests(&self, form: Form, now: Timestamp) -> Result<Vec<RuleSearch>, Error> {
        let data_view = DataView::of(&self.compiled.schema);
        try_map(&self.compiled.rules, |compiled| {
            let exceptions = &compiled.exceptions;
            // The items compiled, so their value lists are there and of a
            // kind Kibana puts into the query: this does not fail.
            let clauses = exception_clauses(exceptions.items(), now, exceptions.value_lists())
                .map_err(|error| error.in_origin(format!("rule {}", compiled.rule.rule_id)))?;
            search_request(&compiled.rule, &data_view, form, now, &clauses)
        })
    }

    /// [`Engine::search_requests`] as a host asks for them: at the options'
    /// `now`, else the engine's fixed `now`, else `clock`.
    pub fn search_requests_with(
        &self,
        options: &SearchRequestOptions,
        clock: Timestamp,
    ) -> Result<Vec<RuleSearch>, Error> {
        let now = match &options.now {
            Some(text) => now_option(text)?,
            None => self.fixed_now.unwrap_or(clock),
        };
        self.search_requests(form(options.legacy), now)
    }
}
