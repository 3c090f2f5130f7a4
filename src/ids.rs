//! Deterministic ids: the same event, rule and space always give the same alert.
//!
//! Kibana names a query rule's alert `sha256(_index + _id + _version + "<space>:<rule uuid>")`
//! (`generateId` in `rule_types/utils/utils.ts`, called from `wrap_hits.ts`),
//! and refuses to write an alert whose id already exists: that is how
//! overlapping look-back windows never alert twice. A rule's search never asks
//! for `_version`, so the third part is JavaScript's `String(undefined)`.
//! Events from a stream have no Elasticsearch `_id`; kql-detect gives each the
//! hash of its JSON text, so a replayed or retried event keeps its id.

use sha2::{Digest, Sha256};

/// Kibana's `String(hit._version)` for a hit fetched without `version: true`.
const UNREQUESTED_VERSION: &str = "undefined";

/// The Kibana space alerts are written to when the host names none.
pub const DEFAULT_SPACE: &str = "default";

/// Where an event is stored, as Elasticsearch would name it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceIdentity {
    /// The concrete index (or data stream) the event is in; empty when unknown.
    pub index: String,
    /// The event's document id.
    pub id: String,
}

/// `kibana.alert.uuid`: 64 lowercase hex digits.
pub fn alert_uuid(source: &SourceIdentity, space_id: &str, rule_uuid: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [
        source.index.as_str(),
        source.id.as_str(),
        UNREQUESTED_VERSION,
        space_id,
        ":",
        rule_uuid,
    ] {
        hasher.update(part.as_bytes());
    }
    hex(&hasher.finalize())
}

/// A document id for an event that has none, from its JSON text: 20 URL-safe
/// base64 characters, the shape of Elasticsearch's generated ids.
pub fn document_id(json_text: &str) -> String {
    let digest = Sha256::digest(json_text.as_bytes());
    base64_url(&digest[..15])
}

/// A stable UUID-shaped id for `name` (RFC 9562 version 8: name-based, SHA-256).
///
/// Used for a rule's saved-object id when the rule did not come from Kibana,
/// and for execution ids, so that output is reproducible.
pub fn name_uuid(name: &str) -> String {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&Sha256::digest(name.as_bytes())[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let text = hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &text[0..8],
        &text[8..12],
        &text[12..16],
        &text[16..20],
        &text[20..32]
    )
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(DIGITS[usize::from(byte >> 4)] as char);
        text.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    text
}

/// Unpadded URL-safe base64 (RFC 4648 §5) of a whole number of 3-byte groups.
fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut text = String::with_capacity(bytes.len() / 3 * 4);
    for group in bytes.chunks_exact(3) {
        let bits = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        for shift in [18, 12, 6, 0] {
            text.push(ALPHABET[(bits >> shift & 0x3f) as usize] as char);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_uuid_is_kibanas_generate_id() {
        // The research note's worked example, checked with `printf %s … | sha256sum`.
        let source = SourceIdentity {
            index: ".ds-logs-azure.auditlogs-default-2026.11.20-000001".to_string(),
            id: "Fj3kR5QBrX0c1mZ2aBcD".to_string(),
        };
        assert_eq!(
            alert_uuid(&source, "default", "6f1c2f7e-3b5a-4b6e-9b43-2c1d0e9a7f11"),
            "66207709dc7ca845137d202f6af99cf51df36bfcd9fbf034ac6d3b6c1c4795a7"
        );
    }

    #[test]
    fn generated_ids_have_elasticsearchs_and_uuids_shapes() {
        let id = document_id("{\"a\":1}");
        assert_eq!(id.len(), 20);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(id, document_id("{\"a\":2}"));

        let uuid = name_uuid("kql-detect rule 141e9b3a-ff37-4756-989d-05d7cbf35b0e");
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "8", "version 8");
        assert!(
            matches!(&uuid[19..20], "8" | "9" | "a" | "b"),
            "RFC 9562 variant"
        );
        assert_eq!(
            uuid,
            name_uuid("kql-detect rule 141e9b3a-ff37-4756-989d-05d7cbf35b0e")
        );
    }
}
