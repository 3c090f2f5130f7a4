//! The WebAssembly build under Node: `cargo test --target wasm32-unknown-unknown --no-default-features --features wasm --test wasm_node`.
#![cfg(target_arch = "wasm32")]

#[path = "candidate_starts.rs"]
mod candidate_starts;
#[path = "common/cases.rs"]
mod cases;
#[path = "line_feeds.rs"]
mod line_feeds;
#[path = "outline_differential.rs"]
mod outline_differential;
#[path = "outline_utf8.rs"]
mod outline_utf8;
#[path = "common/wasm_api.rs"]
mod wasm_api;
