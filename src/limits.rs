//! What untrusted input may ask of the engine, and nothing more.
//!
//! kql-detect runs inside other people's processes (a log shipper, a browser
//! tab, an edge worker), on logs, rules and queries nobody vetted. Each limit
//! here turns an input that would exhaust the stack, the memory or the time of
//! its host into an error naming the limit, for that line or that query only;
//! the run goes on. SECURITY.md lists them all.
//!
//! Limits on queries live with the parser ([`crate::kql::MAX_QUERY_BYTES`],
//! [`crate::kql::MAX_NESTING`]); this module holds the limits on events and
//! rules, and the JSON and TOML readers that respect them.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, ErrorType};

/// How deep arrays and objects may nest in an event, by default.
pub const DEFAULT_MAX_JSON_DEPTH: usize = 512;

/// The deepest nesting an event may be allowed to have. Every stage that
/// walks an event recursively (reading, ingest, alerts, output, dropping it)
/// takes about 1 KiB of stack per level in a release build: 512 levels fit
/// WebAssembly's 1 MiB stack (and the Node test passes twice as many), so
/// the limit can be lowered, not raised.
pub const MAX_JSON_DEPTH_CEILING: usize = 512;

/// How long a line (or a document read whole) may be, by default: 16 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 << 20;

/// How large an input read whole (a JSON array, pretty-printed documents)
/// may be, by default: 64 MiB. Every document of such an input is parsed
/// before the first is evaluated, so it is held whole; a larger one is read
/// as NDJSON instead, each line judged alone.
pub const DEFAULT_MAX_WHOLE_INPUT_BYTES: usize = 64 << 20;

/// How many rules one engine may load.
pub const MAX_RULES: usize = 10_000;

/// How deep arrays and inline tables, and the tables dotted keys and headers
/// create, may nest in a rule's TOML. basic-toml recurses without a limit, so
/// the text is checked before it is parsed.
pub const MAX_TOML_DEPTH: usize = 64;

/// The nesting serde_json refuses on its own (its recursion limit is 128
/// levels, the outermost one included): deeper events take the slower path
/// that counts levels first.
const SERDE_JSON_DEPTH: usize = 127;

/// Limits on the events of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct InputLimits {
    /// Lines longer than this many bytes are invalid (`too_long`) without
    /// being parsed, and are never held whole.
    pub max_line_bytes: usize,
    /// Events whose arrays and objects nest deeper than this are invalid
    /// (`too_deep`); at most [`MAX_JSON_DEPTH_CEILING`].
    pub max_json_depth: usize,
    /// Inputs read whole (an array, pretty-printed documents) larger than
    /// this many bytes are read line by line instead.
    pub max_whole_input_bytes: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits {
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_json_depth: DEFAULT_MAX_JSON_DEPTH,
            max_whole_input_bytes: DEFAULT_MAX_WHOLE_INPUT_BYTES,
        }
    }
}

impl InputLimits {
    /// No limit a caller may lift: for inputs the caller produced itself
    /// (tests, benchmarks). Nesting stays bounded, since the stack is.
    pub fn unlimited() -> InputLimits {
        InputLimits {
            max_line_bytes: usize::MAX,
            max_json_depth: MAX_JSON_DEPTH_CEILING,
            max_whole_input_bytes: usize::MAX,
        }
    }

    /// The limits, or an `options_invalid` error naming the one out of range.
    pub fn validated(self) -> Result<InputLimits, Error> {
        let out_of_range = |name: &str, range: &str| {
            Err(Error::new(
                ErrorType::OptionsInvalid,
                "limit_out_of_range",
                format!("`{name}` must be {range}"),
            ))
        };
        if self.max_json_depth == 0 || self.max_json_depth > MAX_JSON_DEPTH_CEILING {
            return out_of_range(
                "maxJsonDepth",
                &format!("between 1 and {MAX_JSON_DEPTH_CEILING}"),
            );
        }
        if self.max_line_bytes == 0 {
            return out_of_range("maxLineBytes", "at least 1");
        }
        if self.max_whole_input_bytes == 0 {
            return out_of_range("maxWholeInputBytes", "at least 1");
        }
        Ok(self)
    }
}

/// Refuses to load more than [`MAX_RULES`] rules.
pub(crate) fn check_rule_count(rules: usize) -> Result<(), Error> {
    if rules <= MAX_RULES {
        return Ok(());
    }
    Err(Error::new(
        ErrorType::RuleInvalid,
        "too_many_rules",
        format!("{rules} rules were given, more than the {MAX_RULES} one engine may load"),
    ))
}

/// Why a JSON text is not an event.
#[derive(Debug)]
pub(crate) enum JsonFault {
    /// serde_json's error.
    Malformed(serde_json::Error),
    /// Arrays and objects nest deeper than the limit, first at this byte offset.
    TooDeep {
        /// Where the level one too many opens.
        offset: usize,
        /// The limit.
        limit: usize,
    },
}

impl JsonFault {
    /// The error for `text` (the line or document that failed), pointing at the fault.
    pub(crate) fn into_error(self, text: &str) -> Error {
        match self {
            JsonFault::Malformed(error) => crate::input::invalid_json(&error, text),
            JsonFault::TooDeep { offset, limit } => {
                too_deep(limit).at(crate::span::Span::new(offset, offset + 1), text)
            }
        }
    }
}

/// The error of an event nested deeper than `limit`.
pub(crate) fn too_deep(limit: usize) -> Error {
    Error::new(
        ErrorType::EventInvalid,
        "too_deep",
        format!("arrays and objects nest deeper than {limit} levels, the most an event may"),
    )
}

/// Parses one JSON value (an NDJSON line, a pasted event) whose arrays and
/// objects nest at most `max_depth` levels.
///
/// Events are parsed by serde_json with its own limit first, which costs
/// nothing; only an event that fails is measured, and parsed again without
/// serde_json's limit when it is deeper than that but within `max_depth`.
/// Call it wherever event text is parsed (`Engine::evaluate_input_json`,
/// `ingest::normalize_json`), so the limit is the same on every path.
pub(crate) fn parse_json(bytes: &[u8], max_depth: usize) -> Result<Value, JsonFault> {
    let max_depth = max_depth.min(MAX_JSON_DEPTH_CEILING);
    if max_depth < SERDE_JSON_DEPTH {
        check_depth(bytes, max_depth)?;
        return serde_json::from_slice(bytes).map_err(JsonFault::Malformed);
    }
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(error) => match json_depth(bytes, SERDE_JSON_DEPTH) {
            // Shallow enough for serde_json: its error stands.
            Depth::Within(_) => Err(JsonFault::Malformed(error)),
            Depth::Beyond { .. } => {
                check_depth(bytes, max_depth)?;
                parse_unbounded(bytes)
            }
        },
    }
}

/// The first JSON value of `bytes` read with a [`serde_json::StreamDeserializer`]
/// (the documents of an array or of pretty-printed input), within `max_depth`,
/// and the bytes it took.
pub(crate) fn parse_first_json(
    bytes: &[u8],
    max_depth: usize,
) -> Option<Result<(Value, usize), JsonFault>> {
    let first = |unbounded: bool| {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        if unbounded {
            deserializer.disable_recursion_limit();
        }
        let mut values = deserializer.into_iter::<Value>();
        let value = values.next()?;
        Some(value.map(|value| (value, values.byte_offset())))
    };
    let max_depth = max_depth.min(MAX_JSON_DEPTH_CEILING);
    if max_depth < SERDE_JSON_DEPTH {
        if let Err(fault) = check_depth(bytes, max_depth) {
            return Some(Err(fault));
        }
    }
    match first(false)? {
        Ok(parsed) => Some(Ok(parsed)),
        Err(error) => match json_depth(bytes, SERDE_JSON_DEPTH) {
            Depth::Within(_) => Some(Err(JsonFault::Malformed(error))),
            Depth::Beyond { .. } => match check_depth(bytes, max_depth) {
                Err(fault) => Some(Err(fault)),
                Ok(()) => first(true).map(|parsed| parsed.map_err(JsonFault::Malformed)),
            },
        },
    }
}

/// serde_json without its recursion limit: only for text [`check_depth`] measured.
fn parse_unbounded(bytes: &[u8]) -> Result<Value, JsonFault> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    deserializer.disable_recursion_limit();
    let value = Value::deserialize(&mut deserializer).map_err(JsonFault::Malformed)?;
    deserializer.end().map_err(JsonFault::Malformed)?;
    Ok(value)
}

fn check_depth(bytes: &[u8], max_depth: usize) -> Result<(), JsonFault> {
    match json_depth(bytes, max_depth) {
        Depth::Within(_) => Ok(()),
        Depth::Beyond { offset } => Err(JsonFault::TooDeep {
            offset,
            limit: max_depth,
        }),
    }
}

/// How deep the first JSON value of a text nests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Depth {
    /// At most the limit: the deepest level seen.
    Within(usize),
    /// Deeper than the limit: the offset of the bracket one level too deep.
    Beyond { offset: usize },
}

/// Counts the nesting of the first value of `bytes`, bracket by bracket,
/// skipping strings, and stops once it passes `limit` or the value closes.
///
/// On text serde_json accepts it counts exactly the levels serde_json would
/// recurse into; on malformed text it counts at least as many as serde_json
/// reaches before it fails (up to the fault, the text is valid JSON, and the
/// count agrees), so a text measured within the limit can be parsed without
/// serde_json's own.
fn json_depth(bytes: &[u8], limit: usize) -> Depth {
    let first = bytes.iter().find(|byte| !byte.is_ascii_whitespace());
    if !matches!(first, Some(b'[' | b'{')) {
        // A scalar has no depth; what follows it is another value, or an error.
        return Depth::Within(0);
    }
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for (offset, &byte) in bytes.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Depth::Beyond { offset };
                }
                deepest = deepest.max(depth);
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    Depth::Within(deepest)
}

/// Refuses rule TOML that would nest deeper than [`MAX_TOML_DEPTH`] once
/// parsed (basic-toml recurses once per level, without a limit of its own).
///
/// The count is conservative: bracket nesting in values, plus the dots of the
/// longest dotted key or table header (each dot opens a table). Strings and
/// comments are skipped.
pub(crate) fn check_toml_depth(text: &str) -> Result<(), Error> {
    let mut scanner = TomlScanner::default();
    for (offset, c) in text.char_indices() {
        if scanner.step(text, offset, c) > MAX_TOML_DEPTH {
            return Err(Error::new(
                ErrorType::RuleInvalid,
                "too_deep",
                format!(
                    "arrays, inline tables and dotted keys nest deeper than {MAX_TOML_DEPTH} levels, the most a rule file may"
                ),
            )
            .at(crate::span::Span::new(offset, offset + c.len_utf8()), text));
        }
    }
    Ok(())
}

/// The state of [`check_toml_depth`]'s pass over a TOML text.
#[derive(Default)]
struct TomlScanner {
    /// Open `[` and `{` of values (table headers excluded).
    brackets: usize,
    /// Dots since the start of the current line's key or header.
    dots: usize,
    /// Inside a string: its closing delimiter.
    string: Option<&'static str>,
    /// The previous character was a backslash in a basic string.
    escaped: bool,
    in_comment: bool,
    /// Characters to skip (the rest of a multi-character delimiter).
    skip: usize,
    /// Only spaces and `[` so far on this line: a `[` here opens a table header.
    mid_line: bool,
}

impl TomlScanner {
    /// Takes the character `c` at `offset` of `text`; returns the depth so far.
    fn step(&mut self, text: &str, offset: usize, c: char) -> usize {
        let in_comment = self.in_comment && c != '\n';
        if self.skip > 0 {
            self.skip -= 1;
        } else if let (false, Some(close)) = (in_comment, self.string) {
            self.in_string(text, offset, c, close);
        } else if !in_comment {
            self.outside_string(text, offset, c);
        }
        self.brackets + self.dots
    }

    fn in_string(&mut self, text: &str, offset: usize, c: char, close: &'static str) {
        let basic = close.starts_with('"');
        if self.escaped {
            self.escaped = false;
        } else if basic && c == '\\' {
            self.escaped = true;
        } else if text[offset..].starts_with(close) {
            self.string = None;
            self.skip = close.len() - 1;
        } else if c == '\n' && close.len() == 1 {
            // A one-line string ends at the line's end (basic-toml then fails).
            self.string = None;
        }
    }

    fn outside_string(&mut self, text: &str, offset: usize, c: char) {
        self.in_comment = false;
        match c {
            '#' => self.in_comment = true,
            '"' | '\'' => {
                let close = match (
                    c,
                    text[offset..].starts_with("\"\"\""),
                    text[offset..].starts_with("'''"),
                ) {
                    ('"', true, _) => "\"\"\"",
                    ('"', false, _) => "\"",
                    (_, _, true) => "'''",
                    _ => "'",
                };
                self.string = Some(close);
                self.skip = close.len() - 1;
            }
            '[' | '{' if self.brackets > 0 || self.mid_line => self.brackets += 1,
            ']' | '}' if self.brackets > 0 => self.brackets -= 1,
            '.' => self.dots += 1,
            '=' | ',' | '\n' => self.dots = 0,
            _ => {}
        }
        // Only spaces and the `[` of `[[` may precede a table header's `[`.
        match c {
            '\n' => self.mid_line = false,
            ' ' | '\t' | '[' => {}
            _ => self.mid_line = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    }

    /// Runs `test` on a thread whose stack fits the deepest events: a debug
    /// build takes about 4 KiB per level to parse one, a release build 1 KiB.
    fn on_deep_stack(test: impl FnOnce() + Send + 'static) {
        let stack = if cfg!(debug_assertions) {
            16 << 20
        } else {
            2 << 20
        };
        let thread = std::thread::Builder::new().stack_size(stack).spawn(test);
        thread.expect("a thread").join().expect("the test passes");
    }

    #[test]
    fn depth_counts_levels_outside_strings() {
        assert_eq!(
            json_depth(br#"{"a":[1,{"b":"[[["}]}"#, 10),
            Depth::Within(3)
        );
        assert_eq!(json_depth(br#""\"[[""#, 10), Depth::Within(0));
        assert_eq!(json_depth(b"[[[1]]]", 2), Depth::Beyond { offset: 2 });
        // Only the first value counts.
        assert_eq!(json_depth(b"[1] [[[[1]]]]", 2), Depth::Within(1));
    }

    #[test]
    fn events_nest_up_to_the_limit_and_no_further() {
        on_deep_stack(events_nest_up_to_the_limit);
    }

    fn events_nest_up_to_the_limit() {
        for (depth, limit, accepted) in [
            (126, 512, true),
            (127, 512, true),
            (128, 512, true),
            (512, 512, true),
            (513, 512, false),
            (10, 10, true),
            (11, 10, false),
            (512, 4096, true),
            (513, 4096, false),
        ] {
            let text = nested(depth);
            let parsed = parse_json(text.as_bytes(), limit);
            assert_eq!(parsed.is_ok(), accepted, "depth {depth}, limit {limit}");
        }
    }

    #[test]
    fn too_deep_names_the_limit_and_points_at_the_level() {
        let text = nested(600);
        let Err(fault) = parse_json(text.as_bytes(), 512) else {
            panic!("600 levels pass a limit of 512");
        };
        let error = fault.into_error(&text);
        assert_eq!(error.kind, "too_deep");
        assert_eq!(
            error.message,
            "arrays and objects nest deeper than 512 levels, the most an event may"
        );
        assert_eq!(error.span().map(|span| span.start), Some(512));
    }

    #[test]
    fn malformed_deep_text_is_malformed_not_a_crash() {
        let text = format!("{}1", "[".repeat(300));
        assert!(matches!(
            parse_json(text.as_bytes(), 512),
            Err(JsonFault::Malformed(_))
        ));
        assert!(matches!(
            parse_json(b"[[1]] x", 512),
            Err(JsonFault::Malformed(_))
        ));
    }

    #[test]
    fn the_first_document_of_a_stream_is_read_at_any_allowed_depth() {
        on_deep_stack(the_first_document_of_a_stream_is_read_at_any_depth);
    }

    fn the_first_document_of_a_stream_is_read_at_any_depth() {
        let text = format!("{} {{\"b\":2}}", nested(300));
        let Some(Ok((value, offset))) = parse_first_json(text.as_bytes(), 512) else {
            panic!("300 levels are within 512");
        };
        assert!(value.is_array());
        assert_eq!(offset, 601);
        assert!(matches!(
            parse_first_json(text.as_bytes(), 200),
            Some(Err(JsonFault::TooDeep { limit: 200, .. }))
        ));
    }

    #[test]
    fn toml_nesting_is_refused_before_basic_toml_recurses() {
        let deep_array = format!("[rule]\nx = {}1{}\n", "[".repeat(100), "]".repeat(100));
        let deep_key = format!("[rule]\n{} = 1\n", vec!["k"; 100].join("."));
        let deep_header = format!("[{}]\n", vec!["k"; 100].join("."));
        let deep_inline = format!("[rule]\nx = {}1{}\n", "{a=".repeat(100), "}".repeat(100));
        for text in [deep_array, deep_key, deep_header, deep_inline] {
            let error = check_toml_depth(&text).expect_err("too deep");
            assert_eq!(error.kind, "too_deep");
        }
        let fine = "[metadata]\ncreation_date = \"2020/01/01\"\n[rule]\n\
                    query = '''\nevent.dataset:azure.auditlogs and a.b.c.d.e.f.g.h:[1 to 2] # [[[[\n'''\n\
                    threat = [{framework = \"MITRE ATT&CK\", tactic = {id = \"TA0001\"}}]\n\
                    values = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5,\n\
                    17.5, 18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 24.5, 25.5, 26.5, 27.5, 28.5, 29.5, 30.5, 31.5, 32.5,\n\
                    33.5, 34.5, 35.5, 36.5, 37.5, 38.5, 39.5, 40.5, 41.5, 42.5, 43.5, 44.5, 45.5, 46.5, 47.5, 48.5,\n\
                    49.5, 50.5, 51.5, 52.5, 53.5, 54.5, 55.5, 56.5, 57.5, 58.5, 59.5, 60.5, 61.5, 62.5, 63.5, 64.5]\n\
                    [[rule.threat.technique]]\nid = \"T1078\"\n";
        assert!(check_toml_depth(fine).is_ok());
    }
}
