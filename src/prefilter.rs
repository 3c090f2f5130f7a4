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
//! 64-kbit table marks the byte pairs that anchor some literal (its rarest
//! pair), and only positions the table marks are checked against the
//! literals.

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
    /// Few patterns: one SIMD substring search each.
    finders: Vec<memmem::Finder<'static>>,
    /// Many patterns: the pair table (empty with few patterns) and the
    /// patterns by anchoring pair.
    table: Option<Box<[u64; 1024]>>,
    anchors: Vec<Anchor>,
}

#[derive(Clone, Debug)]
struct Anchor {
    /// The anchoring byte pair, as a table index.
    pair: u16,
    /// Where the anchoring pair starts in the pattern.
    offset: usize,
    pattern: Box<[u8]>,
}

/// Up to this many patterns, separate SIMD searches beat one table pass.
const FEW_PATTERNS: usize = 3;

impl MultiSearch {
    fn new(patterns: Vec<Vec<u8>>) -> MultiSearch {
        if patterns.len() <= FEW_PATTERNS {
            return MultiSearch {
                finders: patterns
                    .into_iter()
                    .map(|pattern| memmem::Finder::new(&pattern).into_owned())
                    .collect(),
                table: None,
                anchors: Vec::new(),
            };
        }
        let mut table = Box::new([0u64; 1024]);
        let mut anchors: Vec<Anchor> = patterns
            .into_iter()
            .filter(|pattern| pattern.len() >= 2)
            .map(|pattern| {
                let offset = rarest_pair(&pattern);
                let pair = pair_index(pattern[offset], pattern[offset + 1]);
                table[usize::from(pair >> 6)] |= 1 << (pair & 63);
                Anchor {
                    pair,
                    offset,
                    pattern: pattern.into_boxed_slice(),
                }
            })
            .collect();
        anchors.sort_by_key(|anchor| anchor.pair);
        MultiSearch {
            finders: Vec::new(),
            table: Some(table),
            anchors,
        }
    }

    fn any_in(&self, text: &[u8]) -> bool {
        let Some(table) = &self.table else {
            return self
                .finders
                .iter()
                .any(|finder| finder.find(text).is_some());
        };
        let Some((&first, rest)) = text.split_first() else {
            return false;
        };
        let mut previous = first;
        for (at, &byte) in rest.iter().enumerate() {
            let pair = pair_index(previous, byte);
            // A fixed-size table indexed by a u16's top ten bits needs no bounds check.
            if table[usize::from(pair >> 6)] >> (pair & 63) & 1 != 0 && self.confirm(text, at, pair)
            {
                return true;
            }
            previous = byte;
        }
        false
    }

    /// Whether a pattern anchored by `pair` really occurs with its pair at `at`.
    fn confirm(&self, text: &[u8], at: usize, pair: u16) -> bool {
        let first = self.anchors.partition_point(|anchor| anchor.pair < pair);
        self.anchors[first..]
            .iter()
            .take_while(|anchor| anchor.pair == pair)
            .any(|anchor| {
                at.checked_sub(anchor.offset)
                    .and_then(|start| text.get(start..start + anchor.pattern.len()))
                    == Some(&anchor.pattern[..])
            })
    }
}

fn pair_index(first: u8, second: u8) -> u16 {
    u16::from(first) | u16::from(second) << 8
}

/// The start of the pattern's byte pair least likely to occur in JSON logs:
/// structural characters and lowercase letters are everywhere, capitals,
/// digits and most punctuation much less so.
fn rarest_pair(pattern: &[u8]) -> usize {
    let rarity = |byte: u8| match byte {
        b'"' | b':' | b',' | b'{' | b'}' | b'[' | b']' => 0u32,
        b'a'..=b'z' | b' ' => 1,
        b'0'..=b'9' | b'.' | b'-' | b'_' => 2,
        _ => 3,
    };
    (0..pattern.len() - 1)
        .max_by_key(|&at| {
            let score = rarity(pattern[at]) + rarity(pattern[at + 1]);
            // Prefer the earliest of equally rare pairs.
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
    fn few_patterns_use_substring_search_and_find_the_same() {
        let few = Prefilter::new(vec![Some(vec![b"guest".to_vec()])]).unwrap();
        assert!(few.may_match(b"{\"a\":\"the guest\"}"));
        assert!(!few.may_match(b"{\"a\":\"the host\"}"));
    }
}
