//! Events written so that a plain byte search cannot see their literals.

use serde_json::Value;

/// JSON text of `value` that spells every character of every string and
/// key as a `\u` escape, or only each `/` as `\/`: the same event, with the
/// literals hidden from a plain byte search.
pub fn escaped(value: &Value, every_character: bool) -> String {
    let string = |text: &str| -> String {
        let mut out = String::from("\"");
        if every_character {
            for unit in text.encode_utf16() {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            let plain = serde_json::to_string(text).unwrap();
            out.push_str(&plain[1..plain.len() - 1].replace('/', "\\/"));
        }
        out + "\""
    };
    match value {
        Value::String(text) => string(text),
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|item| escaped(item, every_character))
                .collect();
            format!("[{}]", items.join(","))
        }
        Value::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, item)| format!("{}:{}", string(key), escaped(item, every_character)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
        scalar => scalar.to_string(),
    }
}
