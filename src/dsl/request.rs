//! The search request of one rule execution.
