//! Reads [`EngineOptions`] with the shared options reader: each value is
//! read as a [`Value`] (the reader rules already need) and then checked, which
//! keeps a second typed JSON reader off every engine's start.
//!
//! The messages are those of the derived reader this replaced
//! (`deny_unknown_fields`): unknown and duplicate keys, serde's "invalid
//! type" wording (a number that fits 64 bits is an `integer`), and the struct
//! given as an array of its fields in order. One difference remains, for
//! malformed JSON only: a value of the wrong type that is also cut short
//! reports the syntax error.

use serde_json::Value;

use super::EngineOptions;
use crate::collect::try_map;
use crate::error::{invalid_type, Error};
use crate::exception::ValueLists;
use crate::options::{read_each, Kind, Shape};

/// `EngineOptions` as a host writes it: every key's value is read as JSON
/// and checked by [`EngineOptions::set`]; an array must hold them all.
const ENGINE_OPTIONS: Shape = Shape {
    name: "EngineOptions",
    keys: &[
        "rules",
        "fieldTypes",
        "extraFieldTypes",
        "now",
        "mode",
        "index",
        "spaceId",
        "input",
        "exceptions",
        "valueLists",
        "keepOriginal",
    ],
    kinds: &[Kind::Json; 11],
    in_array: 11,
};

impl EngineOptions {
    /// Reads options from JSON text; unknown keys are refused, so typos do not pass silently.
    pub fn from_json(text: &str) -> Result<EngineOptions, Error> {
        let mut options = EngineOptions::default();
        read_each(
            text,
            "engine",
            &ENGINE_OPTIONS,
            &mut |index, given| match given.json {
                Some(value) => options.set(index, value),
                None => Ok(()),
            },
        )?;
        Ok(options)
    }

    /// Sets the field of `ENGINE_OPTIONS.keys[index]` from `value`.
    fn set(&mut self, index: usize, value: Value) -> Result<(), String> {
        match index {
            0 => self.rules = Some(values(value)?),
            1 => self.field_types = Some(value),
            2 => self.extra_field_types = Some(value),
            3 => self.now = Some(string(value)?),
            4 => self.mode = Some(string(value)?),
            5 => self.index = Some(string(value)?),
            6 => self.space_id = Some(string(value)?),
            7 => self.input = Some(string(value)?),
            8 => self.exceptions = Some(values(value)?),
            9 => self.value_lists = Some(value_lists(value)?),
            _ => match value {
                Value::Bool(flag) => self.keep_original = Some(flag),
                other => return Err(invalid_type(&other, "a boolean")),
            },
        }
        Ok(())
    }
}

fn string(value: Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text),
        other => Err(invalid_type(&other, "a string")),
    }
}

fn values(value: Value) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(invalid_type(&other, "a sequence")),
    }
}

fn value_lists(value: Value) -> Result<ValueLists, String> {
    let Value::Object(lists) = value else {
        return Err(invalid_type(&value, "a map"));
    };
    // Inserted one by one: collecting into the map would sort its entries
    // first, with a copy of the standard library's sort of its own.
    let mut value_lists = ValueLists::new();
    for (name, list) in lists {
        let items = try_map(values(list)?, string)?;
        value_lists.insert(name, items);
    }
    Ok(value_lists)
}

#[cfg(test)]
mod tests {
    use super::EngineOptions;

    fn message(text: &str) -> String {
        match EngineOptions::from_json(text) {
            Ok(_) => "ok".to_string(),
            Err(error) => error
                .message
                .trim_start_matches("invalid engine options: ")
                .to_string(),
        }
    }

    #[test]
    fn messages_are_those_the_derived_reader_gave() {
        // Each taken from serde's derived reader (deny_unknown_fields).
        let cases = [
            (r#"{"rules":[1,{},null,"x"],"fieldTypes":5,"now":null}"#, "ok"),
            (r#"{"rulez":[]}"#, "unknown field `rulez`, expected one of `rules`, `fieldTypes`, `extraFieldTypes`, `now`, `mode`, `index`, `spaceId`, `input`, `exceptions`, `valueLists`, `keepOriginal`"),
            (r#"{"index":"x","index":5}"#, "duplicate field `index`"),
            (r#"{"rules":-1}"#, "invalid type: integer `-1`, expected a sequence"),
            (r#"{"rules":1.5}"#, "invalid type: number, expected a sequence"),
            (r#"{"mode":-0}"#, "invalid type: number, expected a string"),
            (r#"{"mode":18446744073709551616}"#, "invalid type: number, expected a string"),
            (r#"{"mode":18446744073709551615}"#, "invalid type: integer `18446744073709551615`, expected a string"),
            (r#"{"mode":false}"#, "invalid type: boolean `false`, expected a string"),
            (r#"{"keepOriginal":"yes"}"#, "invalid type: string \"yes\", expected a boolean"),
            (r#"{"valueLists":[]}"#, "invalid type: sequence, expected a map"),
            (r#"{"valueLists":{"a":[5]}}"#, "invalid type: integer `5`, expected a string"),
            (r#"{"valueLists":{"a":null}}"#, "invalid type: null, expected a sequence"),
            (r#"{"mode":5,"rulez":1}"#, "invalid type: integer `5`, expected a string"),
            (r#"{"rulez":1,"mode":5}"#, "unknown field `rulez`, expected one of `rules`, `fieldTypes`, `extraFieldTypes`, `now`, `mode`, `index`, `spaceId`, `input`, `exceptions`, `valueLists`, `keepOriginal`"),
            ("null", "invalid type: null, expected struct EngineOptions"),
            ("5", "invalid type: integer `5`, expected struct EngineOptions"),
            ("[null]", "invalid length 1, expected struct EngineOptions with 11 elements"),
            (r#"[["a:b"],null,null,null,"filter",null,null,null,null,null,true]"#, "ok"),
            ("[null,null,null,null,null,null,null,null,null,null,null,5]", "trailing characters"),
            (r#"{"rules":[],}"#, "trailing comma"),
        ];
        for (text, expected) in cases {
            assert_eq!(message(text), expected, "{text}");
        }
    }

    #[test]
    fn every_option_is_read() {
        let options = EngineOptions::from_json(
            r#"{"rules":["a:b"],"fieldTypes":{"x":"keyword"},"extraFieldTypes":[1],"now":"n","mode":"tag","index":"i","spaceId":"s","input":"azure","exceptions":["e"],"valueLists":{"l":["v"]},"keepOriginal":false}"#,
        )
        .unwrap();
        assert_eq!(
            format!("{options:?}"),
            r#"EngineOptions { rules: Some([String("a:b")]), field_types: Some(Object {"x": String("keyword")}), extra_field_types: Some(Array [Number(1)]), now: Some("n"), mode: Some("tag"), index: Some("i"), space_id: Some("s"), input: Some("azure"), exceptions: Some([String("e")]), value_lists: Some({"l": ["v"]}), keep_original: Some(false) }"#
        );
    }
}
