//! The structure check of unread lines (`scan::outline_bytes`,
//! `scan::outline_object`) against serde_json on generated lines: valid
//! objects of every shape (minified and spaced, escapes, characters outside
//! ASCII, nesting at the depth limit, strings across many 64-byte blocks)
//! and the same objects corrupted one byte at a time where the grammar
//! cares most (brackets, separators, quotes, backslashes, control
//! characters, bytes from 0x80 up). A line the check passes is counted as
//! an event unparsed, so it must pass exactly what serde_json reads as one
//! object no deeper than `MAX_DEPTH`; the lazy reader, which skips values
//! string by string, must agree too. Run natively and, through
//! tests/wasm_node.rs, in WebAssembly, whose block classification (simd128)
//! is other code; natively on x86_64 once through the check compiled for
//! AVX2 where the processor has it and once more through the plain copy.

use kql_detect::scan::MAX_DEPTH;
use kql_detect::scan::{outline_bytes, outline_object, FieldSet, KeyWatch, Outline, Scanner};
use serde::Deserialize;
use serde_json::Value;

/// Lines generated: a few seconds in WebAssembly under Node, more natively.
#[cfg(target_arch = "wasm32")]
const OBJECTS: usize = 150;
#[cfg(not(target_arch = "wasm32"))]
const OBJECTS: usize = 1500;

/// Corruptions of each generated object.
const MUTATIONS: usize = 24;

const WATCH: KeyWatch<'static> = KeyWatch {
    keys: &["records", "k"],
    prefixes: &["@odata."],
};

/// splitmix64: deterministic, so a failure names a line that fails again.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.0;
        mixed = (mixed ^ mixed >> 30).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ mixed >> 27).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ mixed >> 31
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Writes JSON text; `spaced` puts whitespace between tokens.
struct Writer<'r> {
    random: &'r mut Random,
    text: Vec<u8>,
    spaced: bool,
}

impl Writer<'_> {
    fn gap(&mut self) {
        if self.spaced && self.random.chance(40) {
            let gaps: [&[u8]; 5] = [b" ", b"  ", b"\t", b"\r\n", b"\n "];
            let gap = *self.random.pick(&gaps);
            self.text.extend_from_slice(gap);
        }
    }

    fn object(&mut self, depth: usize) {
        self.text.push(b'{');
        let members = self.random.below(if depth > 3 { 3 } else { 7 });
        for index in 0..members {
            if index > 0 {
                self.gap();
                self.text.push(b',');
            }
            self.gap();
            self.string(true);
            self.gap();
            self.text.push(b':');
            self.gap();
            self.value(depth + 1);
        }
        self.gap();
        self.text.push(b'}');
    }

    fn array(&mut self, depth: usize) {
        self.text.push(b'[');
        let items = self.random.below(if depth > 3 { 3 } else { 6 });
        for index in 0..items {
            if index > 0 {
                self.gap();
                self.text.push(b',');
            }
            self.gap();
            self.value(depth + 1);
        }
        self.gap();
        self.text.push(b']');
    }

    fn value(&mut self, depth: usize) {
        match self.random.below(if depth > 5 { 6 } else { 9 }) {
            0 | 1 => self.string(false),
            2 => self.number(),
            3 => {
                let literals: [&[u8]; 3] = [b"true", b"false", b"null"];
                let literal = *self.random.pick(&literals);
                self.text.extend_from_slice(literal);
            }
            4 | 5 => self.number(),
            6 => self.array(depth),
            _ => self.object(depth),
        }
    }

    fn string(&mut self, key: bool) {
        self.text.push(b'"');
        if key && self.random.chance(15) {
            let watched = ["records", "k", "@odata.context", "record", "kk"];
            let name = *self.random.pick(&watched);
            self.text.extend_from_slice(name.as_bytes());
        } else {
            // Now and then long, to cross blocks inside the string.
            let length = if self.random.chance(10) {
                40 + self.random.below(150)
            } else {
                self.random.below(12)
            };
            for _ in 0..length {
                self.character();
            }
        }
        self.text.push(b'"');
    }

    fn character(&mut self) {
        let pieces: [&[u8]; 22] = [
            b"\\\"",
            b"\\\\",
            b"\\/",
            b"\\b",
            b"\\f",
            b"\\n",
            b"\\r",
            b"\\t",
            b"\\u00e9",
            b"\\u0000",
            b"\\ud83d\\ude00",
            b"\\uDBFF\\uDFFF",
            "é".as_bytes(),
            "€".as_bytes(),
            "😀".as_bytes(),
            b" ",
            b"{",
            b"}",
            b"[",
            b":",
            b",",
            b"'",
        ];
        if self.random.chance(30) {
            let piece = *self.random.pick(&pieces);
            self.text.extend_from_slice(piece);
        } else {
            let letter = b'a' + self.random.below(26) as u8;
            self.text.push(letter);
        }
    }

    fn number(&mut self) {
        let mut number = String::new();
        if self.random.chance(30) {
            number.push('-');
        }
        if self.random.chance(20) {
            number.push('0');
        } else {
            number.push_str(&(1 + self.random.below(99_999)).to_string());
        }
        if self.random.chance(30) {
            number.push_str(&format!(".{}", self.random.below(1000)));
        }
        if self.random.chance(20) {
            let signs = ["", "+", "-"];
            let exponent = *self.random.pick(&["e", "E"]);
            let sign = *self.random.pick(&signs);
            number.push_str(&format!("{exponent}{sign}{}", self.random.below(400)));
        }
        self.text.extend_from_slice(number.as_bytes());
    }
}

/// A valid object: generated members, or nesting near the depth limit.
fn object(random: &mut Random) -> Vec<u8> {
    let spaced = random.chance(50);
    let mut writer = Writer {
        random,
        text: Vec::new(),
        spaced,
    };
    if writer.random.chance(8) {
        // One level either side of the limit, and both sides of a block edge.
        let depth = MAX_DEPTH - 3 + writer.random.below(5);
        let pad = "p".repeat(writer.random.below(70));
        writer
            .text
            .extend_from_slice(format!("{{\"{pad}\":").as_bytes());
        for level in 1..depth {
            let open = if level % 3 == 0 { "{\"o\":" } else { "[" };
            writer.text.extend_from_slice(open.as_bytes());
        }
        writer.value(MAX_DEPTH);
        for level in (1..depth).rev() {
            writer.text.push(if level % 3 == 0 { b'}' } else { b']' });
            if writer.random.chance(10) {
                writer.text.extend_from_slice(b",1");
            }
        }
        writer.text.push(b'}');
    } else {
        writer.gap();
        writer.object(0);
        writer.gap();
    }
    writer.text
}

/// The bytes a corruption puts in: what JSON's structure turns on.
const INSERTS: [u8; 24] = [
    b'{', b'}', b'[', b']', b':', b',', b'"', b'\\', b' ', b'\t', b'\n', b'\r', 0x00, 0x1F, 0x7F,
    0x80, 0xC3, 0xFF, b'0', b'-', b'.', b'e', b'u', b'n',
];

/// Whether `byte` is of the kind a corruption aims at first.
fn sensitive(byte: u8) -> bool {
    matches!(
        byte,
        b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"' | b'\\' | 0..=0x1F | 0x80..
    )
}

/// `line` with one byte deleted, inserted or replaced, at a position whose
/// byte is structural, a quote, a backslash, a control character or non-ASCII
/// most of the time.
fn corrupted(random: &mut Random, line: &[u8]) -> Vec<u8> {
    let mut line = line.to_vec();
    let sensitive_positions: Vec<usize> =
        (0..line.len()).filter(|&at| sensitive(line[at])).collect();
    let at = if !sensitive_positions.is_empty() && random.chance(80) {
        *random.pick(&sensitive_positions)
    } else {
        random.below(line.len() + 1)
    };
    let byte = *random.pick(&INSERTS);
    match random.below(3) {
        0 if at < line.len() => {
            line.remove(at);
        }
        1 if at < line.len() => line[at] = byte,
        _ => line.insert(at, byte),
    }
    line
}

/// Containers nested in `value`, itself included.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// serde_json's verdict, as the full path reads a line: one object, here no
/// deeper than the check allows.
fn parses_as_object(line: &[u8]) -> bool {
    let mut deserializer = serde_json::Deserializer::from_slice(line);
    deserializer.disable_recursion_limit();
    Value::deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .is_ok_and(|value| value.is_object() && depth(&value) <= MAX_DEPTH)
}

/// The outline of a line serde_json reads, found by walking its raw text
/// string by string: whether a top-level key (raw, as written) is watched,
/// whether a string's first raw byte may start JSON text, and whether some
/// string holds a `\u` or a `\/` escape.
fn expected_outline(line: &[u8]) -> Outline {
    let mut outline = Outline::default();
    let mut depth = 0usize;
    let mut at = 0;
    while at < line.len() {
        match line[at] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            b'"' => {
                let start = at + 1;
                let mut end = start;
                while line[end] != b'"' {
                    if line[end] == b'\\' {
                        outline.unicode_escape |= line[end + 1] == b'u';
                        outline.slash_escape |= line[end + 1] == b'/';
                        end += 1;
                    }
                    end += 1;
                }
                let contents = &line[start..end];
                let next = line[end + 1..]
                    .iter()
                    .find(|byte| !byte.is_ascii_whitespace());
                if depth == 1 && next == Some(&b':') && WATCH.covers(contents) {
                    outline.saw_watched_key = true;
                }
                if let Some(&first) = contents.first() {
                    outline.may_embed_json |= matches!(first, b'{' | b'\\' | b' ' | 0x80..);
                }
                at = end;
            }
            _ => {}
        }
        at += 1;
    }
    outline
}

/// Each of `contexts` with its `PAD` grown over two blocks and its `hole`
/// filled by each of `fills`, checked against serde_json; how many texts
/// were accepted and how many refused.
fn agree_at_every_offset(contexts: &[&str], hole: &str, fills: &[&str]) -> (usize, usize) {
    let (mut accepted, mut refused) = (0, 0);
    for context in contexts {
        for fill in fills {
            for padding in 0..2 * 64 {
                let line = context
                    .replace("PAD", &"x".repeat(padding))
                    .replace(hole, fill);
                let expected =
                    parses_as_object(line.as_bytes()).then(|| expected_outline(line.as_bytes()));
                assert_eq!(outline_bytes(line.as_bytes(), &WATCH), expected, "{line}");
                assert_eq!(outline_object(&line, &WATCH), expected, "{line}");
                match expected {
                    Some(_) => accepted += 1,
                    None => refused += 1,
                }
            }
        }
    }
    (accepted, refused)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_structure_check_agrees_with_serde_json_on_generated_lines() {
    let mut random = Random(0x6b71_6c2d_6465_7465);
    let field_sets = [
        FieldSet::default(),
        FieldSet::default().with_exact("k").with_exact("records"),
    ];
    let mut scanner = Scanner::default();
    let (mut accepted, mut refused, mut not_utf8, mut deep, mut long) = (0, 0, 0, 0, 0);
    for _ in 0..OBJECTS {
        let valid = object(&mut random);
        let mut lines = vec![valid.clone()];
        lines.extend((0..MUTATIONS).map(|_| corrupted(&mut random, &valid)));
        for line in lines {
            let shown = String::from_utf8_lossy(&line);
            let expected = parses_as_object(&line).then(|| expected_outline(&line));
            assert_eq!(outline_bytes(&line, &WATCH), expected, "{shown}");
            match std::str::from_utf8(&line) {
                Ok(text) => {
                    assert_eq!(outline_object(text, &WATCH), expected, "{shown}");
                    for fields in &field_sets {
                        let read = scanner.scan(text, fields).is_some();
                        assert_eq!(read, expected.is_some(), "lazy reader: {shown}");
                    }
                }
                Err(_) => not_utf8 += 1,
            }
            match expected {
                Some(_) => accepted += 1,
                None => refused += 1,
            }
            deep += usize::from(line.iter().filter(|&&byte| byte == b'[').count() > 60);
            long += usize::from(line.len() > 8 * 64);
        }
    }
    let lines = OBJECTS * (MUTATIONS + 1);
    assert!(
        accepted > lines / 5 && refused > lines / 2 && not_utf8 > lines / 50,
        "{accepted} accepted, {refused} refused, {not_utf8} not UTF-8"
    );
    assert!(
        deep > OBJECTS / 20 && long > OBJECTS / 10,
        "{deep} deep, {long} long"
    );
}

/// Runs of `"key":"value",` members, which the check takes two mask tests
/// at a time where a key is due (the last one's value too if a closing
/// bracket directly follows it, and an object value's `{`; at the top
/// level each key still looked at for the watch), agree with serde_json
/// wherever a block boundary falls in them: valid runs, runs broken where
/// a mask test could be fooled (a colon or comma doubled or missing, a key
/// without value, a value where a key is due, a stray bracket), in objects
/// nested in several ways and at the top level, shifted by a padding string of every length
/// over two blocks.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn member_runs_agree_with_serde_json_at_every_block_offset() {
    let bodies = [
        "",
        r#""k":"v""#,
        r#""k":"v","l":"w""#,
        r#""k":"v","l":"w","m":"x","n":"y","o":"z""#,
        r#""k":"v","l":5,"m":"x""#,
        r#""k":"v","l":{"a":"b","c":"d"},"m":"x""#,
        r#""k":"v","l":["a","b"],"m":"x""#,
        r#""k" : "v" , "l" : "w" ,"m": "x""#,
        r#""k":"v,\"w\":x","l":"y\\","m":"z""#,
        r#""":"","":"""#,
        r#""k":"a:b","l":"c,d","m":true,"n":null"#,
        r#""k":"v":"w""#,
        r#""k":"v":"w":"x""#,
        r#""k","v","l","w""#,
        r#""k":"v",5"#,
        r#""k":"v","#,
        r#""k","v""#,
        r#""k":"v",,"l":"w""#,
        r#""k"::"v""#,
        r#""k":"v" "l":"w""#,
        r#""k":"v"],"l":"w""#,
        r#""k":"v",:"l":"w""#,
        r#""k":"v",["a"]"#,
        r#""k":"v","l""#,
        r#""k":"v","l":"#,
        r#""k":"v","l":"w"[,"m":"x""#,
        // A string value with a closing bracket directly after it is taken
        // with its key; the bracket must still match its opener.
        r#""k":"v"]"#,
        r#""k":"v"}"#,
        r#""k":"v"}]"#,
        r#""k":"v"]}"#,
        r#""k":"v"},"l":"w""#,
        r#""k":"v"]],"l":"w""#,
        r#""k":"v":"#,
        r#""k":"v",}"#,
        r#""l":{"m":"v"},"n":["x"],"o":{"p":{"q":"r"}}"#,
        // An object value's `{` is opened in the run, within the depth limit.
        r#""k":{},"l":{"m":{}},"n":[{}]"#,
        r#""k":{"l":{"m":"v"}},"n":"w""#,
        r#""k":{]"#,
        r#""k":{"l":"v"]"#,
        r#""k":{,}"#,
        r#""k":{"l"}"#,
        r#""k":{:}"#,
        // Top-level keys taken in a run are still each looked at.
        r#""l":"w","m":"x","k":"v","n":"y""#,
        r#""l":"w","m":{"k":"v"},"n":"y""#,
    ];
    let contexts = [
        r#"{"p":"PAD","a":{BODY}}"#,
        r#"{"p":"PAD","a":[{BODY}]}"#,
        r#"{"p":"PAD","a":{"x":1,BODY}}"#,
        r#"{"p":"PAD","a":{BODY,"z":[]}}"#,
        r#"{"p":"PAD","a":{"b":{BODY}},"c":"d"}"#,
        // At the top level every key is looked at: "k" is watched.
        r#"{"p":"PAD",BODY}"#,
    ];
    let (accepted, refused) = agree_at_every_offset(&contexts, "BODY", &bodies);
    assert!(
        accepted > 3000 && refused > 5000,
        "{accepted} accepted, {refused} refused"
    );
}

/// Numbers and literals, well formed and not (cut short, a letter changed, a
/// byte too many, a number's every part missing or doubled), as a member's
/// value, as items, before a separator, and ending the text (cut there),
/// shifted by a padding string of every length over two blocks: every
/// scalar starts, and ends, at every offset of a block, so a literal's
/// four-byte word and a number's digits are read across block boundaries
/// and up to the text's end.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn numbers_and_literals_agree_with_serde_json_at_every_block_offset() {
    let scalars = [
        "true",
        "false",
        "null",
        "0",
        "-0",
        "7",
        "-12",
        "0.5",
        "-0.5e-3",
        "10.25E+7",
        "1e5",
        "0e0",
        "123456789",
        "tru",
        "fals",
        "nul",
        "t",
        "f",
        "n",
        "trUe",
        "falsE",
        "nulL",
        "Ualse",
        "truex",
        "falsey",
        "nulll",
        "true1",
        "nullnull",
        "-",
        "01",
        "-01",
        "00",
        "1.",
        ".5",
        "1e",
        "1e+",
        "1E-",
        "+1",
        "0x1",
        "1.5.2",
        "--1",
        "1-2",
        "1e5e5",
        "1true",
        "-true",
    ];
    let contexts = [
        r#"{"p":"PAD","a":SCALAR}"#,
        r#"{"p":"PAD","a":[SCALAR,SCALAR]}"#,
        r#"{"p":"PAD","a":SCALAR ,"b":SCALAR}"#,
        r#"{"p":"PAD","a":[1,SCALAR],"b":{"c":SCALAR}}"#,
        r#"{"p":"PAD","a":SCALAR"#,
        r#"{"p":"PAD","a":[SCALAR"#,
    ];
    let (accepted, refused) = agree_at_every_offset(&contexts, "SCALAR", &scalars);
    assert!(
        accepted > 3000 && refused > 15000,
        "{accepted} accepted, {refused} refused"
    );
}

/// Objects nested through keys (`{"k":{"k":...`), whose `{` the member
/// runs open, stop at `MAX_DEPTH` containers wherever the block boundaries
/// fall, as serde_json stops.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn objects_opened_in_member_runs_stop_at_the_depth_limit_at_every_offset() {
    for containers in [MAX_DEPTH, MAX_DEPTH + 1] {
        for padding in 0..64 {
            let line = format!(
                r#"{{"p":"{}",{}"k":1{}}}"#,
                "x".repeat(padding),
                r#""k":{"#.repeat(containers - 1),
                "}".repeat(containers - 1)
            );
            let allowed = containers <= MAX_DEPTH;
            assert_eq!(parses_as_object(line.as_bytes()), allowed, "{line}");
            assert_eq!(outline_object(&line, &WATCH).is_some(), allowed, "{line}");
        }
    }
}

/// The lazy reader and the structure check refuse the same nesting: at most
/// `MAX_DEPTH` containers open at once, the top-level object included,
/// whether the innermost ones are skipped unread, read as objects down a
/// wanted path, or read as arrays of a wanted field.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_lazy_reader_and_the_check_stop_at_the_same_depth() {
    let mut scanner = Scanner::default();
    for containers in [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
        let inner = containers - 1;
        let skipped = format!(r#"{{"skip":{}{}}}"#, "[".repeat(inner), "]".repeat(inner));
        let objects = format!(
            "{}1{}",
            r#"{"k":"#.repeat(containers),
            "}".repeat(containers)
        );
        let deep_path = vec!["k"; containers].join(".");
        let arrays = format!(r#"{{"k":{}1{}}}"#, "[".repeat(inner), "]".repeat(inner));
        let lines = [
            (skipped, FieldSet::default().with_exact("k")),
            (objects, FieldSet::default().with_exact(&deep_path)),
            (arrays, FieldSet::default().with_exact("k")),
        ];
        let allowed = containers <= MAX_DEPTH;
        for (line, fields) in &lines {
            assert_eq!(parses_as_object(line.as_bytes()), allowed, "{line}");
            assert_eq!(outline_object(line, &WATCH).is_some(), allowed, "{line}");
            let read = scanner.scan(line, fields).is_some();
            assert_eq!(
                read, allowed,
                "lazy reader, {containers} containers: {line}"
            );
        }
    }
}

/// The tests above again in a run of this test program with the plain
/// copy of the check forced (`KQL_DETECT_NO_AVX2`): on a processor with
/// AVX2 they ran through the copy compiled for it.
#[cfg(target_arch = "x86_64")]
#[test]
fn the_plain_copy_of_the_check_agrees_too() {
    const NAME: &str = "the_plain_copy_of_the_check_agrees_too";
    if std::env::var_os("KQL_DETECT_NO_AVX2").is_some() {
        return;
    }
    let program = std::env::current_exe().expect("the test program's path");
    let output = std::process::Command::new(program)
        .env("KQL_DETECT_NO_AVX2", "1")
        .args(["--skip", NAME, "--test-threads", "2"])
        .output()
        .expect("the test program reruns");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{report}");
    // Every other test ran: only this one filtered out (a mistyped skip
    // would filter none, a wider one more), whatever their number.
    assert!(report.contains(" 0 failed; 0 ignored;"), "{report}");
    assert!(report.contains(" 1 filtered out;"), "{report}");
}
