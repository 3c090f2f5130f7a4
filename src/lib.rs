//! kql-detect evaluates Elastic Security detection rules written in KQL
//! (Kibana Query Language) against JSON events, with Elasticsearch's matching
//! semantics, and produces the alerts Elastic Security would.
//!
//! The pipeline runs one way, one module per stage:
//! [`kql`] parses query text → [`compile`] gives it meaning for a [`schema`] →
//! [`eval`] matches [`event`]s → [`engine`] turns matches into [`alert`]s.
//!
//! ```
//! use kql_detect::{engine::Engine, time::Timestamp};
//!
//! let engine = Engine::builtin(); // Azure External Guest User Invitation
//! let event = serde_json::json!({
//!     "@timestamp": "2026-11-27T10:00:00.000Z",
//!     "event": {"dataset": "azure.auditlogs", "outcome": "success"},
//!     "azure.auditlogs": {
//!         "operation_name": "Invite external user",
//!         "properties": {"target_resources": {"0": {"display_name": "guest"}}}
//!     }
//! });
//! let now = Timestamp::parse_rfc3339("2026-11-27T10:05:00Z").unwrap();
//! let alerts = engine.evaluate(&event, now)?;
//! assert_eq!(alerts.len(), 1);
//! assert_eq!(alerts[0]["kibana"]["alert"]["rule"]["name"], "Azure External Guest User Invitation");
//! assert_eq!(alerts[0]["event"]["kind"], "signal");
//! # Ok::<(), kql_detect::Error>(())
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod alert;
pub mod analysis;
pub(crate) mod collect;
pub mod compile;
pub mod date;
pub mod diagnostic;
pub mod dispatch;
pub mod dsl;
pub mod engine;
mod error;
pub mod eval;
pub mod event;
pub mod exception;
pub mod explain;
pub mod ids;
pub mod ingest;
pub mod input;
pub mod ip;
pub mod kql;
pub mod limits;
mod options;
pub mod output;
pub mod pattern;
pub mod prefilter;
pub mod rule;
pub mod rule_tests;
pub mod scan;
pub mod schema;
pub(crate) mod sort;
pub mod span;
pub mod time;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use error::{Error, ErrorType};
