//! Finds a value in the JSON text it was parsed from, by its path: serde_json
//! keeps no positions in a `Value`, and a record is read from its `Value`
//! (see [`super::read`]), so a fault found there is placed in the text
//! afterwards. Only texts serde_json parsed are searched, so the walk trusts
//! their grammar, but never indexes out of them: a text that breaks it just
//! has no place to give.

use super::read::Step;

/// The byte offset of the last byte of the value at `path` in `text`, one
/// JSON value. A key given twice leads to its last value, the one a `Value`
/// keeps.
pub(super) fn last_byte_of(text: &str, path: &[Step]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut start = skip_space(bytes, 0);
    for step in path {
        start = match step {
            Step::Key(key) => member(text, start, key)?,
            Step::Index(index) => element(bytes, start, *index)?,
        };
    }
    value_end(bytes, start).map(|end| end - 1)
}

/// Where the value of `key` in the object at `start` starts.
fn member(text: &str, start: usize, key: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut found = None;
    let mut at = opening(bytes, start, b'{', b'}')?;
    while let Some(key_start) = at {
        let key_end = string_end(bytes, key_start)?;
        let value_start = skip_space(bytes, skip_space(bytes, key_end) + 1);
        if key_is(text.get(key_start..key_end)?, key) {
            found = Some(value_start);
        }
        at = next_item(bytes, value_end(bytes, value_start)?, b'}')?;
    }
    found
}

/// Where the element `index` of the array at `start` starts.
fn element(bytes: &[u8], start: usize, index: usize) -> Option<usize> {
    let mut at = opening(bytes, start, b'[', b']')?;
    for _ in 0..index {
        at = next_item(bytes, value_end(bytes, at?)?, b']')?;
    }
    at
}

/// Whether the JSON string `quoted` (quotes included) is `key`; escapes are
/// rare in keys, so only a key with one is decoded.
fn key_is(quoted: &str, key: &str) -> bool {
    if !quoted.contains('\\') {
        return quoted.get(1..quoted.len() - 1) == Some(key);
    }
    serde_json::from_slice::<serde_json::Value>(quoted.as_bytes())
        .is_ok_and(|decoded| decoded.as_str() == Some(key))
}

/// After the opening bracket at `start`: the first item's start, or `None`
/// for an empty container.
fn opening(bytes: &[u8], start: usize, open: u8, close: u8) -> Option<Option<usize>> {
    if bytes.get(start) != Some(&open) {
        return None;
    }
    let first = skip_space(bytes, start + 1);
    Some((bytes.get(first) != Some(&close)).then_some(first))
}

/// After an item ending at `end`: the next item's start, or `None` at the
/// closing bracket.
fn next_item(bytes: &[u8], end: usize, close: u8) -> Option<Option<usize>> {
    let separator = skip_space(bytes, end);
    match bytes.get(separator)? {
        b',' => Some(Some(skip_space(bytes, separator + 1))),
        byte if *byte == close => Some(None),
        _ => None,
    }
}

/// The end (exclusive) of the value starting at `start`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => container_end(bytes, start),
        _ => Some(
            start
                + bytes[start..]
                    .iter()
                    .take_while(|byte| !matches!(byte, b',' | b'}' | b']') && !is_space(**byte))
                    .count(),
        ),
    }
}

/// The end (exclusive) of the string whose opening quote is at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    loop {
        match bytes.get(at)? {
            b'"' => return Some(at + 1),
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
}

/// The end (exclusive) of the object or array opening at `start`.
fn container_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = start;
    loop {
        match bytes.get(at)? {
            b'"' => {
                at = string_end(bytes, at)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
}

fn skip_space(bytes: &[u8], start: usize) -> usize {
    start
        + bytes
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|byte| is_space(**byte))
            .count()
}

/// JSON's white space.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Step {
        Step::Key(name.to_string())
    }

    #[test]
    fn finds_the_last_byte_of_the_value_at_a_path() {
        let text = r#" { "a" : [1, {"b\"c":"x,]}", "d": {}}, "e\u0066"], "a": [true, [ 2 ,3 ]] } "#;
        let cases: &[(&[Step], Option<&str>)] = &[
            (&[], Some(text.trim())),
            // A key given twice: its last value, as a `Value` keeps it.
            (&[key("a")], Some(r#"[true, [ 2 ,3 ]]"#)),
            (&[key("a"), Step::Index(0)], Some("true")),
            (&[key("a"), Step::Index(1), Step::Index(1)], Some("3")),
            (&[key("a"), Step::Index(2)], None),
            (&[key("b")], None),
            (&[key("a"), key("b")], None),
        ];
        for (path, value) in cases {
            let expected = value.map(|value| text.find(value).unwrap_or(0) + value.len() - 1);
            assert_eq!(last_byte_of(text, path), expected, "{path:?}");
        }
        let first = r#"{"a":[1,{"b\"c":"x,]}","d":{}},"e\u0066"]}"#;
        let cases: &[(&[Step], &str)] = &[
            (&[key("a"), Step::Index(1), key("b\"c")], r#""x,]}""#),
            (&[key("a"), Step::Index(1), key("d")], "{}"),
            (&[key("a"), Step::Index(2)], r#""e\u0066""#),
        ];
        for (path, value) in cases {
            let expected = first.find(value).map(|start| start + value.len() - 1);
            assert_eq!(last_byte_of(first, path), expected, "{path:?}");
        }
    }

    #[test]
    fn a_text_off_the_grammar_has_no_place_and_no_panic() {
        for text in [
            "",
            "{",
            r#"{"a""#,
            r#"{"a":"#,
            r#"{"a":"x"#,
            "[",
            "[1,",
            "}",
            r#"{"a":1 x}"#,
        ] {
            assert_eq!(last_byte_of(text, &[key("a")]), None, "{text}");
            let _ = last_byte_of(text, &[Step::Index(3)]);
        }
    }
}
