//! `normalize`: any text through the Azure normalizer (`normalize_json`, as
//! `kql-detect normalize` and the JavaScript `normalize` run it), in every
//! input mode, with and without the original record kept.
//!
//! Every outcome is documents, each a JSON object that serializes (a failed
//! pipeline is a `pipeline_error` document, still an object), or a sound error.

use kql_detect::ingest::{normalize_json, shape, IngestOptions, InputKind};

use super::{check_error, text_of};

/// Runs the check on one fuzz input (the raw input's text).
pub fn check(data: &[u8]) {
    let text = text_of(data);
    for input in [InputKind::Auto, InputKind::Ecs, InputKind::Azure] {
        for keep_original in [false, true] {
            let options = IngestOptions {
                input,
                keep_original,
            };
            if let Ok(value) = serde_json::from_str(&text) {
                shape(&value, options).name();
            }
            match normalize_json(&text, options) {
                Ok(documents) => {
                    for document in documents {
                        assert!(document.is_object(), "not a document: {document}");
                        assert!(serde_json::to_string(&document).is_ok());
                    }
                }
                Err(error) => check_error(&error),
            }
        }
    }
}
