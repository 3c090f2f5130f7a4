//! The WebAssembly build in headless Chromium: `cargo test --target wasm32-unknown-unknown --no-default-features --features wasm --test wasm_browser`.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "common/cases.rs"]
mod cases;
#[path = "common/wasm_api.rs"]
mod wasm_api;
