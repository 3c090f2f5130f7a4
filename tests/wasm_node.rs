//! The WebAssembly build under Node: `cargo test --target wasm32-unknown-unknown --no-default-features --features wasm --test wasm_node`.
#![cfg(target_arch = "wasm32")]

#[path = "common/cases.rs"]
mod cases;
#[path = "common/wasm_api.rs"]
mod wasm_api;
