//! A TOML document as a [`Value`], through basic-toml's serde reader.
//!
//! Read by this visitor rather than `Value`'s own: with `arbitrary_precision`,
//! `Value`'s visitor looks at each map key for serde_json's private number
//! marker and can read a number from a string, two readers instantiated for
//! basic-toml's deserializer that a TOML file never needs. This one builds the
//! same values (a float that is not finite is `null`, as `Value::from` makes it),
//! but for a table keyed `$serde_json::private::Number`, which `Value`'s visitor
//! took for a number and this one reads as the table it is.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A TOML value read into a [`Value`].
pub(super) struct Toml(pub Value);

impl<'de> Deserialize<'de> for Toml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Toml, D::Error> {
        deserializer.deserialize_any(TomlVisitor).map(Toml)
    }
}

struct TomlVisitor;

impl<'de> Visitor<'de> for TomlVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        // `Value`'s own wording, so a message stays the same (basic-toml's
        // `deserialize_any` never reaches it).
        formatter.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, flag: bool) -> Result<Value, E> {
        Ok(Value::Bool(flag))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Value, E> {
        Ok(Value::from(number))
    }

    fn visit_f64<E>(self, number: f64) -> Result<Value, E> {
        Ok(Value::from(number))
    }

    fn visit_str<E>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_string()))
    }

    fn visit_string<E>(self, text: String) -> Result<Value, E> {
        Ok(Value::String(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Toml(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some((key, Toml(value))) = map.next_entry::<String, Toml>()? {
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::Toml;

    #[test]
    fn documents_read_as_values_own_reader_reads_them() {
        // Each kind of TOML value, and faults: the same value or message.
        let cases = [
            "a = 1\nb = -9223372036854775808\nc = 0x10",
            "a = 1.5\nb = 1e300\nc = -0.0\nd = inf\ne = nan\nf = 1.0",
            "a = true\nb = 'lit'\nc = \"esc\\u00e9\"\nd = '''\nmulti\n'''",
            "a = [1, [2.5, 'x'], []]\nb = { c = 1, d.e = 2 }\nf.g = 3",
            "[rule]\nx = 1\n[[rule.threat]]\ny = 2\n[[rule.threat]]\ny = 3",
            "[metadata]\nupdated_date = 2026-11-20",
            "a = 1979-05-27T07:32:00Z",
            "a = 1\na = 2",
            "[t]\n[t]",
            "a = 99999999999999999999",
            "a = [1, 'mixed']",
            "a = ",
            "",
        ];
        for text in cases {
            let ours = basic_toml::from_str::<Toml>(text).map(|Toml(value)| value);
            let theirs = basic_toml::from_str::<Value>(text);
            assert_eq!(
                ours.map_err(|error| error.to_string()),
                theirs.map_err(|error| error.to_string()),
                "{text}"
            );
        }
    }
}
