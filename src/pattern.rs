//! KQL wildcard patterns, compiled once and matched in linear time.
//!
//! A pattern is literal segments separated by `*`: `S0 * S1 * … * Sk`. It matches
//! when the text starts with `S0`, ends with `Sk` after everything else, and
//! contains `S1 … Sk-1` in order in between. Taking each middle segment at its
//! leftmost occurrence is always right for `*`-only patterns, so a whole text
//! is matched in one pass: the first and last segments compared in place, the
//! middle ones found by `memmem` in order; linear in text and pattern,
//! whatever the pattern (`*a*a*a*…*b` cannot blow up).
//!
//! The matcher is a byte automaton with a small `Copy` state, so the same
//! pattern can match a whole string or be fed a field path piece by piece while
//! walking an event — a branch whose state is dead is never entered.

use std::sync::Arc;

use crate::kql::{Piece, WildcardPattern};

/// A compiled `*` pattern over bytes.
#[derive(Clone, Debug)]
pub struct Glob {
    /// Shared by a pattern's clones, so that a clone is told equal to its
    /// original by one pointer comparison (the lazy reader's field set holds
    /// clones of the clauses' patterns, and each walk clause looks its own
    /// up there for every event).
    segments: Arc<[Segment]>,
    /// A hash of the segments' bytes, so that telling two patterns apart
    /// (as a reader looking up the pattern of a clause does, per event)
    /// rarely needs more than one comparison.
    fingerprint: u64,
    /// The pattern in KQL syntax, for explanations.
    source: String,
}

/// Patterns with the same segments match the same texts (the failure tables
/// follow from the bytes, and the source only spells them).
impl PartialEq for Glob {
    fn eq(&self, other: &Glob) -> bool {
        if Arc::ptr_eq(&self.segments, &other.segments) {
            return true;
        }
        self.fingerprint == other.fingerprint
            && self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(other.segments.iter())
                .all(|(segment, other)| same_bytes(&segment.bytes, &other.bytes))
    }
}

impl Eq for Glob {}

#[derive(Clone, Debug)]
struct Segment {
    bytes: Box<[u8]>,
    /// KMP failure function: the length of the longest proper border of `bytes[..=i]`.
    failure: Box<[u32]>,
}

/// How far a [`Glob`] has matched a text fed to it so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobState {
    segment: u32,
    matched: u32,
}

const DEAD: GlobState = GlobState {
    segment: u32::MAX,
    matched: 0,
};

impl Glob {
    /// Compiles a parsed wildcard pattern.
    pub fn new(pattern: &WildcardPattern) -> Glob {
        let mut segments = vec![Vec::new()];
        for piece in pattern.pieces() {
            match piece {
                Piece::Text(text) => {
                    if let Some(last) = segments.last_mut() {
                        last.extend_from_slice(text.as_bytes());
                    }
                }
                // `**` means what `*` means: no empty segment between two stars.
                Piece::AnySequence
                    if segments.len() > 1 && segments.last().is_some_and(Vec::is_empty) => {}
                Piece::AnySequence => segments.push(Vec::new()),
            }
        }
        Glob::from_segments(segments, pattern.to_kql())
    }

    /// A pattern without wildcards: matches `text` exactly.
    pub fn literal(text: &str) -> Glob {
        Glob::from_segments(
            vec![text.as_bytes().to_vec()],
            WildcardPattern::from_pieces([Piece::Text(text.to_string())]).to_kql(),
        )
    }

    fn from_segments(segments: Vec<Vec<u8>>, source: String) -> Glob {
        // FNV-1a over each segment's length and bytes.
        let mut fingerprint: u64 = 0xcbf2_9ce4_8422_2325;
        for segment in &segments {
            let length = (segment.len() as u64).to_le_bytes();
            for &byte in length.iter().chain(segment) {
                fingerprint = (fingerprint ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        Glob {
            segments: segments.into_iter().map(Segment::new).collect(),
            fingerprint,
            source,
        }
    }

    /// The text every match starts with: the pattern up to its first `*`
    /// (the whole pattern when it has none).
    #[inline]
    pub fn literal_prefix(&self) -> &[u8] {
        &self.segments[0].bytes
    }

    /// The longest run of literal text in the pattern: every match contains it.
    pub fn longest_literal(&self) -> &[u8] {
        self.segments
            .iter()
            .map(|segment| &segment.bytes[..])
            .max_by_key(|bytes| bytes.len())
            .unwrap_or_default()
    }

    /// The text every match ends with: the pattern after its last `*` (the
    /// whole pattern when it has none).
    pub fn literal_suffix(&self) -> &[u8] {
        self.segments
            .last()
            .map(|segment| &segment.bytes[..])
            .unwrap_or_default()
    }

    /// False only when no text can match both patterns: every match starts
    /// with its pattern's literal start and ends with its literal end, so
    /// the two starts (and the two ends) must agree.
    pub fn may_share_a_match_with(&self, other: &Glob) -> bool {
        let (start, other_start) = (self.literal_prefix(), other.literal_prefix());
        let (end, other_end) = (self.literal_suffix(), other.literal_suffix());
        (start.starts_with(other_start) || other_start.starts_with(start))
            && (end.ends_with(other_end) || other_end.ends_with(end))
    }

    /// True when the whole of `text` matches: the literal start and end in
    /// place, then each middle segment at its leftmost occurrence between
    /// them (the same answer as feeding the automaton, without stepping
    /// through every byte).
    pub fn matches(&self, text: &str) -> bool {
        let Some((first, rest)) = self.segments.split_first() else {
            return false;
        };
        let text = text.as_bytes();
        let Some(after_first) = text
            .split_at_checked(first.bytes.len())
            .filter(|(head, _)| same_bytes(head, &first.bytes))
            .map(|(_, tail)| tail)
        else {
            return false;
        };
        let Some((last, middle)) = rest.split_last() else {
            return after_first.is_empty();
        };
        let Some(mut between) = after_first
            .len()
            .checked_sub(last.bytes.len())
            .map(|end| after_first.split_at(end))
            .filter(|(_, tail)| same_bytes(tail, &last.bytes))
            .map(|(head, _)| head)
        else {
            return false;
        };
        for segment in middle {
            match memchr::memmem::find(between, &segment.bytes) {
                Some(at) => between = &between[at + segment.bytes.len()..],
                None => return false,
            }
        }
        true
    }

    /// The state before any byte.
    pub fn start(&self) -> GlobState {
        self.settle(GlobState {
            segment: 0,
            matched: 0,
        })
    }

    /// The state after feeding `bytes` to `state`.
    pub fn feed(&self, mut state: GlobState, bytes: &[u8]) -> GlobState {
        if let Some(after) = self.after_in_last_segment(state, bytes) {
            return after;
        }
        for &byte in bytes {
            if state == DEAD {
                break;
            }
            state = self.step(state, byte);
        }
        state
    }

    /// The state after `bytes` when `state` is in the last segment after a
    /// `*` and `bytes` are at least as long as it, found by stepping through
    /// only the last of them (a reader feeds every key below a pattern's last
    /// `*`). That segment must end the text, wherever it starts: its state
    /// is the longest start of it that the text ends with, and no start of
    /// it reaches back past the segment's length, so neither the state
    /// before nor the bytes before count. Stepping keeps it linear in the
    /// segment (trying each start against the end would be quadratic).
    #[inline]
    fn after_in_last_segment(&self, state: GlobState, bytes: &[u8]) -> Option<GlobState> {
        let last = self.segments.len().checked_sub(1)?;
        if last == 0 || state.segment as usize != last {
            return None;
        }
        let segment = &self.segments[last];
        let tail = bytes.get(bytes.len().checked_sub(segment.bytes.len())?..)?;
        // A start of the segment that the text ends with begins with its
        // first byte: a tail without it (a key fed after `*.name`, whose
        // segment starts with the `.` keys rarely hold) ends none, found
        // without the automaton.
        let first = segment.bytes.first().copied();
        if !tail.iter().any(|&byte| Some(byte) == first) {
            return Some(GlobState {
                segment: state.segment,
                matched: 0,
            });
        }
        let matched = tail
            .iter()
            .fold(0, |matched, &byte| segment.advance(matched, byte));
        Some(GlobState {
            segment: state.segment,
            matched,
        })
    }

    /// True when no continuation can match any more.
    pub fn is_dead(&self, state: GlobState) -> bool {
        state == DEAD
    }

    /// True when the text fed so far matches.
    pub fn accepts(&self, state: GlobState) -> bool {
        let last = self.segments.len() - 1;
        state.segment as usize == last && state.matched as usize == self.segments[last].bytes.len()
    }

    #[inline]
    fn step(&self, state: GlobState, byte: u8) -> GlobState {
        let index = state.segment as usize;
        let segment = &self.segments[index];
        let matched = if index == 0 {
            // The first segment is anchored at the start of the text.
            let matched = state.matched as usize;
            if matched < segment.bytes.len() && segment.bytes[matched] == byte {
                state.matched + 1
            } else {
                return DEAD;
            }
        } else {
            segment.advance(state.matched, byte)
        };
        self.settle(GlobState {
            segment: state.segment,
            matched,
        })
    }

    /// Moves on from a completed segment, unless it is the last one (which must
    /// end the text, so it keeps matching).
    #[inline]
    fn settle(&self, state: GlobState) -> GlobState {
        let index = state.segment as usize;
        if index + 1 < self.segments.len()
            && state.matched as usize == self.segments[index].bytes.len()
        {
            GlobState {
                segment: state.segment + 1,
                matched: 0,
            }
        } else {
            state
        }
    }
}

impl std::fmt::Display for Glob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)
    }
}

impl Segment {
    fn new(bytes: Vec<u8>) -> Segment {
        let mut failure = vec![0u32; bytes.len()];
        let mut border = 0usize;
        for index in 1..bytes.len() {
            while border > 0 && bytes[index] != bytes[border] {
                border = failure[border - 1] as usize;
            }
            if bytes[index] == bytes[border] {
                border += 1;
            }
            failure[index] = border as u32;
        }
        Segment {
            bytes: bytes.into_boxed_slice(),
            failure: failure.into_boxed_slice(),
        }
    }

    /// KMP: the longest prefix of the segment that ends the text after `byte`.
    #[inline]
    fn advance(&self, matched: u32, byte: u8) -> u32 {
        if self.bytes.is_empty() {
            return 0;
        }
        let mut matched = matched as usize;
        if matched == self.bytes.len() {
            matched = self.failure[matched - 1] as usize;
        }
        while matched > 0 && self.bytes[matched] != byte {
            matched = self.failure[matched - 1] as usize;
        }
        if self.bytes[matched] == byte {
            matched += 1;
        }
        matched as u32
    }
}

/// Whether two short byte strings are equal, by a byte loop: slice equality
/// is a `memcmp` call in the wasm, dear for a pattern's few bytes compared
/// for every field a walk or the lazy reader meets.
#[inline(always)]
pub(crate) fn same_bytes(one: &[u8], other: &[u8]) -> bool {
    one.len() == other.len() && one.iter().zip(other).all(|(one, other)| one == other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::{Node, Value};

    fn glob(pattern: &str) -> Glob {
        let query = format!("f:{pattern}");
        match crate::kql::parse(&query) {
            Ok(Node::Is { value, .. }) => match value.value {
                Value::Wildcard { pattern } => Glob::new(&pattern),
                Value::Text { text, .. } => Glob::literal(&text),
                other => panic!("not a pattern: {other:?}"),
            },
            other => panic!("unexpected parse: {other:?}"),
        }
    }

    #[test]
    fn star_patterns_match_like_elasticsearch_wildcard_queries() {
        let cases = [
            ("gu*st", "guest", true),
            ("gu*st", "gust", true),
            ("gu*st", "guests", false),
            ("*", "", true),
            ("*", "anything", true),
            ("a*", "a", true),
            ("*b", "ab", true),
            ("*b", "ba", false),
            ("*ab*ab*", "xabyab", true),
            ("*ab*ab*", "xaby", false),
            ("*aab", "aaab", true),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("*abcabd", "abcabcabd", true),
            ("*/proxy/run/*", "/api/v1/nodes/x/proxy/run/y", true),
            ("*.exe", "a.exe.txt", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "acb", false),
            ("*ß*", "straße", true),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("exact", "exac", false),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(glob(pattern).matches(text), expected, "{pattern} vs {text}");
        }
    }

    #[test]
    fn adversarial_patterns_stay_linear() {
        let pattern = format!("{}b", "*a".repeat(500));
        let text = "a".repeat(200_000);
        assert!(!glob(&pattern).matches(&text));
        assert!(glob(&pattern).matches(&format!("{text}b")));
    }

    /// A pattern of `a`, `b` and `*` as written.
    fn from_stars(pattern: &str) -> Glob {
        let mut pieces = Vec::new();
        for (index, part) in pattern.split('*').enumerate() {
            if index > 0 {
                pieces.push(Piece::AnySequence);
            }
            pieces.push(Piece::Text(part.to_string()));
        }
        Glob::new(&WildcardPattern::from_pieces(pieces))
    }

    /// Every string over `alphabet` up to `length` characters long.
    fn strings(alphabet: &[char], length: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..length {
            last = last
                .iter()
                .flat_map(|text| alphabet.iter().map(move |&c| format!("{text}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn matching_whole_texts_agrees_with_the_automaton() {
        let texts = strings(&['a', 'b'], 7);
        for pattern in strings(&['a', 'b', '*'], 5) {
            let glob = from_stars(&pattern);
            for text in &texts {
                let fed = glob.accepts(glob.feed(glob.start(), text.as_bytes()));
                assert_eq!(glob.matches(text), fed, "{pattern} vs {text}");
            }
        }
    }

    #[test]
    fn patterns_said_to_share_no_match_share_none() {
        let texts = strings(&['a', 'b'], 6);
        let patterns: Vec<(String, Glob)> = strings(&['a', 'b', '*'], 4)
            .into_iter()
            .map(|pattern| {
                let glob = from_stars(&pattern);
                (pattern, glob)
            })
            .collect();
        for (left, left_glob) in &patterns {
            for (right, right_glob) in &patterns {
                if left_glob.may_share_a_match_with(right_glob) {
                    continue;
                }
                let shared = texts
                    .iter()
                    .find(|text| left_glob.matches(text) && right_glob.matches(text));
                assert_eq!(shared, None, "{left} and {right}");
            }
        }
    }

    #[test]
    fn patterns_are_equal_when_their_segments_are() {
        assert_eq!(from_stars("a**b"), from_stars("a*b"));
        assert_eq!(from_stars("*ab*"), from_stars("*ab*"));
        // A clone, which shares its original's segments, and a pattern
        // compiled apart from the same text alike.
        let original = from_stars("a*b");
        assert_eq!(original.clone(), original);
        assert_ne!(original.clone(), from_stars("a*c"));
        for (left, right) in [("a*b", "ab*"), ("a*b", "a*bb"), ("ab", "a*b"), ("*", "")] {
            assert_ne!(from_stars(left), from_stars(right), "{left} vs {right}");
        }
        let patterns = strings(&['a', 'b', '*'], 4);
        for left in &patterns {
            for right in &patterns {
                let same_language = strings(&['a', 'b'], 6)
                    .iter()
                    .all(|text| from_stars(left).matches(text) == from_stars(right).matches(text));
                if from_stars(left) == from_stars(right) {
                    assert!(same_language, "{left} == {right}");
                }
            }
        }
    }

    /// Every state reached by feeding pieces of a text (which may skip
    /// stepping through the last segment) is the state stepping byte by
    /// byte reaches, for every pattern of up to four characters and every
    /// split of every text of up to six.
    #[test]
    fn feeding_pieces_reaches_the_states_of_stepping_byte_by_byte() {
        let stepped = |glob: &Glob, text: &[u8]| {
            text.iter().fold(glob.start(), |state, &byte| {
                if glob.is_dead(state) {
                    state
                } else {
                    glob.step(state, byte)
                }
            })
        };
        let texts = strings(&['a', 'b', '.'], 6);
        for pattern in strings(&['a', '.', '*'], 4) {
            let glob = from_stars(&pattern);
            for text in &texts {
                let text = text.as_bytes();
                let expected = stepped(&glob, text);
                for split in 0..=text.len() {
                    let (first, rest) = text.split_at(split);
                    let state = glob.feed(glob.feed(glob.start(), first), rest);
                    assert_eq!(state, expected, "{pattern:?} on {text:?} split at {split}");
                }
            }
        }
    }

    #[test]
    fn feeding_in_pieces_equals_feeding_at_once() {
        let glob = glob("a.*.b");
        let state = glob.feed(glob.start(), b"a");
        let state = glob.feed(state, b".x.y");
        assert!(!glob.accepts(state));
        let state = glob.feed(state, b".b");
        assert!(glob.accepts(state));
        assert!(glob.is_dead(glob.feed(glob.start(), b"b")));
    }
}
