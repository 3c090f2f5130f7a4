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
//! A rule's condition is every narrow required term's literals (see
//! [`LiteralCondition`]). The search for every rule's most selective
//! literals is one pass over the text that looks up the trigram at every
//! few positions in a 64-kbit table of hashed trigrams; only positions the
//! table marks are checked against the literals, and only the rules whose
//! first literals occur have their other literals searched for.

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
        if self.is_broad() {
            shortest.min(1)
        } else {
            shortest + 1
        }
    }

    fn is_broad(&self) -> bool {
        BROAD_FIELDS.contains(&self.field.as_str())
    }
}

/// What the text of an event a query matches must hold: one literal of each
/// group. Each group is a required term of the query, so their conjunction
/// is as necessary as any one of them, and far narrower: a rule on `"Update
/// user"` events that changed `UserType` from `*Guest*` passes only the
/// updates whose text holds all three, not every user update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiteralCondition {
    /// The most selective group first.
    groups: Vec<Vec<Vec<u8>>>,
}

impl CompiledQuery {
    /// The literals the query's required terms need, or `None` when it has
    /// no required term a text search can decide. Terms on broad fields
    /// are left out when there are others: their values are in most events
    /// of a data set, so checking them costs more than it rejects.
    pub fn required_literals(&self) -> Option<LiteralCondition> {
        let mut requirements = requirements(&self.root.kind)?;
        requirements.sort_by_key(|requirement| std::cmp::Reverse(requirement.selectivity()));
        let narrow = requirements
            .iter()
            .take_while(|requirement| !requirement.is_broad())
            .count();
        requirements.truncate(narrow.max(1));
        let mut groups: Vec<Vec<Vec<u8>>> = Vec::new();
        for requirement in requirements {
            if !groups.contains(&requirement.literals) {
                groups.push(requirement.literals);
            }
        }
        Some(LiteralCondition { groups })
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
        // No value passes: the term is met by no text at all.
        Test::Never => return Some(Vec::new()),
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
    // The walk reads only the fields its pattern matches; the tests of the
    // other declared fields never run.
    let tests = clause
        .declared
        .iter()
        .filter(|(name, _, _)| clause.pattern.matches(name))
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
///
/// One search finds which rules' first (most selective) groups occur; only
/// for those rules are the other groups looked for, one substring search
/// each. The other groups' literals stay out of the shared search, whose
/// cost grows with every literal it has to check.
#[derive(Clone, Debug)]
pub struct Prefilter {
    search: MultiSearch,
    conditions: Vec<RuleCondition>,
    /// By pattern position, the rules whose first group holds it.
    rules_by_first: Vec<Vec<usize>>,
    /// Whether some literal has a `/`, which JSON may write as `\/`.
    slash: bool,
}

/// One rule's [`LiteralCondition`], ready to search.
#[derive(Clone, Debug)]
struct RuleCondition {
    /// The first group, as positions among the shared search's patterns.
    first: Vec<usize>,
    /// The other groups.
    rest: Vec<Vec<memmem::Finder<'static>>>,
}

impl RuleCondition {
    fn rest_holds(&self, text: &[u8]) -> bool {
        self.rest
            .iter()
            .all(|group| group.iter().any(|finder| finder.find(text).is_some()))
    }
}

impl Prefilter {
    /// The prefilter for a set of rules' literal conditions (one per rule);
    /// `None` when some rule has none, so every event must be read.
    pub fn new(conditions: Vec<Option<LiteralCondition>>) -> Option<Prefilter> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut slash = false;
        let mut ready = Vec::new();
        for condition in conditions {
            let mut groups = condition?.groups.into_iter();
            let first = groups
                .next()
                .unwrap_or_default()
                .into_iter()
                .map(|literal| {
                    slash |= literal.contains(&b'/');
                    position_of(&mut patterns, literal)
                })
                .collect();
            let rest = groups
                .map(|group| {
                    group
                        .iter()
                        .map(|literal| {
                            slash |= literal.contains(&b'/');
                            memmem::Finder::new(literal).into_owned()
                        })
                        .collect()
                })
                .collect();
            ready.push(RuleCondition { first, rest });
        }
        let mut rules_by_first = vec![Vec::new(); patterns.len()];
        for (rule, condition) in ready.iter().enumerate() {
            for &position in &condition.first {
                rules_by_first[position].push(rule);
            }
        }
        Some(Prefilter {
            search: MultiSearch::new(patterns),
            conditions: ready,
            rules_by_first,
            slash,
        })
    }

    /// False only when `text` provably meets no rule's condition.
    pub fn may_match(&self, text: &[u8]) -> bool {
        self.has_hiding_escape(text) || self.some_condition_holds(text)
    }

    fn some_condition_holds(&self, text: &[u8]) -> bool {
        let Some(table) = self.search.table.as_ref() else {
            // Few patterns: each searched only when a condition asks.
            return self.conditions.iter().any(|condition| {
                condition
                    .first
                    .iter()
                    .any(|&at| self.search.finders[at].find(text).is_some())
                    && condition.rest_holds(text)
            });
        };
        set_bits(&self.search.found_with(table, text)).any(|position| {
            self.rules_by_first[position]
                .iter()
                .any(|&rule| self.conditions[rule].rest_holds(text))
        })
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

/// The positions of the bits set in `words`.
fn set_bits(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(index, &word)| {
        let mut rest = word;
        std::iter::from_fn(move || {
            let bit = (rest != 0).then(|| rest.trailing_zeros() as usize)?;
            rest &= rest - 1;
            Some(index * 64 + bit)
        })
    })
}

/// The position of `literal` among `patterns`, added if new.
fn position_of(patterns: &mut Vec<Vec<u8>>, literal: Vec<u8>) -> usize {
    match patterns.iter().position(|known| *known == literal) {
        Some(position) => position,
        None => {
            patterns.push(literal);
            patterns.len() - 1
        }
    }
}

/// Finds which of a set of byte strings occur in a text.
///
/// With many patterns, the text is sampled: only the trigram at every
/// `stride`-th position is looked up, in a table of the trigrams each
/// pattern has at its first `stride` offsets. A pattern at least
/// `stride + 2` bytes long that occurs anywhere covers a sampled position
/// within its first `stride` bytes, so it is found; patterns too short for
/// the stride are searched for one by one.
#[derive(Clone, Debug)]
struct MultiSearch {
    /// Few patterns: one SIMD substring search each, by position. Many
    /// patterns: none.
    finders: Vec<memmem::Finder<'static>>,
    /// Many patterns: one bit per hashed trigram some pattern has at an
    /// offset below the stride, and those trigrams' patterns by hash.
    table: Option<Box<[u64; 1024]>>,
    anchors: Vec<Anchor>,
    stride: usize,
    /// Many patterns: those too short for the stride, searched one by one.
    short: Vec<(usize, memmem::Finder<'static>)>,
    patterns: usize,
}

#[derive(Clone, Debug)]
struct Anchor {
    /// The hash of the trigram, as a table index.
    hash: u16,
    /// Where the trigram starts in the pattern.
    offset: usize,
    /// The pattern's position among all patterns.
    position: usize,
    pattern: std::sync::Arc<[u8]>,
}

/// Up to this many patterns, separate SIMD searches beat one table pass.
const FEW_PATTERNS: usize = 3;

/// The bytes the table looks up. Three rather than two: with dozens of
/// patterns (application ids, whose every pair is hex digits, as in every
/// identifier of a log line) pairs marked so many positions that checking
/// them cost more than the pass itself.
const ANCHOR: usize = 3;

/// The widest sampling stride: beyond it, the table fills with the
/// patterns' trigrams faster than the pass gets shorter.
const MAX_STRIDE: usize = 8;

/// Patterns too short for this stride are searched for one by one, if
/// there are few of them; else the stride shrinks to fit them.
const MIN_STRIDE: usize = 6;

impl MultiSearch {
    fn new(patterns: Vec<Vec<u8>>) -> MultiSearch {
        let finder = |pattern: &[u8]| memmem::Finder::new(pattern).into_owned();
        let mut search = MultiSearch {
            finders: Vec::new(),
            table: None,
            anchors: Vec::new(),
            stride: 1,
            short: Vec::new(),
            patterns: patterns.len(),
        };
        if patterns.len() <= FEW_PATTERNS {
            search.finders = patterns.iter().map(|pattern| finder(pattern)).collect();
            return search;
        }
        let fits = |pattern: &[u8], stride: usize| pattern.len() >= stride + ANCHOR - 1;
        let too_short = patterns
            .iter()
            .filter(|pattern| !fits(pattern, MIN_STRIDE))
            .count();
        let (set_apart, sampled): (Vec<_>, Vec<_>) =
            patterns.into_iter().enumerate().partition(|(_, pattern)| {
                pattern.len() < ANCHOR || (too_short <= FEW_PATTERNS && !fits(pattern, MIN_STRIDE))
            });
        search.short = set_apart
            .iter()
            .map(|(position, pattern)| (*position, finder(pattern)))
            .collect();
        search.stride = sampled
            .iter()
            .map(|(_, pattern)| pattern.len() + 1 - ANCHOR)
            .min()
            .unwrap_or(1)
            .min(MAX_STRIDE);
        let mut table = Box::new([0u64; 1024]);
        for (position, pattern) in sampled {
            let pattern: std::sync::Arc<[u8]> = pattern.into();
            for offset in 0..search.stride {
                let mut bytes = [0; ANCHOR];
                bytes.copy_from_slice(&pattern[offset..offset + ANCHOR]);
                let hash = trigram_hash(trigram(bytes));
                table[usize::from(hash >> 6)] |= 1 << (hash & 63);
                search.anchors.push(Anchor {
                    hash,
                    offset,
                    position,
                    pattern: pattern.clone(),
                });
            }
        }
        search.anchors.sort_by_key(|anchor| anchor.hash);
        search.table = Some(table);
        search
    }

    /// Which patterns occur in `text`, a bit per position.
    fn found_with(&self, table: &[u64; 1024], text: &[u8]) -> Vec<u64> {
        let mut found = vec![0u64; self.patterns.div_ceil(64)];
        for (position, finder) in &self.short {
            if finder.find(text).is_some() {
                found[position / 64] |= 1 << (position % 64);
            }
        }
        let mut at = 0;
        while let Some(&[first, second, third]) = text.get(at..at + ANCHOR) {
            let hash = trigram_hash(trigram([first, second, third]));
            // A fixed-size table indexed by a u16's top ten bits needs no bounds check.
            if table[usize::from(hash >> 6)] >> (hash & 63) & 1 != 0 {
                self.confirm(text, at, hash, &mut found);
            }
            at += self.stride;
        }
        found
    }

    /// Marks the patterns that really occur with a trigram of `hash` at
    /// `at`. Rarely called, so kept out of the pass's loop.
    #[inline(never)]
    fn confirm(&self, text: &[u8], at: usize, hash: u16, found: &mut [u64]) {
        let first = self.anchors.partition_point(|anchor| anchor.hash < hash);
        for anchor in self.anchors[first..]
            .iter()
            .take_while(|anchor| anchor.hash == hash)
        {
            let occurs = at
                .checked_sub(anchor.offset)
                .and_then(|start| text.get(start..))
                .is_some_and(|rest| rest.starts_with(&anchor.pattern));
            if occurs {
                found[anchor.position / 64] |= 1 << (anchor.position % 64);
            }
        }
    }
}

/// Three bytes as the low 24 bits of a word, the first highest.
fn trigram([first, second, third]: [u8; ANCHOR]) -> u32 {
    u32::from(first) << 16 | u32::from(second) << 8 | u32::from(third)
}

/// A trigram's bit in the 64-kbit table (multiplicative hashing).
fn trigram_hash(trigram: u32) -> u16 {
    (trigram.wrapping_mul(0x9e37_79b1) >> 16) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;
    use crate::time::Timestamp;

    fn literals(query: &str, schema: &Schema) -> Option<Vec<Vec<String>>> {
        let ast = crate::kql::parse(query).unwrap();
        let compiled = CompiledQuery::compile(&ast, schema, Timestamp(0)).unwrap();
        compiled.required_literals().map(|condition| {
            condition
                .groups
                .into_iter()
                .map(|group| {
                    group
                        .into_iter()
                        .map(|literal| String::from_utf8(literal).unwrap())
                        .collect()
                })
                .collect()
        })
    }

    fn condition(groups: &[&[&str]]) -> Option<LiteralCondition> {
        Some(LiteralCondition {
            groups: groups
                .iter()
                .map(|group| {
                    group
                        .iter()
                        .map(|literal| literal.as_bytes().to_vec())
                        .collect()
                })
                .collect(),
        })
    }

    #[test]
    fn every_narrow_required_term_is_a_group_the_most_selective_first() {
        let schema = Schema::builtin();
        let seed = crate::rule::azure_external_guest_user_invitation().query;
        assert_eq!(
            literals(&seed, &schema).unwrap(),
            [["Invite external user"], ["guest"]]
        );
        assert_eq!(
            literals(
                "event.dataset:azure.auditlogs and event.action:(\"Add user\" or \"Update user\")",
                &schema
            )
            .unwrap(),
            [["Add user", "Update user"]]
        );
        assert_eq!(
            literals(
                "user.name:root and user.id:Electron and event.outcome:success and not user.domain:corp",
                &schema
            )
            .unwrap(),
            [["Electron"], ["root"]]
        );
        // Only broad fields: the best of them is still a group.
        assert_eq!(
            literals(
                "event.dataset:azure.signinlogs and event.outcome:success",
                &schema
            )
            .unwrap(),
            [["azure.signinlogs"]]
        );
        assert_eq!(literals("user.name:*admin*", &schema).unwrap(), [["admin"]]);
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
            [["root", "admin"]]
        );
        // Alternatives on different fields rank as the broadest of them.
        assert_eq!(
            literals(
                "(event.dataset:azure.signinlogs or user.name:alice) and user.id:(S-1-5-18 or 42b6)",
                &schema
            )
            .unwrap(),
            [["S-1-5-18", "42b6"]]
        );
        assert_eq!(
            literals(
                "data_stream.dataset:(azure.signinlogs or o365.audit) and (user.name:root or user.id:Electron)",
                &schema
            )
            .unwrap(),
            [["root", "Electron"]]
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
        let prefilter = Prefilter::new(vec![
            condition(&[&["Invite external user"]]),
            condition(&[&["MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Add owner"]]),
            condition(&[&["Update user"]]),
            condition(&[&["guest"]]),
        ])
        .unwrap();
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
        assert!(Prefilter::new(vec![condition(&[&["abc"]]), None]).is_none());
    }

    #[test]
    fn a_rule_passes_only_texts_with_a_literal_of_each_of_its_groups() {
        let promoted = condition(&[&["Update user"], &["UserType"], &["Guest", "guest"]]);
        let invited = condition(&[&["Invite external user"], &["guest"]]);
        let others = [
            condition(&[&["Add owner"], &["UserType"]]),
            condition(&[&["MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE"]]),
        ];
        // Few first groups (searched one by one) and many (the table).
        let few = Prefilter::new(vec![promoted.clone(), invited.clone()]).unwrap();
        let many = Prefilter::new([vec![promoted, invited], others.to_vec()].concat()).unwrap();
        assert!(few.search.table.is_none() && many.search.table.is_some());
        for prefilter in [few, many] {
            assert!(prefilter.may_match(br#"{"op":"Update user","p":{"UserType":"Guest"}}"#));
            for text in [
                r#"{"op":"Update user","p":{"Type":"Guest"}}"#,
                r#"{"op":"Update usr","p":{"UserType":"Guest"}}"#,
                r#"{"op":"Invite external user","p":{"UserType":"x"}}"#,
            ] {
                assert!(!prefilter.may_match(text.as_bytes()), "{text}");
            }
        }
    }

    #[test]
    fn the_trigram_table_finds_what_a_plain_search_finds() {
        // Long patterns and a few short ones (searched apart, stride 8);
        // many short ones (all sampled, the stride shrinks to fit them).
        let long_and_few_short = [
            "29d9ed98-a469-4536-ade2-f981bc1d605e",
            "00000003-0000-0000-c000-000000000000",
            "Update user",
            "high",
            "abc",
            "ab",
            "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE",
        ];
        let many_short = ["high", "xyz1", "wxyz", "user", "Update user", "ab"];
        for (patterns, stride) in [(&long_and_few_short[..], 8), (&many_short[..], 2)] {
            let patterns: Vec<Vec<u8>> = patterns
                .iter()
                .map(|pattern| pattern.as_bytes().to_vec())
                .collect();
            let search = MultiSearch::new(patterns.clone());
            assert_eq!(search.stride, stride);
            finds_what_a_plain_search_finds(&search, &patterns);
        }
    }

    fn finds_what_a_plain_search_finds(search: &MultiSearch, patterns: &[Vec<u8>]) {
        let table = search.table.as_ref().unwrap();
        let filler =
            b"{\"id\":\"00000003-0000-0000-c000-00000000000\",\"op\":\"Update usr hig a b\"}";
        let plain = |text: &[u8]| {
            patterns
                .iter()
                .enumerate()
                .filter(|(_, pattern)| memmem::find(text, pattern).is_some())
                .fold(0u64, |found, (position, _)| found | 1 << position)
        };
        // Every pattern, and every pattern but its last byte, at every
        // position of the filler, including its very start and end.
        for pattern in patterns {
            for cut in [pattern.len(), pattern.len() - 1] {
                for at in 0..=filler.len() {
                    let mut text = filler[..at].to_vec();
                    text.extend_from_slice(&pattern[..cut]);
                    text.extend_from_slice(&filler[at..]);
                    assert_eq!(
                        search.found_with(table, &text),
                        [plain(&text)],
                        "{}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
    }
}
