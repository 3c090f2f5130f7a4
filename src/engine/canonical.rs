//! Whether JSON text is already what serde_json writes for the value it reads.
//!
//! An event without an Elasticsearch `_id` is named by the hash of its JSON as
//! serde_json writes it (see [`crate::ids::document_id`]); writing a 1.3 KB
//! event costs more than reading it lazily and hashing it together. Most
//! events arrive in exactly that form (whatever `JSON.stringify` writes, and
//! serde_json's own output, is), and then the hash of the text itself is the
//! id, with nothing parsed or written. With the crate's serde_json features
//! (`preserve_order`, `arbitrary_precision`) writing a parsed value gives back
//! its text exactly when the text has
//! - no whitespace between tokens (the compact writer writes none);
//! - strings escaped as serde_json escapes them: `\"`, `\\`, `\b`, `\f`,
//!   `\n`, `\r`, `\t`, and `\u00xx` (lowercase hex) for the other control
//!   characters, nothing else (no `\/`, no `\u0041`, no surrogate pairs);
//! - numbers whose exponent is written `e` with a sign (the reader keeps a
//!   number's text but writes `E` as `e` and adds a `+` where the sign is
//!   left out; integers that fit 64 bits are written back digit for digit,
//!   as the grammar allows no leading zero);
//! - no key twice in one object (the reader keeps a repeated key's last value
//!   at its first place).
//!
//! [`is_canonical`] checks exactly these on a strict JSON grammar; text it
//! accepts is JSON that serde_json writes back byte for byte (the tests check
//! this both ways on generated and mutated texts). Text it refuses only costs
//! the serialisation it saves.

/// Whether `text` is one JSON value exactly as serde_json writes it.
pub(super) fn is_canonical(text: &str) -> bool {
    Checker::default().accepts(text.as_bytes())
}

/// Marks an array on the stack of open containers; an object records where
/// its keys start in `keys`.
const ARRAY: usize = usize::MAX;

#[derive(Default)]
struct Checker<'t> {
    /// The open containers, innermost last.
    open: Vec<usize>,
    /// The keys of the open objects, as written (between the quotes).
    keys: Vec<&'t [u8]>,
}

impl<'t> Checker<'t> {
    fn accepts(mut self, bytes: &'t [u8]) -> bool {
        let mut at = 0;
        loop {
            let after_value = match self.value(bytes, at) {
                Some(Step::Opened(first_value)) => {
                    at = first_value;
                    continue;
                }
                Some(Step::Ended(end)) => end,
                None => return false,
            };
            match self.after_value(bytes, after_value) {
                Next::Value(next) => at = next,
                Next::End(end) => return end == bytes.len(),
                Next::Refused => return false,
            }
        }
    }

    /// Reads the value at `at` (a container only up to its first value, so
    /// that depth costs no recursion).
    fn value(&mut self, bytes: &'t [u8], at: usize) -> Option<Step> {
        let end = match *bytes.get(at)? {
            b'{' if bytes.get(at + 1) == Some(&b'}') => at + 2,
            b'{' => {
                self.open.push(self.keys.len());
                return self.key(bytes, at + 1).map(Step::Opened);
            }
            b'[' if bytes.get(at + 1) == Some(&b']') => at + 2,
            b'[' => {
                self.open.push(ARRAY);
                return Some(Step::Opened(at + 1));
            }
            b'"' => string_end(bytes, at)?,
            b't' => literal_end(bytes, at, b"true")?,
            b'f' => literal_end(bytes, at, b"false")?,
            b'n' => literal_end(bytes, at, b"null")?,
            b'-' | b'0'..=b'9' => number_end(bytes, at)?,
            _ => return None,
        };
        Some(Step::Ended(end))
    }

    /// Reads the key at `at` and its colon; where its value starts.
    fn key(&mut self, bytes: &'t [u8], at: usize) -> Option<usize> {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let end = string_end(bytes, at)?;
        self.keys.push(&bytes[at + 1..end - 1]);
        (bytes.get(end) == Some(&b':')).then_some(end + 1)
    }

    /// After a value: closes the containers that end there, then finds the
    /// next value (after a comma, and a key in an object) or the end.
    fn after_value(&mut self, bytes: &'t [u8], mut at: usize) -> Next {
        loop {
            let Some(&container) = self.open.last() else {
                return Next::End(at);
            };
            match (bytes.get(at), container) {
                (Some(b','), ARRAY) => return Next::Value(at + 1),
                (Some(b','), _) => {
                    return self.key(bytes, at + 1).map_or(Next::Refused, Next::Value);
                }
                (Some(b']'), ARRAY) => {}
                (Some(b'}'), first_key) if first_key != ARRAY => {
                    if repeats_a_key(&mut self.keys[first_key..]) {
                        return Next::Refused;
                    }
                    self.keys.truncate(first_key);
                }
                _ => return Next::Refused,
            }
            self.open.pop();
            at += 1;
        }
    }
}

/// What reading a value gave.
enum Step {
    /// A container opened; its first value starts there.
    Opened(usize),
    /// The value ended there.
    Ended(usize),
}

/// What follows a value.
enum Next {
    /// Another value, starting there.
    Value(usize),
    /// The end of the outermost value, there.
    End(usize),
    /// Text that is not canonical JSON.
    Refused,
}

/// Whether one object's keys (as written, so compared as text: canonical
/// escapes make equal keys equal text) hold one twice.
fn repeats_a_key(keys: &mut [&[u8]]) -> bool {
    keys.sort_unstable();
    keys.windows(2).any(|pair| pair[0] == pair[1])
}

/// Where the string opening at `quote` ends (after its closing quote), when
/// every character in it is written as serde_json writes it.
fn string_end(bytes: &[u8], quote: usize) -> Option<usize> {
    let mut at = quote + 1;
    loop {
        match *bytes.get(at)? {
            b'"' => return Some(at + 1),
            b'\\' => at += escape_length(bytes.get(at + 1..)?)?,
            byte if byte < 0x20 => return None,
            _ => at += 1,
        }
    }
}

/// The length of the escape after a backslash (the backslash included), when
/// it is serde_json's: a short escape, or `\u00xx` for a control character
/// without one.
fn escape_length(escaped: &[u8]) -> Option<usize> {
    match *escaped.first()? {
        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => Some(2),
        b'u' => {
            let code = match escaped.get(1..5)? {
                [b'0', b'0', high @ (b'0' | b'1'), low] => {
                    (high - b'0') << 4 | lowercase_hex_digit(*low)?
                }
                _ => return None,
            };
            let has_short_escape = matches!(code, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d);
            (!has_short_escape).then_some(6)
        }
        _ => None,
    }
}

fn lowercase_hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    }
}

fn literal_end(bytes: &[u8], at: usize, literal: &[u8]) -> Option<usize> {
    let end = at + literal.len();
    (bytes.get(at..end)? == literal).then_some(end)
}

/// Where the number at `at` ends, when serde_json writes it back as it is:
/// JSON's grammar, with an exponent only as `e+` or `e-`.
fn number_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut at = at + usize::from(bytes[at] == b'-');
    match *bytes.get(at)? {
        b'0' => at += 1,
        b'1'..=b'9' => at = digits_end(bytes, at),
        _ => return None,
    }
    if bytes.get(at) == Some(&b'.') {
        at = some_digits_end(bytes, at + 1)?;
    }
    match bytes.get(at) {
        Some(b'e') if matches!(bytes.get(at + 1), Some(b'+' | b'-')) => {
            some_digits_end(bytes, at + 2)
        }
        Some(b'e' | b'E') => None,
        _ => Some(at),
    }
}

fn digits_end(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    at
}

/// [`digits_end`] of at least one digit.
fn some_digits_end(bytes: &[u8], at: usize) -> Option<usize> {
    let end = digits_end(bytes, at);
    (end > at).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::is_canonical;
    use serde_json::Value;

    /// serde_json's verdict: the text parses and is written back as it is.
    fn round_trips(text: &str) -> bool {
        let written = serde_json::from_str::<Value>(text).map(|value| value.to_string());
        written.is_ok_and(|written| written == text)
    }

    #[test]
    fn canonical_texts_are_accepted() {
        for text in [
            r#"{}"#,
            r#"{"a":1,"b":[1,-0,0.5,1e+5,-2.50e-3,true,false,null,{},[]]}"#,
            r#"{"a":{"b":{"c":"x"}},"a.b":{"c":"y"},"":""}"#,
            // DEL is written as it is.
            concat!(
                r#"{"s":"\"\\\b\f\n\r\t\u0000\u001f\u000b é € 😀 / "#,
                "\u{7f}",
                r#""}"#
            ),
            r#"{"big":123456789012345678901234567890,"neg":-123456789012345678901234567890}"#,
            r#"{"a":{"k":1},"b":{"k":2}}"#,
            r#"[1,[2,[3,{"a":[{}]}]]]"#,
            r#""text""#,
            "7",
        ] {
            assert!(round_trips(text), "{text}");
            assert!(is_canonical(text), "{text}");
        }
    }

    #[test]
    fn texts_serde_json_writes_otherwise_are_refused() {
        for text in [
            r#"{"a": 1}"#,
            r#"{"a" :1}"#,
            r#"{"a":"\u007f"}"#,
            " {}",
            "{}\n",
            r#"{"a":1,"a":2}"#,
            r#"{"b":{"a":1,"c":2,"a":3}}"#,
            r#"{"a":"\/"}"#,
            r#"{"a":"\u0041"}"#,
            r#"{"a":"\u000A"}"#,
            r#"{"a":"\u000a"}"#,
            r#"{"a":"\u001F"}"#,
            r#"{"a":"\ud83d\ude00"}"#,
            r#"{"a":1E5}"#,
            r#"{"a":1e5}"#,
            r#"{"a":1.5E-3}"#,
        ] {
            assert!(!round_trips(text), "{text}");
            assert!(!is_canonical(text), "{text}");
        }
    }

    #[test]
    fn malformed_texts_are_refused() {
        for text in [
            "",
            "{",
            "}",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "[1 2]",
            "01",
            "1.",
            "-",
            "1e+",
            "tru",
            "nul",
            "\"a",
            "\"\\x\"",
            "{\"a\":1}}",
            "[]]",
            "{\"a\":\"\u{1}\"}",
            "{,}",
            "[,1]",
        ] {
            assert!(serde_json::from_str::<Value>(text).is_err(), "{text}");
            assert!(!is_canonical(text), "{text}");
        }
    }

    /// The bundled sample is written as serde_json writes it (as most
    /// shippers' output is): its events take the short way.
    #[test]
    fn the_samples_lines_are_canonical() {
        let sample = include_str!("../../examples/azure-auditlogs.ndjson");
        for line in sample.lines() {
            assert!(round_trips(line), "{line}");
            assert!(is_canonical(line), "{line}");
        }
    }

    #[test]
    fn depth_costs_no_recursion() {
        let depth = 1_000_000;
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(is_canonical(&nested));
        let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        assert!(is_canonical(&objects));
    }

    /// Every one-byte change, deletion and insertion of a few canonical
    /// texts: the checker accepts exactly what serde_json writes back as it is.
    #[test]
    fn the_checker_agrees_with_serde_json_on_mutated_texts() {
        let seeds = [
            r#"{"a":[1,-0.5e+2,"x\n\u0001"],"b":{"c":null,"d":true},"e":false,"f":{}}"#,
            r#"{"k":"v","kk":{"k":"v","l":[{},[]]},"m":-12,"n":0.25}"#,
            r#"{"a long key, read eight bytes at a time":"and a long value\twith é escapes"}"#,
        ];
        let alphabet = b"{}[]\":,\\ -+.0159eEabkntulfrs/";
        let mut compared = 0;
        for seed in seeds {
            let bytes = seed.as_bytes();
            for at in 0..=bytes.len() {
                for &byte in alphabet {
                    let mut variants = vec![[&bytes[..at], &[byte], &bytes[at..]].concat()];
                    if at < bytes.len() {
                        variants.push([&bytes[..at], &[byte], &bytes[at + 1..]].concat());
                        variants.push([&bytes[..at], &bytes[at + 1..]].concat());
                    }
                    for variant in variants {
                        // Events are text: a cut character is no input.
                        let Ok(text) = String::from_utf8(variant) else {
                            continue;
                        };
                        assert_eq!(is_canonical(&text), round_trips(&text), "{text}");
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 10_000);
    }
}
