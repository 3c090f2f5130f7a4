//! JSON text nobody reads: checked, not parsed.
//!
//! Most lines of a log stream are never read (the prefilter shows no rule can
//! match them), yet a malformed one must still be reported as invalid, never
//! counted as an event. And the lazy reader skips every value no rule reads.
//! Both need to know where containers end and that the text is JSON as a
//! full parse reads it. So strings are crossed with [`Specials`] (the next
//! quote, backslash or control character, found a block at a time), and only
//! the few bytes between strings (brackets, commas, colons, numbers,
//! literals) are looked at one by one, against what JSON's grammar lets come
//! next ([`Expect`]). Inside strings only escapes are looked at (surrogates
//! must pair, as they must for serde_json); a raw control character there
//! ends the check, as it ends a parse.

mod classes;
mod tokens;

use super::specials::Specials;
use super::{decode_escape, number_length, starts_with, MAX_DEPTH};
use classes::{with_best_classifier, Classify, WithClassifier, BLOCK};
use tokens::Check;

/// Top-level keys whose presence a caller wants to know of.
#[derive(Clone, Copy, Debug)]
pub struct KeyWatch<'w> {
    /// Exact keys.
    pub keys: &'w [&'w str],
    /// Prefixes of keys.
    pub prefixes: &'w [&'w str],
}

impl KeyWatch<'_> {
    /// Whether `key` (raw, as written between its quotes) is watched. A key
    /// written with escapes is compared as written: watched keys have no
    /// backslash, and only a `\u` escape (which callers look for
    /// separately) could spell one of their characters.
    pub fn covers(&self, key: &[u8]) -> bool {
        // Lengths first: most keys differ from every watched one in length.
        // Bytes by `starts_with`'s loop: slice equality is a `memcmp` call
        // in the wasm, made for most top-level keys of every line.
        self.keys
            .iter()
            .any(|watched| watched.len() == key.len() && starts_with(key, watched.as_bytes()))
            || self
                .prefixes
                .iter()
                .any(|prefix| starts_with(key, prefix.as_bytes()))
    }
}

/// What checking a JSON object found besides its being well formed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// One of its top-level keys is watched.
    pub saw_watched_key: bool,
    /// One of its strings may hold JSON text: it starts with `{`, with
    /// ASCII whitespace, with an escape or with a non-ASCII character (which
    /// may be Unicode whitespace before a `{`).
    pub may_embed_json: bool,
    /// Some string holds a `\u` escape, which may spell any character a
    /// byte search looked for, so that search saw not all of the text.
    pub unicode_escape: bool,
    /// Some string holds a `\/` escape (a slash a byte search missed).
    pub slash_escape: bool,
}

/// Whether `text` is one JSON object as serde_json reads it (nested at most
/// [`MAX_DEPTH`] levels) and, if so, its [`Outline`] as `watch` asks. Callers
/// count a line this passes as an event without parsing it, so it must never
/// pass one the parse refuses; `None` only sends the line to the parse.
pub fn outline_object(text: &str, watch: &KeyWatch<'_>) -> Option<Outline> {
    checked(text.as_bytes(), watch).map(|check| check.outline())?
}

/// [`outline_object`] for bytes not yet known to be UTF-8 (a line as read):
/// `None` also when they are not. The blocks' classes tell whether any byte
/// is outside ASCII, so a line of ASCII (most log lines) is never validated
/// apart.
pub fn outline_bytes(bytes: &[u8], watch: &KeyWatch<'_>) -> Option<Outline> {
    utf8_outline(bytes, checked(bytes, watch)?)
}

/// The outline `check` of `bytes` found, if they are UTF-8.
fn utf8_outline(bytes: &[u8], check: Check<'_, '_>) -> Option<Outline> {
    let outline = check.outline()?;
    (!check.saw_non_ascii() || std::str::from_utf8(bytes).is_ok()).then_some(outline)
}

/// `bytes` checked block by block, if no block broke JSON's grammar, by
/// the best block classifier this processor runs.
fn checked<'t, 'w>(bytes: &'t [u8], watch: &'w KeyWatch<'w>) -> Option<Check<'t, 'w>> {
    with_best_classifier(Checking { bytes, watch })
}

/// The check of one text, to be run with a block classifier.
struct Checking<'t, 'w> {
    bytes: &'t [u8],
    watch: &'w KeyWatch<'w>,
}

impl<'t, 'w> WithClassifier for Checking<'t, 'w> {
    type Output = Option<Check<'t, 'w>>;

    #[inline(always)]
    fn run(self, classify: impl Classify) -> Self::Output {
        let Checking { bytes, watch } = self;
        let start = skip_whitespace(bytes, 0);
        if bytes.get(start) != Some(&b'{') {
            return None;
        }
        let mut check = Check::new(bytes, watch);
        for block in (0..bytes.len()).step_by(BLOCK) {
            check.block(block, classify)?;
        }
        Some(check)
    }
}

/// What JSON's grammar lets come next, between strings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value (after `:`, or after `,` in an array).
    Value,
    /// A value or `]` (after `[`).
    ValueOrEnd,
    /// A key (after `,` in an object).
    Key,
    /// A key or `}` (after `{`).
    KeyOrEnd,
    /// `:` (after a key).
    Colon,
    /// `,` or the end of the object or array (after a value).
    CommaOrEnd,
}

/// The position after the object or array opening at `start`, if it is
/// valid JSON with at most `max_open` (at most `MAX_DEPTH`) containers open
/// at once (itself included). Each string's contents (raw, between its quotes) are passed to
/// `on_string` with the number of containers open around it and whether it
/// is a value (not a key).
pub(super) fn skip_container(
    text: &[u8],
    specials: &Specials,
    start: usize,
    max_open: usize,
    mut on_string: impl FnMut(&[u8], usize, bool),
) -> Option<usize> {
    // Bit `i` set when the container `i + 1` levels deep is an object: a
    // stack of at most `MAX_DEPTH` kinds in two words, not a byte array
    // zeroed on every call (nor a `u128`, whose shifts are calls in the wasm).
    let mut objects = [0u64; KIND_WORDS];
    let mut depth = 0usize;
    let mut expect = Expect::Value;
    let mut at = start;
    loop {
        let next = specials.next(at).unwrap_or(text.len());
        // Only non-special bytes come here, so a number or literal never
        // runs past `next`.
        while at < next {
            let byte = text[at];
            let (length, then) = match (byte, expect) {
                (b' ', _) => (1, expect),
                (b'{' | b'[', Expect::Value | Expect::ValueOrEnd) => {
                    if depth >= max_open {
                        return None;
                    }
                    let word = objects.get_mut(depth / 64)?;
                    let bit = 1u64 << (depth % 64);
                    if byte == b'{' {
                        *word |= bit;
                    } else {
                        *word &= !bit;
                    }
                    depth += 1;
                    let then = if byte == b'{' {
                        Expect::KeyOrEnd
                    } else {
                        Expect::ValueOrEnd
                    };
                    (1, then)
                }
                (b'}', Expect::KeyOrEnd | Expect::CommaOrEnd)
                | (b']', Expect::ValueOrEnd | Expect::CommaOrEnd) => {
                    depth = depth.checked_sub(1)?;
                    if is_object(&objects, depth) != (byte == b'}') {
                        return None;
                    }
                    if depth == 0 {
                        return Some(at + 1);
                    }
                    (1, Expect::CommaOrEnd)
                }
                (b':', Expect::Colon) => (1, Expect::Value),
                (b',', Expect::CommaOrEnd) => (
                    1,
                    if is_object(&objects, depth.wrapping_sub(1)) {
                        Expect::Key
                    } else {
                        Expect::Value
                    },
                ),
                (b'-' | b'0'..=b'9', Expect::Value | Expect::ValueOrEnd) => {
                    (number_length(&text[at..])?, Expect::CommaOrEnd)
                }
                (b't', Expect::Value | Expect::ValueOrEnd) => {
                    (literal_length(&text[at..], b"true")?, Expect::CommaOrEnd)
                }
                (b'f', Expect::Value | Expect::ValueOrEnd) => {
                    (literal_length(&text[at..], b"false")?, Expect::CommaOrEnd)
                }
                (b'n', Expect::Value | Expect::ValueOrEnd) => {
                    (literal_length(&text[at..], b"null")?, Expect::CommaOrEnd)
                }
                _ => return None,
            };
            at += length;
            expect = then;
        }
        match text.get(next) {
            Some(b'"') => {
                let is_value = match expect {
                    Expect::Key | Expect::KeyOrEnd => false,
                    Expect::Value | Expect::ValueOrEnd => true,
                    Expect::Colon | Expect::CommaOrEnd => return None,
                };
                let (close, _) = string_end(text, specials, next)?;
                on_string(&text[next + 1..close], depth, is_value);
                expect = if is_value {
                    Expect::CommaOrEnd
                } else {
                    Expect::Colon
                };
                at = close + 1;
            }
            // The control characters that are whitespace between tokens.
            Some(b'\t' | b'\n' | b'\r') => at = next + 1,
            // A backslash outside a string, another control character, the end.
            _ => return None,
        }
    }
}

/// The words of [`skip_container`]'s stack of container kinds, a bit a level.
const KIND_WORDS: usize = MAX_DEPTH.div_ceil(64);

/// Whether the container `level + 1` levels deep is an object, by the
/// kinds [`skip_container`] keeps (false past the deepest level they hold).
fn is_object(objects: &[u64; KIND_WORDS], level: usize) -> bool {
    objects
        .get(level / 64)
        .is_some_and(|word| word >> (level % 64) & 1 != 0)
}

/// The position of the quote closing the string whose opening quote is at
/// `quote`, and whether the string has escapes; `None` if it does not close,
/// has a malformed escape (a lone surrogate included) or holds a raw control
/// character.
// Always inlined, and kept to the string without escapes (almost every
// one): at the wasm's opt-level "s" the whole search stayed a call at the
// reader's busiest site (a let-go member's string value), its answer
// passed back through memory.
#[inline(always)]
pub(super) fn string_end(text: &[u8], specials: &Specials, quote: usize) -> Option<(usize, bool)> {
    let special = specials.next(quote + 1)?;
    match text.get(special)? {
        b'"' => Some((special, false)),
        _ => escaped_string_end(text, specials, special),
    }
}

/// [`string_end`] from the string's first special byte on, when that is
/// not its closing quote: an escape (the string goes on past it) or a
/// control character (`None`).
#[inline(never)]
fn escaped_string_end(text: &[u8], specials: &Specials, first: usize) -> Option<(usize, bool)> {
    let mut special = first;
    loop {
        match text[special] {
            b'"' => return Some((special, true)),
            b'\\' => {
                let at = special + decode_escape(&text[special..])?.1;
                special = specials.next(at)?;
            }
            _ => return None,
        }
    }
}

fn literal_length(text: &[u8], word: &[u8]) -> Option<usize> {
    text.starts_with(word).then_some(word.len())
}

fn skip_whitespace(text: &[u8], from: usize) -> usize {
    from + text
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        .count()
}

/// [`outline_object`] and [`outline_bytes`] for the tests: each text checked
/// both by the dispatched copy of the check (compiled for AVX2 where the
/// processor has it) and by the plain one, which must agree.
#[cfg(test)]
mod both_copies {
    use super::classes::Plain;
    use super::*;

    pub fn outline_object(text: &str, watch: &KeyWatch<'_>) -> Option<Outline> {
        let bytes = text.as_bytes();
        let plain = Checking { bytes, watch }.run(Plain);
        let plain = plain.and_then(|check| check.outline());
        let dispatched = super::outline_object(text, watch);
        assert_eq!(dispatched, plain, "dispatched and plain copies: {text:?}");
        dispatched
    }

    pub fn outline_bytes(bytes: &[u8], watch: &KeyWatch<'_>) -> Option<Outline> {
        let plain = Checking { bytes, watch }.run(Plain);
        let plain = plain.and_then(|check| utf8_outline(bytes, check));
        let dispatched = super::outline_bytes(bytes, watch);
        assert_eq!(dispatched, plain, "dispatched and plain copies: {bytes:?}");
        dispatched
    }
}

#[cfg(test)]
mod tests {
    use super::both_copies::outline_object;
    use super::*;

    const NOTHING: KeyWatch<'static> = KeyWatch {
        keys: &[],
        prefixes: &[],
    };

    fn well_formed(text: &str) -> bool {
        outline_object(text, &NOTHING).is_some()
    }

    #[test]
    fn corrupt_lines_are_told_apart_from_objects() {
        for good in [
            r#"{"a": 1, "b": [true, null, -2.5e3, "x\"y\u00e9"], "c": {"d": {}}}"#,
            "  {}  ",
            r#"{"a\\": "\\\\", "b": "\/"}"#,
            r#"{"a": "\ud83d\ude00", "b": [], "c": [{}, [1, -0.5E+2]], "d": ""}"#,
            r#"{"a":1e999,"b":{"c":null}}"#,
            "{\"a\":\t1,\r\n\"b\"\t:\n[ ]}\r\n",
        ] {
            assert!(well_formed(good), "{good}");
        }
        for bad in [
            r#"{"event": broken}"#,
            r#"{"a": 1"#,
            r#"{"a": "unterminated}"#,
            r#"{"a": tru}"#,
            r#"{"a": [1, 2}"#,
            r#"{"a": 1} {"b": 2}"#,
            r#"{"a": "\x"}"#,
            r#"{"a": "\u00g0"}"#,
            r#"{"a": 1, \"b": 2}"#,
            r#"{"a": "ends in a backslash\"#,
            "[1, 2]",
            "",
            "{\"a\": 1}\u{0}",
            "\u{feff}{}",
            // What a parse refuses between well-formed tokens.
            r#"{"a": 1 "b": 2}"#,
            r#"{"a" 1}"#,
            r#"{"a": 1,}"#,
            r#"{,}"#,
            r#"{"a": 1,, "b": 2}"#,
            r#"{"a": 01}"#,
            r#"{"a": -}"#,
            r#"{"a": 1.}"#,
            r#"{"a": .5}"#,
            r#"{"a": 1e}"#,
            r#"{"a": 1e+}"#,
            r#"{"a": +1}"#,
            r#"{"a": [1 2]}"#,
            r#"{"a": [1,]}"#,
            r#"{"a": [,1]}"#,
            r#"{"a": {"b"}}"#,
            r#"{:1}"#,
            r#"{"a"::1}"#,
            r#"{"a": 1: 2}"#,
            r#"{"a": true1}"#,
            r#"{"a": "x" "y"}"#,
            r#"{1: 2}"#,
            r#"{"a": [}]}"#,
            r#"{"a": ["b": 1]}"#,
            // Strings a parse into text refuses: raw control characters,
            // lone surrogates.
            "{\"a\": \"x\u{0}y\"}",
            "{\"a\": \"x\ty\"}",
            "{\"a\u{1f}\": 1}",
            "{\"a\": 1,\u{1}\"b\": 2}",
            r#"{"a": "\ud800"}"#,
            r#"{"a": "\ud800x"}"#,
            r#"{"a": "\ud800\u0041"}"#,
            r#"{"a": "\ud800\ud800"}"#,
            r#"{"a": "\udc00"}"#,
            r#"{"a": "\ud83d\n"}"#,
        ] {
            assert!(!well_formed(bad), "{bad:?}");
        }
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(200), "]".repeat(200));
        assert!(!well_formed(&deep));
        let deepest = format!("{{\"a\": {}{}}}", "[".repeat(127), "]".repeat(127));
        assert!(well_formed(&deepest));
        let too_deep = format!("{{\"a\": {}{}}}", "[".repeat(128), "]".repeat(128));
        assert!(!well_formed(&too_deep));
    }

    #[test]
    fn watched_top_level_keys_and_strings_that_may_hold_json_are_reported() {
        let watch = KeyWatch {
            keys: &["records"],
            prefixes: &["@odata."],
        };
        let outline = |text: &str| outline_object(text, &watch).unwrap();
        assert!(outline(r#"{"a": 1, "records": []}"#).saw_watched_key);
        assert!(outline(r#"{"@odata.context": "x"}"#).saw_watched_key);
        for unwatched in [
            r#"{"a": {"records": []}}"#,
            r#"{"record": 1}"#,
            r#"{"recordsx": 1}"#,
            r#"{"recordz": 1}"#,
            r#"{"@odata": 1}"#,
            r#"{"a": "records"}"#,
            r#"{"a": ["records"]}"#,
        ] {
            assert!(!outline(unwatched).saw_watched_key, "{unwatched}");
        }
        for embedding in [
            r#"{"message": "{\"category\": \"AuditLogs\"}"}"#,
            r#"{"message": " {}"}"#,
            r#"{"message": "\n{}"}"#,
            "{\"message\": \"\u{a0}{}\"}",
        ] {
            assert!(outline(embedding).may_embed_json, "{embedding}");
        }
        for plain in [
            r#"{"message": "plain {text}", "n": 1}"#,
            r#"{"message": "[1, 2]", "list": ["[", "]"]}"#,
        ] {
            assert!(!outline(plain).may_embed_json, "{plain}");
        }
    }
}

/// The masks against the reader they replaced: string by string, one byte at
/// a time between strings ([`skip_container`], which the lazy reader still
/// uses to skip arrays), on lines whose every byte is moved across block
/// boundaries.
#[cfg(test)]
mod boundary_tests {
    use super::both_copies::{outline_bytes, outline_object};
    use super::*;

    /// The outline as [`skip_container`] reads it.
    fn outline_by_strings(text: &str, watch: &KeyWatch<'_>) -> Option<Outline> {
        let text = text.as_bytes();
        let start = skip_whitespace(text, 0);
        if text.get(start) != Some(&b'{') {
            return None;
        }
        let mut outline = Outline::default();
        let specials = Specials::new(text, Vec::new());
        let end = skip_container(
            text,
            &specials,
            start,
            MAX_DEPTH,
            |string, depth, is_value| {
                if depth == 1 && !is_value && watch.covers(string) {
                    outline.saw_watched_key = true;
                }
                if let Some(&first) = string.first() {
                    outline.may_embed_json |=
                        matches!(first, b'{' | b'\\' | 0x80..) || first.is_ascii_whitespace();
                }
                let mut at = 0;
                while at < string.len() {
                    if string[at] == b'\\' {
                        outline.unicode_escape |= string.get(at + 1) == Some(&b'u');
                        outline.slash_escape |= string.get(at + 1) == Some(&b'/');
                        at += 1;
                    }
                    at += 1;
                }
            },
        )?;
        (skip_whitespace(text, end) == text.len()).then_some(outline)
    }

    const SEEDS: [&str; 30] = [
        r#"{"a": 1, "b": [true, null, -2.5e3, "x\"y\u00e9"], "c": {"d": {}}}"#,
        r#"{"records": [{"category": "AuditLogs"}], "n": -0.5E+2}"#,
        r#"{"k\\": "\\\\\\", "\ud83d\ude00": "\/\b\f\n\r\t", "@odata.x": 1}"#,
        r#"{"message": "{\"nested\": true}", "e": "é ü", "f": false}"#,
        r#"{"a": "\\\"", "b": "\\\\\"\\"}"#,
        r#"{"a": "\ud800", "b": 1}"#,
        r#"{"a": "\ud83d\u0041"}"#,
        r#"{"a": "x\qy"}"#,
        r#"{"a": tru, "b": 1}"#,
        r#"{"a": 12x}"#,
        r#"{"a": 1} {}"#,
        r#"{"a": [1, 2}"#,
        r#"{"a": "open}"#,
        "{\"a\": \"tab\there\"}",
        "{\"a\":\t[\r\n1 ,\n 2 ]\t}\r\n",
        r#"{"a": 1, \"b": 2}"#,
        // Minified: separators directly after strings and scalars are
        // checked with them, never visited alone.
        r#"{"a":"b","c":1,"d":true,"e":[1,"x",null,{"f":-2.5}],"records":{},"@odata.g":false}"#,
        r#"{"a":"b":1}"#,
        r#"{"a":1:2}"#,
        r#"{"a",1}"#,
        r#"{"a":[1:2]}"#,
        r#"{"a":["x":2]}"#,
        r#"{"a":true,}"#,
        r#"{"a":"b",}"#,
        r#"{"a":"b",,"c":1}"#,
        r#"{"a":1,"b":2}"x"#,
        r#"{"a":1}""#,
        r#"{"a":"b"}"c""#,
        r#"{"records" :1,"x\"records":2}"#,
        r#"{"\"records":1,"records\\":2,"category":3}"#,
    ];

    /// Each seed shifted by leading spaces and by a padding member, so that
    /// every escape, quote, number and bracket meets every block position.
    fn shifted_lines() -> Vec<String> {
        let mut lines = Vec::new();
        for seed in SEEDS {
            for pad in 0..=(2 * BLOCK + 3) {
                lines.push(format!("{}{seed}", " ".repeat(pad)));
                let filler = "\\\\".repeat(pad % 7) + &"x".repeat(pad);
                lines.push(format!("{{\"p\": \"{filler}\", {}", &seed[1..]));
                lines.push(format!(
                    "{{\"p\": [{}], {}",
                    "1,".repeat(pad) + "2",
                    &seed[1..]
                ));
            }
        }
        lines
    }

    #[test]
    fn masks_agree_with_the_string_by_string_reader_at_every_offset() {
        let watch = KeyWatch {
            keys: &["records", "category"],
            prefixes: &["@odata."],
        };
        let (mut accepted, mut refused) = (0, 0);
        for line in shifted_lines() {
            let expected = outline_by_strings(&line, &watch);
            assert_eq!(outline_object(&line, &watch), expected, "{line:?}");
            match expected {
                Some(_) => accepted += 1,
                None => refused += 1,
            }
        }
        assert!(
            accepted > 1000 && refused > 1000,
            "{accepted} accepted, {refused} refused"
        );
    }

    /// Lines as read, not known to be UTF-8: a character of two, three and
    /// four bytes, and bytes no UTF-8 text holds (a lone continuation byte, a
    /// truncated character, an overlong form, a surrogate, beyond U+10FFFF),
    /// each at every position of the first blocks, inside a string and
    /// between tokens. `outline_bytes` validates only lines with a byte
    /// from 0x80 up; it must refuse exactly what is not UTF-8.
    #[test]
    fn lines_not_known_to_be_utf8_are_checked_as_utf8_at_every_offset() {
        let watch = KeyWatch {
            keys: &["records"],
            prefixes: &[],
        };
        let inserts: [&[u8]; 10] = [
            "é".as_bytes(),
            "€".as_bytes(),
            "😀".as_bytes(),
            b"\x80",
            b"\xc3",
            b"\xe2\x82",
            b"\xc0\xaf",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
            b"\xff",
        ];
        let (mut accepted, mut refused) = (0, 0);
        for insert in inserts {
            for pad in 0..(2 * BLOCK + 3) {
                let padding = "x".repeat(pad);
                for (before, after) in [
                    (format!("{{\"a\":\"{padding}"), "\",\"b\":1}"),
                    (format!("{{\"a\":\"{padding}\","), "\"b\":1}"),
                ] {
                    let mut line = before.into_bytes();
                    line.extend_from_slice(insert);
                    line.extend_from_slice(after.as_bytes());
                    let expected = std::str::from_utf8(&line)
                        .ok()
                        .and_then(|text| outline_by_strings(text, &watch));
                    assert_eq!(
                        outline_bytes(&line, &watch),
                        expected,
                        "{}",
                        String::from_utf8_lossy(&line)
                    );
                    match expected {
                        Some(_) => accepted += 1,
                        None => refused += 1,
                    }
                }
            }
        }
        assert!(
            accepted > 300 && refused > 1000,
            "{accepted} accepted, {refused} refused"
        );
    }

    /// Every shifted line, as bytes, gets the answer it gets as text.
    #[test]
    fn bytes_of_utf8_lines_get_the_answer_of_their_text() {
        let watch = KeyWatch {
            keys: &["records", "category"],
            prefixes: &["@odata."],
        };
        for line in shifted_lines() {
            assert_eq!(
                outline_bytes(line.as_bytes(), &watch),
                outline_object(&line, &watch),
                "{line:?}"
            );
        }
    }

    /// Nesting across blocks: the deepest allowed, one more, and closers
    /// that do not match their openers.
    #[test]
    fn nesting_is_tracked_across_blocks() {
        let watch = KeyWatch {
            keys: &[],
            prefixes: &[],
        };
        for (depth, closers_ok) in [(127, true), (128, true), (200, true), (60, false)] {
            let mut closers: String = "]".repeat(depth);
            if !closers_ok {
                closers.replace_range(30..31, "}");
            }
            let line = format!("{{\"a\": {}{closers}}}", "[".repeat(depth));
            assert_eq!(
                outline_object(&line, &watch),
                outline_by_strings(&line, &watch),
                "{depth} {closers_ok}"
            );
        }
    }

    /// Container kinds past the 64th level: arrays below it, objects from
    /// it on (so a stack of kinds that kept fewer levels would mistake the
    /// arrays' closers), nested as deep as allowed, with one closer swapped
    /// at several levels.
    #[test]
    fn container_kinds_are_kept_past_sixty_four_levels() {
        let watch = KeyWatch {
            keys: &[],
            prefixes: &[],
        };
        let is_object = |level: usize| level >= 64;
        for (depth, swapped) in [
            (100, None),
            (127, None),
            (100, Some(10)),
            (100, Some(63)),
            (100, Some(64)),
            (127, Some(126)),
        ] {
            let mut line = String::from("{\"a\": ");
            for level in 0..depth {
                line.push_str(if is_object(level) { "{\"k\": " } else { "[" });
            }
            line.push('1');
            for level in (0..depth).rev() {
                let object = is_object(level) != (swapped == Some(level));
                line.push(if object { '}' } else { ']' });
            }
            line.push('}');
            let by_strings = outline_by_strings(&line, &watch);
            assert_eq!(
                by_strings.is_some(),
                swapped.is_none(),
                "{depth} {swapped:?}"
            );
            assert_eq!(
                outline_object(&line, &watch),
                by_strings,
                "{depth} {swapped:?}"
            );
        }
    }
}
