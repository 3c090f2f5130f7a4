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
//! literals is one pass over the text that looks up the four bytes at every
//! few positions in a 64-kbit table of hashed 4-grams, each literal's
//! least common ones by a static estimate of byte frequencies in logs
//! (literals too short for the stride get a SIMD substring search each);
//! only positions the table marks are checked against the literals, and
//! only the rules whose first literals occur have their other literals
//! searched for. A rule whose every narrow term has a literal too short to
//! sample starts from a long literal of a broad field instead (see
//! [`LiteralCondition`]'s `anchored`), so its short ones are searched for
//! only in the events of its data set.

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
    /// The terms on broad fields left out of `groups`, in the query's order:
    /// not worth checking, but a long one is a cheaper place to start than a
    /// group of short literals (see [`LiteralCondition::anchored`]).
    broad: Vec<Vec<Vec<u8>>>,
}

impl CompiledQuery {
    /// The literals the query's required terms need, or `None` when it has
    /// no required term a text search can decide. Terms on broad fields
    /// are kept apart when there are others: their values are in most events
    /// of a data set, so checking them costs more than it rejects.
    pub fn required_literals(&self) -> Option<LiteralCondition> {
        let mut requirements = requirements(&self.root.kind)?;
        crate::sort::sort_by_key(&mut requirements, |requirement| {
            std::cmp::Reverse(requirement.selectivity())
        });
        let narrow = requirements
            .iter()
            .take_while(|requirement| !requirement.is_broad())
            .count();
        let (mut groups, mut broad) = (Vec::new(), Vec::new());
        for (index, requirement) in requirements.into_iter().enumerate() {
            let kept = if index < narrow.max(1) {
                &mut groups
            } else {
                &mut broad
            };
            if !kept.contains(&requirement.literals) {
                kept.push(requirement.literals);
            }
        }
        Some(LiteralCondition { groups, broad })
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
    // The clause keeps only the declared fields its pattern matches (see
    // `WalkClause::new`); the others' tests never run.
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
///
/// One search finds which rules' first (most selective) groups occur; only
/// for those rules are the other groups looked for. The other groups'
/// literals stay out of the shared search, whose cost grows with every
/// literal it has to check.
#[derive(Clone, Debug)]
pub struct Prefilter {
    search: MultiSearch,
    /// By pattern position, the rules whose first group holds it.
    followers: Vec<Followers>,
    /// Whether some literal has a `/`, which JSON may write as `\/`.
    slash: bool,
}

/// The rules whose first group holds one literal, and what else each needs.
///
/// Their other groups' literals are searched for together when a few bytes
/// (one of them in each literal) find them all in one pass: a sign-in event
/// starts three of the 68 Azure rules (on `azure.signinlogs`), and searching
/// it for `high`, `atRisk` and `confirmedCompromised` one after the other,
/// none of them there, was three passes over every such event.
#[derive(Clone, Debug, Default)]
struct Followers {
    /// Each rule's other groups, as positions in `literals`.
    rules: Vec<Vec<Vec<usize>>>,
    /// The literals of those groups, each once.
    literals: Vec<memmem::Finder<'static>>,
    /// The bytes that find them together, when there are such bytes.
    together: Option<Together>,
}

impl Followers {
    /// Adds a rule whose other groups are `rest`.
    fn add(&mut self, rest: &[Vec<Vec<u8>>]) {
        let groups = rest
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|literal| self.position_of(literal))
                    .collect()
            })
            .collect();
        self.rules.push(groups);
    }

    /// The position of `literal` among the literals, added if new.
    fn position_of(&mut self, literal: &[u8]) -> usize {
        let known = self
            .literals
            .iter()
            .position(|finder| finder.needle() == literal);
        known.unwrap_or_else(|| {
            self.literals
                .push(memmem::Finder::new(literal).into_owned());
            self.literals.len() - 1
        })
    }

    /// Chooses, once every rule is in, whether to search together: only
    /// for two literals or more (a lone follower is searched only in the
    /// texts holding its first literal, where a substring search costs as
    /// little), and not when some rule needs nothing else: every such text
    /// holds, and the literals of rules tried before it are searched apart.
    fn finish(&mut self) {
        let needles: Vec<&[u8]> = self.literals.iter().map(memmem::Finder::needle).collect();
        let some_rule_needs_nothing = self.rules.iter().any(Vec::is_empty);
        self.together = (needles.len() > 1 && !some_rule_needs_nothing)
            .then(|| Together::of(&needles))
            .flatten();
    }

    /// Whether some rule has a literal of each of its other groups in `text`.
    fn hold(&self, text: &[u8]) -> bool {
        let holds = |has: &dyn Fn(usize) -> bool| {
            self.rules
                .iter()
                .any(|groups| groups.iter().all(|group| group.iter().any(|&at| has(at))))
        };
        match &self.together {
            Some(together) => {
                let mut present = 0u64;
                together.search(text, |index| {
                    present |= 1 << index;
                    holds(&|at| present >> at & 1 != 0)
                })
            }
            None => holds(&|at| self.literals[at].find(text).is_some()),
        }
    }
}

impl Prefilter {
    /// The prefilter for a set of rules' literal conditions (one per rule);
    /// `None` when some rule has none, so every event must be read.
    pub fn new(conditions: Vec<Option<LiteralCondition>>) -> Option<Prefilter> {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut followers: Vec<Followers> = Vec::new();
        let mut slash = false;
        for condition in conditions {
            let mut groups = condition?
                .anchored()?
                .into_iter()
                .map(without_superstrings)
                .inspect(|group| slash |= group.iter().any(|literal| literal.contains(&b'/')));
            // `anchored` has a group, or there is no requirement.
            let first: Vec<usize> = groups
                .next()?
                .into_iter()
                .map(|literal| position_of(&mut patterns, literal))
                .collect();
            let rest: Vec<Vec<Vec<u8>>> = groups.collect();
            followers.resize_with(patterns.len(), Followers::default);
            for position in first {
                followers[position].add(&rest);
            }
        }
        followers.iter_mut().for_each(Followers::finish);
        Some(Prefilter {
            search: MultiSearch::new(patterns),
            followers,
            slash,
        })
    }

    /// False only when `text` provably meets no rule's condition.
    pub fn may_match(&self, text: &[u8]) -> bool {
        self.has_hiding_escape(text) || self.literals_may_match(text)
    }

    /// The two halves of [`Prefilter::may_match`], for a caller that learns
    /// of a text's escapes otherwise (the structure check decodes every
    /// escape of a line anyway): whether some rule's literals are all in
    /// `text` as written (for some first-group literal found, one of its
    /// rules has a literal of each other group there too; a literal found
    /// again, as an operation name is in an event three times, is not tried
    /// again)...
    pub fn literals_may_match(&self, text: &[u8]) -> bool {
        let mut tried = Tried::default();
        self.search.any(text, &mut |position| {
            tried.first_time(position) && self.followers[position].hold(text)
        })
    }

    /// ...and whether escapes of the kinds found (`\u`, `\/`) may spell a
    /// literal the byte search missed.
    pub fn escapes_may_hide_literals(&self, unicode: bool, slash: bool) -> bool {
        unicode || slash && self.slash
    }

    /// A `\u` escape may spell any literal's characters; `\/` a slash.
    fn has_hiding_escape(&self, text: &[u8]) -> bool {
        memchr::memchr_iter(b'\\', text).any(|at| hides_literals(text, at, self.slash))
    }

    /// Where, in `text` (a batch of lines), the byte sequences start
    /// without which [`Prefilter::may_match`] rejects a line: a first group's
    /// literal, or (with `escapes`) an escape that may spell one; without,
    /// those without which [`Prefilter::literals_may_match`] does, for a
    /// caller that learns of escapes otherwise. `None` when the literals
    /// are sampled from a gram table (many rules), whose sampling starts
    /// afresh on every line, or when their rarest bytes (and the backslash)
    /// are more than one search for three bytes can find.
    pub fn candidates_in<'t>(
        &'t self,
        text: &'t [u8],
        escapes: bool,
    ) -> Option<CandidateStarts<'t>> {
        if self.search.table.is_some() {
            return None;
        }
        let literals: Vec<RareByte<'t>> = self
            .search
            .apart
            .iter()
            .map(|(_, finder)| RareByte::of(finder.needle()))
            .collect();
        // The backslash, then each literal's byte once; the first byte
        // again in the places left.
        let first = match literals.first() {
            Some(literal) if !escapes => literal.byte,
            _ => b'\\',
        };
        let mut bytes = [first; 3];
        let mut distinct = 1;
        for literal in &literals {
            if !bytes[..distinct].contains(&literal.byte) {
                *bytes.get_mut(distinct)? = literal.byte;
                distinct += 1;
            }
        }
        Some(CandidateStarts {
            text,
            longest_offset: literals
                .iter()
                .map(|literal| literal.offset)
                .max()
                .unwrap_or(0),
            literals,
            bytes,
            escapes,
            slash: self.slash,
        })
    }
}

/// A literal, and its rarest byte in logs (by [`BYTE_RARITY`]) and where
/// that byte is in it: a search for that byte stops at few other places.
struct RareByte<'t> {
    literal: &'t [u8],
    byte: u8,
    offset: usize,
}

impl RareByte<'_> {
    fn of(literal: &[u8]) -> RareByte<'_> {
        let (byte, offset) = rarest_in(literal, |_| true).unwrap_or((0, 0));
        RareByte {
            literal,
            byte,
            offset,
        }
    }
}

/// Up to three bytes, one of them in each of a set of literals: one search
/// for those bytes finds every literal of the set, since wherever a literal
/// is, its byte is too, a known offset in.
#[derive(Clone, Debug)]
struct Together {
    /// The bytes (the first repeated when they are fewer than three).
    bytes: [u8; 3],
    /// Each literal, its byte among `bytes` and that byte's offset in it.
    literals: Vec<(Vec<u8>, u8, usize)>,
}

impl Together {
    /// The bytes for `literals`: each literal's rarest (by [`BYTE_RARITY`])
    /// unless it holds one chosen before. `None` when that takes more than
    /// three bytes, or the literals are more than a mask has bits.
    fn of(literals: &[&[u8]]) -> Option<Together> {
        if literals.len() > 64 {
            return None;
        }
        let mut chosen: Vec<u8> = Vec::new();
        let mut stops = Vec::new();
        for &literal in literals {
            let (byte, offset) = rarest_in(literal, |byte| chosen.contains(&byte))
                .or_else(|| rarest_in(literal, |_| true))?;
            if !chosen.contains(&byte) {
                chosen.push(byte);
            }
            stops.push((literal.to_vec(), byte, offset));
        }
        let mut bytes = [*chosen.first()?; 3];
        if chosen.len() > bytes.len() {
            return None;
        }
        bytes[..chosen.len()].copy_from_slice(&chosen);
        Some(Together {
            bytes,
            literals: stops,
        })
    }

    /// Searches `text` once for all the literals, telling `found` the
    /// position (in [`Together::of`]'s order) of each the first time it is
    /// found, and returns true as soon as `found` does.
    fn search(&self, text: &[u8], mut found: impl FnMut(usize) -> bool) -> bool {
        let mut seen = 0u64;
        let mut at = 0;
        while let Some(next) = text
            .get(at..)
            .and_then(|rest| find_any_of(rest, self.bytes))
        {
            let next = at + next;
            for (index, (literal, byte, offset)) in self.literals.iter().enumerate() {
                let new = seen >> index & 1 == 0
                    && text[next] == *byte
                    && next
                        .checked_sub(*offset)
                        .and_then(|start| text.get(start..))
                        .is_some_and(|rest| rest.starts_with(literal));
                if new {
                    seen |= 1 << index;
                    if found(index) {
                        return true;
                    }
                }
            }
            at = next + 1;
        }
        false
    }
}

/// The rarest byte of `literal` (the first of the rarest) among those
/// `allowed`, and its offset.
fn rarest_in(literal: &[u8], allowed: impl Fn(u8) -> bool) -> Option<(u8, usize)> {
    literal
        .iter()
        .enumerate()
        .filter(|(_, &byte)| allowed(byte))
        .max_by_key(|(offset, &byte)| (BYTE_RARITY[usize::from(byte)], std::cmp::Reverse(*offset)))
        .map(|(offset, &byte)| (byte, offset))
}

/// Whether the backslash at `at` in `text` starts an escape that may spell
/// a literal's characters: `\u` any, `\/` a slash (when some literal has one).
fn hides_literals(text: &[u8], at: usize, slash: bool) -> bool {
    match text.get(at + 1) {
        Some(b'u') => true,
        Some(b'/') => slash,
        _ => false,
    }
}

/// The places in a batch of lines where a line may start to be one
/// [`Prefilter::may_match`] passes (see [`Prefilter::candidates_in`]). The
/// batch is searched once for the literals' rarest bytes and the backslash
/// together (one vector pass, where a search of each literal and of the
/// escapes was a pass each, and searching line by line set each up again on
/// every line), so a reader can leave the lines before the next place
/// unread without looking into them.
pub struct CandidateStarts<'t> {
    text: &'t [u8],
    literals: Vec<RareByte<'t>>,
    /// The literals' rarest bytes and, with `escapes`, the backslash (the
    /// first repeated when they are fewer than three).
    bytes: [u8; 3],
    /// Whether an escape that may spell a literal is a place too.
    escapes: bool,
    /// The furthest a literal's rarest byte is from its start.
    longest_offset: usize,
    slash: bool,
}

impl CandidateStarts<'_> {
    /// An offset at or after `from` before which, from `from` on, no
    /// literal or hiding escape starts (at most the first that does, so
    /// perhaps some bytes before it); the text's length when none does.
    pub fn next_from(&self, from: usize) -> usize {
        let text = self.text;
        let mut at = from;
        while let Some(found) = text
            .get(at..)
            .and_then(|rest| find_any_of(rest, self.bytes))
        {
            let found = at + found;
            let literal_start = self
                .literals
                .iter()
                .filter(|literal| literal.byte == text[found])
                .filter_map(|literal| {
                    let start = found.checked_sub(literal.offset)?;
                    (start >= from && text[start..].starts_with(literal.literal)).then_some(start)
                })
                .min();
            let escape =
                self.escapes && text[found] == b'\\' && hides_literals(text, found, self.slash);
            if let Some(start) = literal_start.or(escape.then_some(found)) {
                // A literal whose rarest byte is further along may start
                // before this one and not have been seen yet.
                let unseen = (found + 1).saturating_sub(self.longest_offset);
                return start.min(unseen.max(from));
            }
            at = found + 1;
        }
        text.len()
    }
}

/// Where the first of `bytes` is in `text`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn find_any_of(text: &[u8], bytes: [u8; 3]) -> Option<usize> {
    match bytes {
        [first, second, third] if first == second && first == third => memchr::memchr(first, text),
        [first, second, third] => memchr::memchr3(first, second, third, text),
    }
}

/// Where the first of `bytes` is in `text`: 64 bytes a step, as
/// `input::find_newline` (memchr's `memchr2` in wasm made a call for every
/// 16 bytes, and cost more than the searches it replaced). Two distinct
/// bytes (one rule's literals share theirs) are compared without the third.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn find_any_of(text: &[u8], bytes: [u8; 3]) -> Option<usize> {
    use crate::input::{find_vector_match, VECTOR_BLOCK};
    use core::arch::wasm32::{u8x16_eq, u8x16_splat, v128_or};
    let [first, second, third] = bytes.map(|byte| u8x16_splat(byte));
    let found = if bytes[1] == bytes[0] && bytes[2] == bytes[0] {
        find_vector_match(text, |vector| u8x16_eq(vector, first))
    } else if bytes[2] == bytes[0] {
        find_vector_match(text, |vector| {
            v128_or(u8x16_eq(vector, first), u8x16_eq(vector, second))
        })
    } else {
        find_vector_match(text, |vector| {
            v128_or(
                v128_or(u8x16_eq(vector, first), u8x16_eq(vector, second)),
                u8x16_eq(vector, third),
            )
        })
    };
    found.or_else(|| {
        let tail_start = text.len() - text.len() % VECTOR_BLOCK;
        text[tail_start..]
            .iter()
            .position(|byte| bytes.contains(byte))
            .map(|at| tail_start + at)
    })
}

impl LiteralCondition {
    /// The groups to search for, the one to start with first: the most
    /// selective, unless it has a literal too short for the shared pass to
    /// sample (so a search of every text of its own) and a term on a broad
    /// field has only long ones. Then that term comes first, and the short
    /// literals are searched for only in texts that have it: a rule on
    /// `azure.identity_protection` events with the action `Risky user`
    /// costs nothing in a stream without those events. `None` without any
    /// group (no requirement: every text may match).
    fn anchored(self) -> Option<Vec<Vec<Vec<u8>>>> {
        let all_long =
            |group: &Vec<Vec<u8>>| group.iter().all(|literal| literal.len() >= SAMPLED_LENGTH);
        let first = self.groups.first()?;
        if all_long(first) {
            return Some(self.groups);
        }
        let Some(broad) = self.broad.into_iter().find(all_long) else {
            return Some(self.groups);
        };
        Some(std::iter::once(broad).chain(self.groups).collect())
    }
}

/// A group's literals less those that hold another of them: a text with
/// `kube-audit-admin` has `kube-audit`, so that one alone is as good a test.
fn without_superstrings(group: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    let mut by_length = group;
    crate::sort::sort_by_key(&mut by_length, Vec::len);
    for literal in by_length {
        if !kept
            .iter()
            .any(|shorter| memmem::find(&literal, shorter).is_some())
        {
            kept.push(literal);
        }
    }
    kept
}

/// The first-group patterns already tried on one text (the first 256;
/// later ones are tried every time they are found).
#[derive(Default)]
struct Tried([u64; 4]);

impl Tried {
    fn first_time(&mut self, position: usize) -> bool {
        let Some(word) = self.0.get_mut(position / 64) else {
            return true;
        };
        let bit = 1 << (position % 64);
        let first = *word & bit == 0;
        *word |= bit;
        first
    }
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
/// With many patterns, the text is sampled: only the four bytes at every
/// `stride`-th position are looked up, in a bit table of hashed 4-grams. A
/// pattern puts there the grams at `stride` consecutive offsets of its own,
/// so wherever it occurs one of them is at a sampled position; it chooses
/// the offsets whose grams are rarest in logs (see [`gram_rarity`]), since
/// every sampled position a common gram marks costs a closer look. Patterns
/// too short for the stride are searched for one by one.
#[derive(Clone, Debug)]
struct MultiSearch {
    /// Patterns searched for one by one (SIMD substring search), with their
    /// positions: all of them when there are few, else the short ones.
    apart: Vec<(usize, memmem::Finder<'static>)>,
    /// With the table, the bytes that find the patterns searched apart in
    /// one pass (`Electron`, the 68 Azure rules' one: a search for its `E`
    /// costs less than a substring search).
    together: Option<Together>,
    table: Option<GramTable>,
}

/// The sampled patterns' grams.
#[derive(Clone, Debug)]
struct GramTable {
    stride: usize,
    /// One bit per slot (hashed gram) some anchor has.
    bits: Box<[u64; TABLE_WORDS]>,
    /// The anchors, by slot.
    anchors: Vec<Anchor>,
    /// Where each word of `bits` has its anchors: `anchors[starts[word]..starts[word + 1]]`.
    starts: Box<[usize; TABLE_WORDS + 1]>,
}

/// One gram of a sampled pattern.
#[derive(Clone, Debug)]
struct Anchor {
    slot: usize,
    gram: u32,
    /// Where the gram starts in the pattern.
    offset: usize,
    /// Where in the pattern eight bytes that hold the gram start, and
    /// those bytes (none in a pattern shorter than that): compared before
    /// the whole pattern, since most marked samples are a common gram
    /// (`user`, `azur`) where the pattern is not, and then one word's
    /// compare ends the look without a call to compare slices.
    near: Option<(usize, u64)>,
    /// The pattern's position among all patterns.
    position: usize,
    pattern: std::sync::Arc<[u8]>,
}

/// The bytes around a gram an anchor compares before its whole pattern.
const NEAR: usize = 8;

/// The shortest pattern the table samples at its widest stride.
const SAMPLED_LENGTH: usize = MAX_STRIDE + GRAM - 1;

/// Up to this many patterns, separate SIMD searches beat one table pass.
const FEW_PATTERNS: usize = 3;

/// The bytes the table looks up, read as one little-endian word. Four
/// rather than three: with dozens of patterns, trigrams (of application
/// ids' hex digits, as in every identifier of a log line, or of words such
/// as `ser` of every `user`) marked so many positions that checking them
/// cost as much as the pass.
const GRAM: usize = 4;

/// The table has `1 << TABLE_BITS` slots.
const TABLE_BITS: u32 = 16;
const TABLE_WORDS: usize = 1 << (TABLE_BITS - 6);

/// The widest sampling stride: beyond it the table fills with the patterns'
/// grams, and ever more of them common, faster than the pass gets shorter.
const MAX_STRIDE: usize = 8;

/// A separate SIMD search of a text costs about as much as sampling every
/// this many bytes of it (measured natively on the 68 Azure rules over the
/// mix: about 0.4 instructions a byte for a short literal, 12 a sample).
const SEARCH_COST_IN_SAMPLES: usize = 28;

impl MultiSearch {
    fn new(patterns: Vec<Vec<u8>>) -> MultiSearch {
        let finder = |pattern: &[u8]| memmem::Finder::new(pattern).into_owned();
        if patterns.len() <= FEW_PATTERNS {
            return MultiSearch {
                apart: patterns
                    .iter()
                    .enumerate()
                    .map(|(position, pattern)| (position, finder(pattern)))
                    .collect(),
                together: None,
                table: None,
            };
        }
        MultiSearch::sampled(patterns)
    }

    /// Many patterns: the long ones sampled in a table, the others apart.
    /// Out of line, so that the few patterns of one rule (the built-in one's
    /// first engine) do not compile the table's code.
    #[inline(never)]
    fn sampled(patterns: Vec<Vec<u8>>) -> MultiSearch {
        let finder = |pattern: &[u8]| memmem::Finder::new(pattern).into_owned();
        let stride = best_stride(&patterns);
        let (apart, sampled): (Vec<_>, Vec<_>) = patterns
            .into_iter()
            .enumerate()
            .partition(|(_, pattern)| pattern.len() < stride + GRAM - 1);
        let needles: Vec<&[u8]> = apart
            .iter()
            .map(|(_, pattern)| pattern.as_slice())
            .collect();
        MultiSearch {
            apart: apart
                .iter()
                .map(|(position, pattern)| (*position, finder(pattern)))
                .collect(),
            together: Together::of(&needles),
            table: (!sampled.is_empty()).then(|| GramTable::new(sampled, stride)),
        }
    }

    /// Whether `found` returns true for the position of some pattern that
    /// occurs in `text` (it may be asked more than once for one pattern).
    fn any(&self, text: &[u8], found: &mut impl FnMut(usize) -> bool) -> bool {
        let apart = match &self.together {
            Some(together) => together.search(text, |index| found(self.apart[index].0)),
            None => self
                .apart
                .iter()
                .any(|(position, finder)| finder.find(text).is_some() && found(*position)),
        };
        apart
            || self
                .table
                .as_ref()
                .is_some_and(|table| table.any(text, found))
    }
}

/// The stride at which sampling the text and searching separately for the
/// patterns too short for it cost least.
fn best_stride(patterns: &[Vec<u8>]) -> usize {
    let cost = |stride: usize| {
        let apart = patterns
            .iter()
            .filter(|pattern| pattern.len() < stride + GRAM - 1)
            .count();
        // Per byte of text, in 1/(8 · 7 · 5 · 3) of a sample.
        let unit = 8 * 7 * 5 * 3;
        unit / stride + apart * unit / SEARCH_COST_IN_SAMPLES
    };
    // The widest of the cheapest.
    (1..=MAX_STRIDE)
        .rev()
        .min_by_key(|&stride| cost(stride))
        .unwrap_or(1)
}

impl GramTable {
    /// The table of `patterns` (with their positions), each at least
    /// `stride + GRAM - 1` bytes long.
    fn new(patterns: Vec<(usize, Vec<u8>)>, stride: usize) -> GramTable {
        let mut anchors = Vec::new();
        for (position, pattern) in patterns {
            let start = rarest_window(&pattern, stride);
            let pattern: std::sync::Arc<[u8]> = pattern.into();
            for offset in start..start + stride {
                if let Some(gram) = gram_at(&pattern, offset) {
                    let near_offset = offset.min(pattern.len().saturating_sub(NEAR));
                    anchors.push(Anchor {
                        slot: slot(gram),
                        gram,
                        offset,
                        near: word_at(&pattern, near_offset).map(|near| (near_offset, near)),
                        position,
                        pattern: pattern.clone(),
                    });
                }
            }
        }
        crate::sort::sort_by_key(&mut anchors, |anchor| anchor.slot);
        let mut bits = Box::new([0u64; TABLE_WORDS]);
        for anchor in &anchors {
            bits[anchor.slot >> 6] |= 1 << (anchor.slot & 63);
        }
        let mut starts = Box::new([0; TABLE_WORDS + 1]);
        for (word, start) in starts.iter_mut().enumerate() {
            *start = anchors.partition_point(|anchor| anchor.slot >> 6 < word);
        }
        GramTable {
            stride,
            bits,
            anchors,
            starts,
        }
    }

    /// [`MultiSearch::any`] for the sampled patterns.
    fn any(&self, text: &[u8], found: &mut impl FnMut(usize) -> bool) -> bool {
        let mut at = 0;
        // At the widest stride (the many rules' usual one), the text's whole
        // steps first: each step's gram is read from a slice the compiler
        // knows to be a step long, so no sample has a bounds check of its
        // own (stop 27: about 17 instructions a sample with them).
        if self.stride == MAX_STRIDE {
            // A plain loop: with `by_ref().enumerate().any(..)` the wasm
            // build (opt-level "s") left the loop a function of its own.
            for step in text.chunks_exact(MAX_STRIDE) {
                if let Some(&bytes) = step.first_chunk::<GRAM>() {
                    if self.sample(text, at, bytes, found) {
                        return true;
                    }
                }
                at += MAX_STRIDE;
            }
        }
        while let Some(&bytes) = text.get(at..).and_then(<[u8]>::first_chunk::<GRAM>) {
            if self.sample(text, at, bytes, found) {
                return true;
            }
            at += self.stride;
        }
        false
    }

    /// Whether the gram `bytes` at `at` is marked in the table and starts
    /// one of the patterns for which `found` returns true. Inlined by hand:
    /// with its two callers, the wasm build (opt-level "s") made it a call
    /// for every sample, and the 68 rules' mix 15% slower.
    #[inline(always)]
    fn sample(
        &self,
        text: &[u8],
        at: usize,
        bytes: [u8; GRAM],
        found: &mut impl FnMut(usize) -> bool,
    ) -> bool {
        let gram = u32::from_le_bytes(bytes);
        let slot = slot(gram);
        self.bits[slot >> 6] >> (slot & 63) & 1 != 0 && self.confirm(text, at, gram, slot, found)
    }

    /// Asks `found` about the patterns that really occur with `gram` (of
    /// `slot`) at `at`. Rarely called, so kept out of the pass's loop.
    #[inline(never)]
    fn confirm(
        &self,
        text: &[u8],
        at: usize,
        gram: u32,
        slot: usize,
        found: &mut impl FnMut(usize) -> bool,
    ) -> bool {
        let word = slot >> 6;
        let anchors = self
            .anchors
            .get(self.starts[word]..self.starts[word + 1])
            .unwrap_or_default();
        anchors.iter().any(|anchor| {
            anchor.gram == gram
                && at
                    .checked_sub(anchor.offset)
                    .and_then(|start| text.get(start..))
                    .is_some_and(|rest| {
                        anchor
                            .near
                            .is_none_or(|(offset, near)| word_at(rest, offset) == Some(near))
                            && rest.starts_with(&anchor.pattern)
                    })
                && found(anchor.position)
        })
    }
}

/// The four bytes at `offset`, as the table reads them.
fn gram_at(bytes: &[u8], offset: usize) -> Option<u32> {
    let gram = bytes.get(offset..)?.first_chunk::<GRAM>()?;
    Some(u32::from_le_bytes(*gram))
}

/// The [`NEAR`] bytes at `offset`, as one word.
fn word_at(bytes: &[u8], offset: usize) -> Option<u64> {
    let word = bytes.get(offset..)?.first_chunk::<NEAR>()?;
    Some(u64::from_le_bytes(*word))
}

/// A gram's slot in the table (multiplicative hashing).
fn slot(gram: u32) -> usize {
    (gram.wrapping_mul(0x9e37_79b1) >> (32 - TABLE_BITS)) as usize
}

/// Where, in `pattern`, the `stride` consecutive grams that are together
/// the least common start.
fn rarest_window(pattern: &[u8], stride: usize) -> usize {
    let grams = pattern.len().saturating_sub(GRAM - 1);
    let commonness = |start: usize| -> u64 {
        let mut seen: Vec<u32> = Vec::new();
        (start..start + stride)
            .filter_map(|offset| gram_at(pattern, offset))
            .filter(|gram| {
                // A gram twice in the window is one slot, one false hit.
                let new = !seen.contains(gram);
                seen.push(*gram);
                new
            })
            .map(|gram| 1u64 << (64 - gram_rarity(gram).min(64)))
            .sum()
    };
    (0..grams.saturating_sub(stride) + 1)
        .min_by_key(|&start| commonness(start))
        .unwrap_or(0)
}

/// How rare a gram is in JSON logs, in bits (about −log2 of its share of
/// positions): its bytes' rarities, less two bits for each lowercase letter
/// after a letter (words are made of likely sequences, as `tion`), and at
/// most 18 bits for a run of lowercase hex digits and dashes (as in the ids
/// of every log line).
fn gram_rarity(gram: u32) -> u32 {
    let bytes = gram.to_le_bytes();
    let alone: u32 = bytes
        .iter()
        .map(|&byte| u32::from(BYTE_RARITY[usize::from(byte)]))
        .sum();
    let in_words = bytes
        .windows(2)
        .filter(|pair| pair[0].is_ascii_alphabetic() && pair[1].is_ascii_lowercase())
        .count() as u32;
    let rarity = alone - 2 * in_words;
    if bytes
        .iter()
        .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f' | b'-'))
    {
        rarity.min(18)
    } else {
        rarity
    }
}

/// The bytes of JSON logs from the most common to the least, by band: each
/// about half as common as the one before, from 3 bits rare (`"`, an
/// eighth of all bytes) to 12. Measured on the documents of Elastic's Azure
/// integration pipeline tests (the backslashes of their embedded JSON left
/// out); other printable ASCII is rarer still, and other bytes rarer again.
const BYTE_BANDS: [&[u8]; 10] = [
    b"\"",
    b"eai",
    b"trdocns0-,:",
    b"1l5p4uf9372b6.m8_",
    b" ygv{}",
    b"/TIASN",
    b"MzkUDEhPRC[]Lw",
    b"OZBK@VF=",
    b"GqxYW+",
    b"HX#;'",
];

/// Each byte's rarity in bits, from [`BYTE_BANDS`].
const BYTE_RARITY: [u8; 256] = {
    let mut rarity = [14; 256];
    let mut byte = 0x20;
    while byte < 0x7f {
        rarity[byte] = 13;
        byte += 1;
    }
    let mut band = 0;
    while band < BYTE_BANDS.len() {
        let mut index = 0;
        while index < BYTE_BANDS[band].len() {
            rarity[BYTE_BANDS[band][index] as usize] = band as u8 + 3;
            index += 1;
        }
        band += 1;
    }
    rarity
};

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
            broad: Vec::new(),
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
    fn the_gram_table_finds_what_a_plain_search_finds() {
        // Long patterns and a few short ones (searched apart, stride 8);
        // many short ones (all searched apart).
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
        // The short ones found together by their bytes (`h`, `b`) when a
        // few bytes can, else apart (`h`, `x`, `u`, `b`).
        for (patterns, stride, apart, together) in [
            (&long_and_few_short[..], Some(8), 3, true),
            (&many_short[..], Some(8), 5, false),
            (&long_and_few_short[..3], None, 3, false),
        ] {
            let patterns = bytes_of(patterns);
            let search = MultiSearch::new(patterns.clone());
            assert_eq!(search.table.as_ref().map(|table| table.stride), stride);
            assert_eq!(search.apart.len(), apart);
            assert_eq!(search.together.is_some(), together);
            finds_what_a_plain_search_finds(&search, &patterns);
        }
        // Every stride, every pattern sampled, with patterns as short as
        // the stride allows too (shorter than the bytes an anchor compares
        // first at the narrow strides).
        let long = bytes_of(&long_and_few_short[..3]);
        for stride in 1..=MAX_STRIDE {
            let shortest = stride + GRAM - 1;
            let patterns = [
                long.clone(),
                bytes_of(&[
                    &long_and_few_short[0][..shortest],
                    &"Update user"[..shortest],
                ]),
            ]
            .concat();
            let table = GramTable::new(patterns.iter().cloned().enumerate().collect(), stride);
            let search = MultiSearch {
                apart: Vec::new(),
                together: None,
                table: Some(table),
            };
            finds_what_a_plain_search_finds(&search, &patterns);
        }
    }

    /// The widest stride samples whole steps apart from the few bytes
    /// after them: a pattern that only a sample there can see, as an
    /// `Update user` ending a text one byte past whole steps, is found
    /// at every stride whatever the text's length.
    #[test]
    fn a_pattern_ending_the_text_is_found_past_the_last_whole_step() {
        let pattern = b"Update user";
        for stride in 1..=MAX_STRIDE {
            let table = GramTable::new(vec![(0, pattern.to_vec())], stride);
            for pad in 0..3 * MAX_STRIDE {
                let mut text = vec![b'x'; pad];
                text.extend_from_slice(pattern);
                let search = |text: &[u8]| table.any(text, &mut |position| position == 0);
                assert!(search(&text), "stride {stride}, {pad} bytes before");
                text.pop();
                assert!(!search(&text), "stride {stride}, {pad} bytes before, cut");
            }
        }
    }

    #[test]
    fn the_stride_is_the_widest_that_leaves_few_patterns_to_search_apart() {
        let stride = |patterns: &[&str]| best_stride(&bytes_of(patterns));
        let long = "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE";
        assert_eq!(stride(&[long, long, long, long]), MAX_STRIDE);
        // `Update user` fits stride 8 (11 bytes, four for the last gram).
        assert_eq!(stride(&[long, "Update user", "Add user"]), MAX_STRIDE);
        // Many 8-byte patterns: narrower, so that they are sampled too.
        let eights = ["Electron", "UserType", "Add user", "abcdefgh", "12345678"];
        assert_eq!(stride(&eights), 5);
    }

    #[test]
    fn each_pattern_anchors_on_its_rarest_grams() {
        let pattern = b"Update application - Certificates and secrets management";
        let start = rarest_window(pattern, 8);
        // Not on the `Update application` other operations share.
        assert!(start > "Update application".len() - GRAM, "{start}");
        // Upper case and punctuation are rarer than lower case, hex digits
        // commoner than their bytes alone suggest.
        let rarity = |gram: &[u8; 4]| gram_rarity(u32::from_le_bytes(*gram));
        assert!(rarity(b"tion") < rarity(b"N/WR"));
        assert!(rarity(b"e/DE") > rarity(b"ete/"));
        assert_eq!(rarity(b"29d9"), 18);
        // A window may only start where `stride` grams follow.
        assert_eq!(rarest_window(b"abcdefghijk", 8), 0);
        assert!(rarest_window(b"abcdefghijkl", 8) <= 1);
    }

    #[test]
    fn short_literals_are_searched_for_only_where_a_long_broad_one_is() {
        let schema = Schema::builtin();
        let query = "event.dataset:azure.identity_protection and event.action:\"Risky user\" and event.outcome:success";
        let ast = crate::kql::parse(query).unwrap();
        let compiled = CompiledQuery::compile(&ast, &schema, Timestamp(0)).unwrap();
        let risky_user = compiled.required_literals().unwrap();
        let risky = bytes_of(&["Risky user"]);
        let protection = bytes_of(&["azure.identity_protection"]);
        assert_eq!(risky_user.groups, std::slice::from_ref(&risky));
        assert_eq!(risky_user.broad[0], protection);
        assert_eq!(risky_user.clone().anchored().unwrap(), [protection, risky]);
        // With the table (many rules) and without (one rule).
        let others = [
            "Add owner to application",
            "Update role setting in PIM",
            "Add service principal",
        ]
        .map(|literal| condition(&[&[literal]]));
        let many = Prefilter::new([vec![Some(risky_user.clone())], others.to_vec()].concat());
        let many = many.unwrap();
        assert!(many.search.table.is_some());
        for prefilter in [many, Prefilter::new(vec![Some(risky_user)]).unwrap()] {
            assert!(prefilter.may_match(br#"{"d":"azure.identity_protection","a":"Risky user"}"#));
            assert!(!prefilter.may_match(br#"{"d":"azure.signinlogs","a":"Risky user"}"#));
            assert!(!prefilter.may_match(br#"{"d":"azure.identity_protection","a":"Risky"}"#));
        }
        // A long narrow literal, or a short broad one: nothing to gain.
        let long = LiteralCondition {
            groups: vec![bytes_of(&["Add owner to application"])],
            broad: vec![bytes_of(&["azure.auditlogs"])],
        };
        assert_eq!(long.clone().anchored().unwrap(), long.groups);
        let short_broad = LiteralCondition {
            groups: vec![bytes_of(&["high"])],
            broad: vec![bytes_of(&["azure.signinlogs", "o365.audit"])],
        };
        assert_eq!(short_broad.clone().anchored().unwrap(), short_broad.groups);
    }

    #[test]
    fn a_literal_holding_another_of_its_group_is_left_out() {
        let group = bytes_of(&[
            "kube-audit-admin",
            "kube-audit",
            "Electron/8.5.1",
            "Electron",
        ]);
        assert_eq!(
            without_superstrings(group),
            bytes_of(&["Electron", "kube-audit"])
        );
        assert_eq!(
            without_superstrings(bytes_of(&["ab", "ab"])),
            bytes_of(&["ab"])
        );
    }

    /// The place found for a batch is never past the first literal or
    /// hiding escape: not when a literal whose rarest byte comes later
    /// (`q` of `aazaaaaq`) starts before one found first (`zaa`), nor when
    /// its start is where the search began.
    #[test]
    fn the_next_candidate_place_is_never_past_the_first() {
        let cases: [(&[&str], &str, usize, usize); 5] = [
            (&["aazaaaaq", "zaa"], "aazaaaaq", 0, 0),
            (&["aazaaaaq", "zaa"], "xx\naazaaaaq", 3, 3),
            (&["aazaaaaq", "zaa"], "xx\nzaa", 0, 3),
            (&["zaa"], "a\\u0041 zaa", 0, 1),
            (&["zaa"], "a\\n\\\\ za", 0, 8),
        ];
        for (literals, text, from, first) in cases {
            let rules = literals
                .iter()
                .map(|literal| condition(&[&[literal]]))
                .collect();
            let prefilter = Prefilter::new(rules).expect("every rule has literals");
            let starts = prefilter
                .candidates_in(text.as_bytes(), true)
                .expect("few literals");
            let next = starts.next_from(from);
            assert!(
                (from..=first).contains(&next),
                "{literals:?} in {text:?} from {from}: {next}, the first at {first}"
            );
        }
    }

    /// Literals searched for together are found wherever a search of each
    /// finds them: at the text's start and end, with their byte far into
    /// them, and sharing a byte with another literal.
    #[test]
    fn literals_searched_together_are_found_where_each_is() {
        let sets: [&[&str]; 3] = [
            &["high", "atRisk", "confirmedCompromised"],
            &["Guest", "guest", "UserType"],
            &["aaaz", "zaa", "qqq"],
        ];
        for set in sets {
            let needles: Vec<&[u8]> = set.iter().map(|literal| literal.as_bytes()).collect();
            let together = Together::of(&needles).expect("three bytes at most");
            let filler = br#"{"risk_state":"none","ua":"Mozilla/5.0","g":"gues","z":"aaa"}"#;
            for (index, needle) in needles.iter().enumerate() {
                for cut in [needle.len(), needle.len() - 1] {
                    for at in 0..=filler.len() {
                        let text = [&filler[..at], &needle[..cut], &filler[at..]].concat();
                        let plain = needles
                            .iter()
                            .enumerate()
                            .filter(|(_, needle)| memmem::find(&text, needle).is_some())
                            .fold(0u64, |mask, (index, _)| mask | 1 << index);
                        let mut seen = 0;
                        let found = together.search(&text, |index| {
                            seen |= 1 << index;
                            false
                        });
                        assert!(!found);
                        assert_eq!(seen, plain, "{}", String::from_utf8_lossy(&text));
                        assert!(cut < needle.len() || plain >> index & 1 == 1);
                    }
                }
            }
        }
        // Four literals without a byte in common: one search each.
        let four: [&[u8]; 4] = [b"abc", b"def", b"ghi", b"jkl"];
        assert!(Together::of(&four).is_none());
        // Sharing one byte, 64 literals fit the mask of those found; a 65th
        // would have no bit of its own (shifted out: never found, its lines
        // skipped), so more are searched apart.
        let many: Vec<Vec<u8>> = (0..65).map(|n| format!("~{n:02}").into_bytes()).collect();
        let many: Vec<&[u8]> = many.iter().map(Vec::as_slice).collect();
        assert!(Together::of(&many[..64]).is_some());
        assert!(Together::of(&many).is_none());
    }

    /// The rules started by one literal (`azure.signinlogs`) share one search
    /// for their other groups, and a text passes when one of them has a
    /// literal of each of its groups; a rule that needs nothing else passes
    /// every text with the literal.
    #[test]
    fn the_rules_a_literal_starts_pass_a_text_when_one_has_all_its_groups() {
        let signin = "azure.signinlogs";
        let high = condition(&[&[signin], &["high"]]);
        let risky = condition(&[
            &[signin],
            &["confirmedCompromised", "atRisk"],
            &["Risky sign-in"],
        ]);
        let others = [
            "Add owner to application",
            "Update role setting in PIM",
            "Add service principal",
        ]
        .map(|literal| condition(&[&[literal]]));
        let rules = [vec![high.clone(), risky.clone()], others.to_vec()].concat();
        let prefilter = Prefilter::new(rules).unwrap();
        assert!(prefilter.followers[0].together.is_some());
        let passes = |text: &str| prefilter.may_match(text.as_bytes());
        assert!(passes(r#"{"d":"azure.signinlogs","r":"high"}"#));
        assert!(passes(
            r#"{"d":"azure.signinlogs","r":"atRisk","a":"Risky sign-in"}"#
        ));
        assert!(passes(
            r#"{"a":"Risky sign-in","d":"azure.signinlogs","r":"confirmedCompromised"}"#
        ));
        assert!(!passes(
            r#"{"d":"azure.signinlogs","r":"atRisk","a":"Risky"}"#
        ));
        assert!(!passes(
            r#"{"d":"azure.signinlogs","r":"hig","a":"Risky sign-in"}"#
        ));
        assert!(!passes(r#"{"d":"azure.auditlogs","r":"high"}"#));
        let needs_nothing = condition(&[&[signin]]);
        let rules = [vec![high, risky, needs_nothing], others.to_vec()].concat();
        let prefilter = Prefilter::new(rules).unwrap();
        assert!(prefilter.may_match(br#"{"d":"azure.signinlogs","r":"none"}"#));
    }

    #[test]
    fn a_condition_without_groups_lets_every_text_through() {
        assert!(Prefilter::new(vec![Some(LiteralCondition {
            groups: Vec::new(),
            broad: Vec::new(),
        })])
        .is_none());
    }

    fn bytes_of(patterns: &[&str]) -> Vec<Vec<u8>> {
        patterns
            .iter()
            .map(|pattern| pattern.as_bytes().to_vec())
            .collect()
    }

    /// The positions of the patterns `search` finds in `text`, as bits.
    fn found(search: &MultiSearch, text: &[u8]) -> u64 {
        let mut found = 0u64;
        search.any(text, &mut |position| {
            found |= 1 << position;
            false
        });
        found
    }

    fn finds_what_a_plain_search_finds(search: &MultiSearch, patterns: &[Vec<u8>]) {
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
                        found(search, &text),
                        plain(&text),
                        "{}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
    }
}
