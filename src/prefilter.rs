//! Which events cannot match any rule, found without reading them as JSON.
//!
//! A keyword term such as `azure.auditlogs.operation_name:"Invite external
//! user"` matches only events whose JSON text contains those exact bytes,
//! unless the text spells some of its characters with `\u` escapes (or writes
//! `/` as `\/`). So each rule has a necessary condition on the raw text: one
//! of the literals of one of its required terms must appear. An event whose
//! text meets no rule's condition (and has no such escape) cannot match, and
//! is known not to without being parsed; in a stream of mostly unrelated logs
//! that is nearly every event. The condition is conservative by
//! construction: it only ever lets through events a rule might match.
//!
//! The search for every literal of every rule is one pass over the text: a
//! 64-kbit table marks the hashes of the trigrams that anchor some literal
//! (its rarest trigram), and only positions the table marks are checked
//! against the literals.

use memchr::memmem;

use crate::compile::{CompiledQuery, KeywordOp, KeywordTest, MatcherKind, Test, WalkClause};

/// Literals shorter than this are too common to be worth searching for.
const MIN_LITERAL: usize = 3;

/// Fields whose values are shared by whole data sets (`azure.auditlogs`),
/// so a literal of theirs rejects few events: other terms are preferred.
pub(crate) const BROAD_FIELDS: [&str; 10] = [
    "event.dataset",
    "data_stream.dataset",
    "data_stream.type",
    "data_stream.namespace",
    "event.module",
    "event.kind",
    "event.category",
    "event.type",
    "event.outcome",
    "cloud.provider",
];

/// One required term: some of these literals must appear in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Requirement {
    field: String,
    literals: Vec<Vec<u8>>,
}

impl Requirement {
    /// How much a requirement narrows things down: broad fields least, then
    /// the longer its shortest literal, the better.
    fn selectivity(&self) -> usize {
        let shortest = self.literals.iter().map(Vec::len).min().unwrap_or(0);
        if BROAD_FIELDS.contains(&self.field.as_str()) {
            shortest.min(1)
        } else {
            shortest + 1
        }
    }
}

impl CompiledQuery {
    /// The literals the query's most selective required term needs, or
    /// `None` when it has no required term a text search can decide.
    pub fn required_literals(&self) -> Option<Vec<Vec<u8>>> {
        let requirements = requirements(&self.root.kind)?;
        requirements
            .into_iter()
            .max_by_key(Requirement::selectivity)
            .map(|requirement| requirement.literals)
    }
}

/// The required terms of a matcher: all of them must hold (AND).
fn requirements(kind: &MatcherKind) -> Option<Vec<Requirement>> {
    let found = match kind {
        MatcherKind::Field(clause) => vec![Requirement {
            field: clause.path.clone(),
            literals: test_literals(&clause.test)?,
        }],
        MatcherKind::Walk(clause) => vec![Requirement {
            field: clause.pattern.to_string(),
            literals: walk_literals(clause)?,
        }],
        MatcherKind::And(children) => children
            .iter()
            .filter_map(|child| requirements(&child.kind))
            .flatten()
            .collect(),
        MatcherKind::Or(children) => {
            // Each alternative must bring a term; any of their literals will do.
            let mut alternatives = Vec::new();
            for child in children {
                alternatives.push(
                    requirements(&child.kind)?
                        .into_iter()
                        .max_by_key(Requirement::selectivity)?,
                );
            }
            vec![union(alternatives)]
        }
        _ => return None,
    };
    (!found.is_empty()).then_some(found)
}

/// One requirement met by meeting any of `alternatives`. It keeps their
/// field when they share one, so `event.outcome:(success or Success)` is
/// still known as a term on a broad field, and is not preferred to a
/// narrower term for the length of its values.
fn union(alternatives: Vec<Requirement>) -> Requirement {
    let shared_field = alternatives
        .first()
        .map(|first| first.field.clone())
        .filter(|field| alternatives.iter().all(|other| other.field == *field));
    // Alternatives on different fields rank as the broadest of them.
    let field = shared_field.unwrap_or_else(|| {
        alternatives
            .iter()
            .find(|alternative| BROAD_FIELDS.contains(&alternative.field.as_str()))
            .map(|alternative| alternative.field.clone())
            .unwrap_or_default()
    });
    Requirement {
        field,
        literals: alternatives
            .into_iter()
            .flat_map(|alternative| alternative.literals)
            .collect(),
    }
}

/// The literals a value must contain to pass `test` (any one of them).
fn test_literals(test: &Test) -> Option<Vec<Vec<u8>>> {
    let literal = match test {
        Test::Keyword(KeywordTest {
            op: KeywordOp::Equals(value),
            ..
        }) => value.as_bytes().to_vec(),
        Test::Keyword(KeywordTest {
            op: KeywordOp::Matches(glob),
            ..
        }) => glob.longest_literal().to_vec(),
        // Under dynamic mapping a string is a keyword; numbers and booleans
        // are compared by value, which no text search can decide.
        Test::Dynamic(dynamic)
            if dynamic.integer.is_none()
                && dynamic.float.is_none()
                && dynamic.boolean.is_none() =>
        {
            return test_literals(dynamic.text.as_ref()?);
        }
        Test::AnyOf(tests) => {
            let mut literals = Vec::new();
            for test in tests {
                literals.extend(test_literals(test)?);
            }
            return Some(literals);
        }
        _ => return None,
    };
    searchable(&literal).then(|| vec![literal])
}

/// The literals of a `*` field name's clause: every field it may read must
/// have one.
fn walk_literals(clause: &WalkClause) -> Option<Vec<Vec<u8>>> {
    let tests = clause
        .declared
        .iter()
        .map(|(_, _, test)| test)
        .chain(clause.templates.iter().map(|(_, _, test)| test))
        .chain(clause.flattened.iter().map(|(_, test)| test))
        .chain(clause.dynamic.as_ref());
    let mut literals = Vec::new();
    for test in tests {
        for literal in test_literals(test)? {
            if !literals.contains(&literal) {
                literals.push(literal);
            }
        }
    }
    (!literals.is_empty()).then_some(literals)
}

/// A literal is searchable if it is long enough and JSON writes it as is
/// (no quote, backslash or control character, which JSON escapes).
fn searchable(literal: &[u8]) -> bool {
    literal.len() >= MIN_LITERAL
        && !literal
            .iter()
            .any(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
}

/// A conservative test on raw JSON text: can this event need a closer look?
#[derive(Clone, Debug)]
pub struct Prefilter {
    search: MultiSearch,
    /// Whether some literal has a `/`, which JSON may write as `\/`.
    slash: bool,
}

impl Prefilter {
    /// The prefilter for a set of rules' literal requirements (one per rule);
    /// `None` when some rule has no requirement, so every event must be read.
    pub fn new(requirements: Vec<Option<Vec<Vec<u8>>>>) -> Option<Prefilter> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        for literals in requirements {
            for literal in literals? {
                if !patterns.contains(&literal) {
                    patterns.push(literal);
                }
            }
        }
        let slash = patterns.iter().any(|pattern| pattern.contains(&b'/'));
        Some(Prefilter {
            search: MultiSearch::new(patterns),
            slash,
        })
    }

    /// False only when `text` provably meets no rule's requirement.
    pub fn may_match(&self, text: &[u8]) -> bool {
        self.has_hiding_escape(text) || self.search.any_in(text)
    }

    /// A `\u` escape may spell any literal's characters; `\/` a slash.
    fn has_hiding_escape(&self, text: &[u8]) -> bool {
        memchr::memchr_iter(b'\\', text).any(|at| match text.get(at + 1) {
            Some(b'u') => true,
            Some(b'/') => self.slash,
            _ => false,
        })
    }
}

/// Finds whether any of a set of byte strings occurs in a text, in one pass.
#[derive(Clone, Debug)]
struct MultiSearch {
    /// Patterns searched for one by one (SIMD substring search): all of
    /// them when they are few, else those too short to anchor.
    finders: Vec<memmem::Finder<'static>>,
    /// Many patterns: one bit per hashed anchoring trigram (none with few
    /// patterns), and the patterns by that hash.
    table: Option<Box<[u64; 1024]>>,
    anchors: Vec<Anchor>,
}

#[derive(Clone, Debug)]
struct Anchor {
    /// The hash of the anchoring trigram, as a table index.
    hash: u16,
    /// Where the anchoring trigram starts in the pattern.
    offset: usize,
    pattern: Box<[u8]>,
}

/// Up to this many patterns, separate SIMD searches beat one table pass.
const FEW_PATTERNS: usize = 3;

/// The bytes that anchor a pattern in the table. Three rather than two:
/// with dozens of patterns (application ids, whose every pair is hex
/// digits, as in every identifier of a log line) pairs marked so many
/// positions that checking them cost more than the pass itself.
const ANCHOR: usize = 3;

impl MultiSearch {
    fn new(patterns: Vec<Vec<u8>>) -> MultiSearch {
        let (anchorable, short): (Vec<Vec<u8>>, Vec<Vec<u8>>) = if patterns.len() <= FEW_PATTERNS {
            (Vec::new(), patterns)
        } else {
            patterns
                .into_iter()
                .partition(|pattern| pattern.len() >= ANCHOR)
        };
        let finders = short
            .iter()
            .map(|pattern| memmem::Finder::new(pattern).into_owned())
            .collect();
        if anchorable.is_empty() {
            return MultiSearch {
                finders,
                table: None,
                anchors: Vec::new(),
            };
        }
        let mut table = Box::new([0u64; 1024]);
        let mut anchors: Vec<Anchor> = anchorable
            .into_iter()
            .map(|pattern| {
                let offset = rarest_trigram(&pattern);
                let hash = trigram_hash(trigram(&pattern[offset..offset + ANCHOR]));
                table[usize::from(hash >> 6)] |= 1 << (hash & 63);
                Anchor {
                    hash,
                    offset,
                    pattern: pattern.into_boxed_slice(),
                }
            })
            .collect();
        anchors.sort_by_key(|anchor| anchor.hash);
        MultiSearch {
            finders,
            table: Some(table),
            anchors,
        }
    }

    fn any_in(&self, text: &[u8]) -> bool {
        self.finders
            .iter()
            .any(|finder| finder.find(text).is_some())
            || self
                .table
                .as_ref()
                .is_some_and(|table| self.table_finds(table, text))
    }

    /// One pass over `text`, checking the patterns only where the trigram
    /// ending at a position hashes to a marked bit.
    fn table_finds(&self, table: &[u64; 1024], text: &[u8]) -> bool {
        let mut window = 0u32;
        for (at, &byte) in text.iter().enumerate() {
            window = window << 8 | u32::from(byte);
            let hash = trigram_hash(window & 0x00ff_ffff);
            // A fixed-size table indexed by a u16's top ten bits needs no bounds check.
            if table[usize::from(hash >> 6)] >> (hash & 63) & 1 != 0
                && self.confirm(text, (at + 1).wrapping_sub(ANCHOR), hash)
            {
                return true;
            }
        }
        false
    }

    /// Whether a pattern anchored by a trigram of `hash` really occurs with
    /// its anchor at `at` (a position before the text's start, which the
    /// first two bytes' windows give, finds none). Rarely called, so kept
    /// out of the pass's loop.
    #[inline(never)]
    fn confirm(&self, text: &[u8], at: usize, hash: u16) -> bool {
        let first = self.anchors.partition_point(|anchor| anchor.hash < hash);
        self.anchors[first..]
            .iter()
            .take_while(|anchor| anchor.hash == hash)
            .any(|anchor| {
                at.checked_sub(anchor.offset)
                    .and_then(|start| text.get(start..))
                    .is_some_and(|rest| rest.starts_with(&anchor.pattern))
            })
    }
}

/// Three bytes as the low 24 bits of a word, the first highest.
fn trigram(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0, |word, &byte| word << 8 | u32::from(byte))
}

/// A trigram's bit in the 64-kbit table (multiplicative hashing).
fn trigram_hash(trigram: u32) -> u16 {
    (trigram.wrapping_mul(0x9e37_79b1) >> 16) as u16
}

/// The start of the pattern's trigram least likely to occur in JSON logs:
/// structural characters and lowercase letters are everywhere, capitals,
/// digits and most punctuation much less so.
fn rarest_trigram(pattern: &[u8]) -> usize {
    let rarity = |byte: u8| match byte {
        b'"' | b':' | b',' | b'{' | b'}' | b'[' | b']' => 0u32,
        b'a'..=b'z' | b' ' => 1,
        b'0'..=b'9' | b'.' | b'-' | b'_' => 2,
        _ => 3,
    };
    (0..=pattern.len().saturating_sub(ANCHOR))
        .max_by_key(|&at| {
            let score: u32 = pattern[at..].iter().take(ANCHOR).copied().map(rarity).sum();
            // Prefer the earliest of equally rare trigrams.
            (score, usize::MAX - at)
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;
    use crate::time::Timestamp;

    fn literals(query: &str, schema: &Schema) -> Option<Vec<String>> {
        let ast = crate::kql::parse(query).unwrap();
        let compiled = CompiledQuery::compile(&ast, schema, Timestamp(0)).unwrap();
        compiled.required_literals().map(|literals| {
            literals
                .into_iter()
                .map(|literal| String::from_utf8(literal).unwrap())
                .collect()
        })
    }

    #[test]
    fn the_most_selective_required_term_is_chosen() {
        let schema = Schema::builtin();
        let seed = crate::rule::azure_external_guest_user_invitation().query;
        assert_eq!(literals(&seed, &schema).unwrap(), ["Invite external user"]);
        assert_eq!(
            literals(
                "event.dataset:azure.auditlogs and event.action:(\"Add user\" or \"Update user\")",
                &schema
            )
            .unwrap(),
            ["Add user", "Update user"]
        );
        // Only broad fields: still a requirement.
        assert_eq!(
            literals("event.dataset:azure.signinlogs", &schema).unwrap(),
            ["azure.signinlogs"]
        );
        assert_eq!(literals("user.name:*admin*", &schema).unwrap(), ["admin"]);
    }

    #[test]
    fn a_broad_field_stays_broad_when_its_values_are_alternatives() {
        let schema = Schema::builtin();
        assert_eq!(
            literals(
                "event.outcome:(success or Success) and user.name:(root or admin)",
                &schema
            )
            .unwrap(),
            ["root", "admin"]
        );
        // Alternatives on different fields rank as the broadest of them.
        assert_eq!(
            literals(
                "(event.dataset:azure.signinlogs or user.name:alice) and user.id:(S-1-5-18 or 42b6)",
                &schema
            )
            .unwrap(),
            ["S-1-5-18", "42b6"]
        );
        assert_eq!(
            literals(
                "data_stream.dataset:(azure.signinlogs or o365.audit) and (user.name:root or user.id:Electron)",
                &schema
            )
            .unwrap(),
            ["root", "Electron"]
        );
    }

    #[test]
    fn terms_no_text_search_can_decide_give_no_requirement() {
        let schema = Schema::builtin();
        for query in [
            "not user.name:alice",
            "user.name:alice or source.port:443",
            "source.port:443",
            "user.name:*",
            "user.name:ab",
            "event.created >= now-1d",
            "message:error",
        ] {
            assert_eq!(literals(query, &schema), None, "{query}");
        }
    }

    #[test]
    fn a_prefilter_only_rejects_texts_without_any_literal_or_hiding_escape() {
        let requirements = vec![
            Some(vec![b"Invite external user".to_vec()]),
            Some(vec![
                b"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE".to_vec(),
                b"Add owner".to_vec(),
            ]),
            Some(vec![b"Update user".to_vec()]),
            Some(vec![b"guest".to_vec()]),
        ];
        let prefilter = Prefilter::new(requirements).unwrap();
        for text in [
            r#"{"a":"Invite external user"}"#,
            r#"{"a":"x Add owner y"}"#,
            r#"{"a":"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE"}"#,
            r#"{"b":"guest"}"#,
            r#"{"a":"Invite external \u0075ser"}"#,
            r#"{"a":"MICROSOFT.COMPUTE\/VIRTUALMACHINES\/WRITE"}"#,
        ] {
            assert!(prefilter.may_match(text.as_bytes()), "{text}");
        }
        for text in [
            r#"{"a":"Invite external"}"#,
            r#"{"a":"gues t","b":"Add owne"}"#,
            r#"{"a":"escaped \" quote"}"#,
            "",
        ] {
            assert!(!prefilter.may_match(text.as_bytes()), "{text}");
        }
        assert!(Prefilter::new(vec![Some(vec![b"abc".to_vec()]), None]).is_none());
    }

    #[test]
    fn the_trigram_table_finds_what_a_plain_search_finds() {
        let patterns: Vec<Vec<u8>> = [
            "29d9ed98-a469-4536-ade2-f981bc1d605e",
            "00000003-0000-0000-c000-000000000000",
            "Update user",
            "high",
            "abc",
            "ab",
            "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
        ]
        .iter()
        .map(|pattern| pattern.as_bytes().to_vec())
        .collect();
        let search = MultiSearch::new(patterns.clone());
        assert!(search.table.is_some());
        let filler =
            b"{\"id\":\"00000003-0000-0000-c000-00000000000\",\"op\":\"Update usr hig a b\"}";
        let plain = |text: &[u8]| {
            patterns
                .iter()
                .any(|pattern| memmem::find(text, pattern).is_some())
        };
        // Every pattern, and every pattern but its last byte, at every
        // position of the filler, including its very start and end.
        for pattern in &patterns {
            for cut in [pattern.len(), pattern.len() - 1] {
                for at in 0..=filler.len() {
                    let mut text = filler[..at].to_vec();
                    text.extend_from_slice(&pattern[..cut]);
                    text.extend_from_slice(&filler[at..]);
                    assert_eq!(
                        search.any_in(&text),
                        plain(&text),
                        "{}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
    }

    #[test]
    fn few_patterns_use_substring_search_and_find_the_same() {
        let few = Prefilter::new(vec![Some(vec![b"guest".to_vec()])]).unwrap();
        assert!(few.may_match(b"{\"a\":\"the guest\"}"));
        assert!(!few.may_match(b"{\"a\":\"the host\"}"));
    }
}
