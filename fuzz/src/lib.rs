//! What the fuzz targets check, as a library so that `tests/fuzz_corpus.rs`
//! can replay every committed corpus file through the very same checks on the
//! stable toolchain.

pub mod checks;
