//! Which events a rule searches: its index patterns, resolved the way
//! Elasticsearch resolves them.
//!
//! A rule searches `filebeat-*` and `logs-azure*`; Elasticsearch expands such
//! wildcards over index names and data stream names, and a data stream brings
//! its hidden backing indices along. So a hit from
//! `.ds-logs-azure.auditlogs-default-2026.11.20-000001` is in `logs-azure*`
//! because its data stream `logs-azure.auditlogs-default` is, although the
//! backing index's own name is not. Entries starting with `-` exclude what
//! earlier entries matched.

use crate::kql::{Piece, WildcardPattern};
use crate::pattern::Glob;

/// A rule's index patterns, compiled.
#[derive(Clone, Debug)]
pub struct IndexPatterns {
    entries: Vec<(bool, Glob, bool)>,
}

impl IndexPatterns {
    /// Compiles `patterns`; an empty list searches every index.
    pub fn new(patterns: &[String]) -> IndexPatterns {
        let entries = patterns
            .iter()
            .map(|pattern| {
                let (include, pattern) = match pattern.strip_prefix('-') {
                    Some(excluded) => (false, excluded),
                    None => (true, pattern.as_str()),
                };
                let glob = Glob::new(&pattern_of(pattern));
                (include, glob, pattern.starts_with('.'))
            })
            .collect();
        IndexPatterns { entries }
    }

    /// True when the index (or data stream) `name` is searched.
    pub fn includes(&self, name: &str) -> bool {
        if self.entries.is_empty() {
            return true;
        }
        let data_stream = data_stream_of_backing_index(name);
        let hidden = name.starts_with('.');
        let mut included = false;
        for (include, glob, names_hidden) in &self.entries {
            let matches = |candidate: &str| glob.matches(candidate);
            // A wildcard reaches a hidden index only when the pattern itself starts
            // with `.`; a data stream's backing indices come with the data stream.
            let hit =
                (matches(name) && (!hidden || *names_hidden)) || data_stream.is_some_and(matches);
            if hit {
                included = *include;
            }
        }
        included
    }
}

/// The data stream a backing index belongs to: `.ds-<stream>-<yyyy.MM.dd>-<generation>`.
pub fn data_stream_of_backing_index(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(".ds-")?;
    let (before_generation, generation) = rest.rsplit_once('-')?;
    if generation.is_empty() || !generation.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (stream, date) = before_generation.rsplit_once('-')?;
    let is_date = date.len() == 10
        && date.bytes().enumerate().all(|(index, b)| {
            if index == 4 || index == 7 {
                b == b'.'
            } else {
                b.is_ascii_digit()
            }
        });
    is_date.then_some(stream)
}

/// An index pattern as a wildcard pattern (`*` only; names have no escapes).
fn pattern_of(pattern: &str) -> WildcardPattern {
    let mut pieces = Vec::new();
    for (index, part) in pattern.split('*').enumerate() {
        if index > 0 {
            pieces.push(Piece::AnySequence);
        }
        pieces.push(Piece::Text(part.to_string()));
    }
    WildcardPattern::from_pieces(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> IndexPatterns {
        IndexPatterns::new(
            &list
                .iter()
                .map(|pattern| pattern.to_string())
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn data_streams_and_their_backing_indices_match() {
        let rule = patterns(&["filebeat-*", "logs-azure*"]);
        assert!(rule.includes("logs-azure.auditlogs-default"));
        assert!(rule.includes(".ds-logs-azure.auditlogs-default-2026.11.20-000001"));
        assert!(rule.includes("filebeat-7.17.0-2026.11.20"));
        assert!(!rule.includes("logs-aws.cloudtrail-default"));
        assert!(!rule.includes(".ds-logs-aws.cloudtrail-default-2026.11.20-000001"));
        assert_eq!(
            data_stream_of_backing_index(".ds-logs-azure.auditlogs-default-2026.11.20-000001"),
            Some("logs-azure.auditlogs-default")
        );
        assert_eq!(data_stream_of_backing_index(".ds-x-2026.11-1"), None);
    }

    #[test]
    fn exclusions_and_hidden_indices() {
        let rule = patterns(&["logs-*", "-logs-azure.signinlogs-*"]);
        assert!(rule.includes("logs-azure.auditlogs-default"));
        assert!(!rule.includes("logs-azure.signinlogs-default"));
        assert!(!patterns(&["*"]).includes(".internal-index"));
        assert!(patterns(&[".internal-*"]).includes(".internal-index"));
        assert!(patterns(&[]).includes("anything"));
    }
}
