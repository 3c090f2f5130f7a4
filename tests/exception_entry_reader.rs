//! The hand-written exception entry reader (`src/exception/entry.rs`) against
//! the serde-derived reader it replaced, kept here as the reference: for
//! generated entries, well-formed and not (every JSON type in every field,
//! numbers serde_json keeps as text, wide integers, lists in place of maps,
//! nested entries, variants by index), both must give the same entry or the
//! same message.

use kql_detect::exception::{Entry, Operator, ValueListReference};
use reference::Entry as Reference;
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

/// The reader before: serde's derive, as `src/exception/mod.rs` had it.
mod reference {
    use super::*;

    // The fields are compared through `Debug`, which the lint does not count.
    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    pub enum Entry {
        Match {
            #[serde(deserialize_with = "non_empty")]
            field: String,
            operator: Operator,
            #[serde(deserialize_with = "non_empty")]
            value: String,
        },
        MatchAny {
            #[serde(deserialize_with = "non_empty")]
            field: String,
            operator: Operator,
            #[serde(deserialize_with = "non_empty_strings")]
            value: Vec<String>,
        },
        Wildcard {
            #[serde(deserialize_with = "non_empty")]
            field: String,
            operator: Operator,
            #[serde(deserialize_with = "non_empty")]
            value: String,
        },
        Exists {
            #[serde(deserialize_with = "non_empty")]
            field: String,
            operator: Operator,
        },
        List {
            #[serde(deserialize_with = "non_empty")]
            field: String,
            operator: Operator,
            list: ValueListReference,
        },
        Nested {
            #[serde(deserialize_with = "non_empty")]
            field: String,
            #[serde(deserialize_with = "nested_entries")]
            entries: Vec<Entry>,
        },
    }

    fn non_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.trim().is_empty() {
            return Err(serde::de::Error::custom(
                "must not be empty or only white space",
            ));
        }
        Ok(text)
    }

    fn non_empty_strings<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<String>, D::Error> {
        let values = Vec::<String>::deserialize(deserializer)?;
        if values.is_empty() || values.iter().any(|value| value.trim().is_empty()) {
            return Err(serde::de::Error::custom(
                "must be a list of values, none empty or only white space",
            ));
        }
        Ok(values)
    }

    fn nested_entries<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Entry>, D::Error> {
        let entries = Vec::<Entry>::deserialize(deserializer)?;
        if entries.is_empty() {
            return Err(serde::de::Error::custom("an item needs at least one entry"));
        }
        let allowed = |entry: &Entry| {
            matches!(
                entry,
                Entry::Match { .. } | Entry::MatchAny { .. } | Entry::Exists { .. }
            )
        };
        if !entries.iter().all(allowed) {
            return Err(serde::de::Error::custom(
                "a nested entry may only hold match, match_any and exists entries",
            ));
        }
        Ok(entries)
    }
}

fn answer<T: std::fmt::Debug, E: std::fmt::Display>(read: Result<T, E>) -> String {
    match read {
        Ok(entry) => format!("{entry:?}"),
        Err(error) => format!("error: {error}"),
    }
}

/// Both readers give the same answer for `value`, read from a `Value` (as
/// JSON documents are) and from its text (as items with lines are, whose
/// messages carry where the reader stopped), alone and in a list.
fn assert_same(value: &Value) {
    let ours = answer(Entry::deserialize(value));
    assert_eq!(ours, answer(Reference::deserialize(value)), "for {value}");
    let text = format!("[{value}, {value}]");
    let ours = answer(serde_json::from_str::<Vec<Entry>>(&text));
    assert_eq!(
        ours,
        answer(serde_json::from_str::<Vec<Reference>>(&text)),
        "for {text}"
    );
}

/// Numbers that read differently through serde's buffer and through `Value`.
fn numbers() -> Vec<Value> {
    [
        "0",
        "3",
        "5",
        "6",
        "-1",
        "1.5",
        "1.50",
        "2.0",
        "1e3",
        "1e400",
        "18446744073709551616",
        "-9223372036854775809",
    ]
    .iter()
    .map(|text| serde_json::from_str(text).unwrap())
    .collect()
}

/// Values of every kind a field may wrongly or rightly hold.
fn pool() -> Vec<Value> {
    let mut values = vec![
        json!(null),
        json!(true),
        json!(""),
        json!(" "),
        json!("x"),
        json!("included"),
        json!("excluded"),
        json!("match"),
        json!([]),
        json!(["a"]),
        json!(["a", " "]),
        json!(["a", 1]),
        json!([null]),
        json!({}),
        json!({ "included": null }),
        json!({ "excluded": 5 }),
        json!({ "excluded": {} }),
        json!({ "excluded": [] }),
        json!({ "included": null, "excluded": null }),
        json!({ "other": null }),
        json!({ "id": "l", "type": "ip" }),
        json!({ "id": " ", "type": "ip" }),
        json!({ "id": "l" }),
        json!({ "type": "ip" }),
        json!({ "id": "l", "type": 5 }),
        json!(["l", "ip"]),
        json!(["l"]),
        json!(["l", "ip", "x"]),
        json!([{ "type": "match", "field": "a", "operator": "included", "value": "b" }]),
        json!([{ "type": "exists", "field": "a", "operator": "excluded" }]),
        json!([{ "type": "list", "field": "a", "operator": "excluded", "list": { "id": "l", "type": "ip" } }]),
        json!([{ "type": 0, "field": "a", "operator": "included", "value": "b" }]),
        json!([{ "type": 6, "field": "a", "operator": "included", "value": "b" }]),
        json!([{ "type": -1, "field": "a" }]),
        json!([["exists", "a", "included"]]),
        json!([[3, "a", "included"]]),
        json!([[]]),
        json!([5]),
        json!([{ "field": "a" }]),
    ];
    values.extend(numbers());
    values
}

/// A small deterministic generator, so that failures reproduce.
struct Generator(u64);

impl Generator {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % bound as u64) as usize
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

const TYPES: &[&str] = &[
    "match",
    "match_any",
    "wildcard",
    "exists",
    "list",
    "nested",
    "regex",
];
const KEYS: &[&str] = &[
    "type", "field", "operator", "value", "list", "entries", "other",
];

/// A well-formed value for `key`, so that most entries get past their
/// first fields and the later ones are compared too.
fn plausible(key: &str, kind: &str) -> Value {
    match (key, kind) {
        ("type", _) => json!(kind),
        ("operator", _) => json!("included"),
        ("value", "match_any") => json!(["a", "b"]),
        ("list", _) => json!({ "id": "l", "type": "keyword" }),
        ("entries", _) => {
            json!([{ "type": "match", "field": "b", "operator": "excluded", "value": "c" }])
        }
        _ => json!("a"),
    }
}

fn generated(generator: &mut Generator) -> Value {
    let kind = generator.pick(TYPES);
    let as_list = generator.below(8) == 0;
    let mut keys: Vec<&str> = KEYS
        .iter()
        .copied()
        .filter(|_| generator.below(6) != 0)
        .collect();
    // Shuffle, so that the tag and the faults come in every order.
    for at in (1..keys.len()).rev() {
        let other = generator.below(at + 1);
        keys.swap(at, other);
    }
    let pool = pool();
    let value_of = |key: &str, generator: &mut Generator| {
        if generator.below(3) == 0 {
            generator.pick(&pool)
        } else {
            plausible(key, kind)
        }
    };
    if as_list {
        let mut items = vec![if generator.below(4) == 0 {
            generator.pick(&pool)
        } else {
            json!(kind)
        }];
        for key in &keys[..generator.below(keys.len() + 1)] {
            items.push(value_of(key, generator));
        }
        return Value::Array(items);
    }
    let mut object = serde_json::Map::new();
    for key in keys {
        object.insert(key.to_string(), value_of(key, generator));
    }
    Value::Object(object)
}

#[test]
fn generated_entries_read_as_the_derived_reader_read_them() {
    let mut generator = Generator(9);
    for _ in 0..60_000 {
        assert_same(&generated(&mut generator));
    }
}

#[test]
fn every_pooled_value_reads_alike_as_an_entry_and_in_every_field() {
    for value in pool() {
        assert_same(&value);
        assert_same(&json!({ "type": value.clone() }));
        assert_same(&json!([value.clone()]));
        for kind in TYPES {
            for key in KEYS.iter().filter(|key| **key != "type") {
                let mut entry = serde_json::Map::new();
                entry.insert("type".into(), json!(kind));
                for other in KEYS.iter().filter(|other| **other != "type") {
                    let field = if other == key {
                        value.clone()
                    } else {
                        plausible(other, kind)
                    };
                    entry.insert(other.to_string(), field);
                }
                assert_same(&Value::Object(entry.clone()));
                let nested =
                    json!({ "type": "nested", "field": "n", "entries": [Value::Object(entry)] });
                assert_same(&nested);
            }
        }
    }
}

#[test]
fn messages_users_see_are_kept() {
    let cases = [
        (json!({ "type": "regex" }), "unknown variant `regex`, expected one of `match`, `match_any`, `wildcard`, `exists`, `list`, `nested`"),
        (json!({ "field": "a" }), "missing field `type`"),
        (json!({ "type": "match", "field": 5, "operator": "included", "value": "b" }), "invalid type: integer `5`, expected a string"),
        (json!({ "type": "exists", "field": " ", "operator": "included" }), "must not be empty or only white space"),
        (json!({ "type": "exists", "field": "a", "operator": "sometimes" }), "unknown variant `sometimes`, expected `included` or `excluded`"),
        (json!({ "type": 0 }), "invalid type: number, expected variant identifier"),
    ];
    for (value, message) in cases {
        let error = Entry::deserialize(&value).expect_err("malformed");
        assert_eq!(error.to_string(), message);
        assert_same(&value);
    }
}
