//! Reads a [`Rule`] from its rules API JSON, already parsed into a [`Value`].
//!
//! Written by hand rather than derived: serde's derived reader was the
//! largest function of the wasm build (24 KB). The messages are serde's, as
//! the derived reader over a `Value` (with `arbitrary_precision`) wrote them:
//! an object's keys are read in their order, unknown keys are ignored, missing
//! required fields are reported after every key was read, and a struct may
//! also be given as an array of its fields in order.

use serde_json::Value;

use super::{RiskScoreMapping, Rule, SeverityMapping, Technique, Threat, ThreatEntry};
use crate::collect::try_map;

/// What went wrong, in serde's words.
type Read<T> = Result<T, String>;

/// How serde names a value of the wrong type.
fn unexpected(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => format!("boolean `{flag}`"),
        Value::Number(_) => "number".to_string(),
        Value::String(text) => format!("string {text:?}"),
        Value::Array(_) => "sequence".to_string(),
        Value::Object(_) => "map".to_string(),
    }
}

fn invalid_type(value: &Value, expected: &str) -> String {
    format!("invalid type: {}, expected {expected}", unexpected(value))
}

fn string(value: &Value) -> Read<String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(invalid_type(other, "a string")),
    }
}

fn boolean(value: &Value) -> Read<bool> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        other => Err(invalid_type(other, "a boolean")),
    }
}

/// A `u32`: with `arbitrary_precision`, a number that is not one is an "invalid number".
fn unsigned(value: &Value) -> Read<u32> {
    match value {
        Value::Number(number) => number
            .as_u64()
            .and_then(|number| u32::try_from(number).ok())
            .ok_or_else(|| "invalid number".to_string()),
        other => Err(invalid_type(other, "u32")),
    }
}

/// `null` is `None`; anything else is read by `read`.
fn optional<T>(value: &Value, read: fn(&Value) -> Read<T>) -> Read<Option<T>> {
    match value {
        Value::Null => Ok(None),
        other => read(other).map(Some),
    }
}

fn list<T>(value: &Value, read: fn(&Value) -> Read<T>) -> Read<Vec<T>> {
    match value {
        Value::Array(items) => try_map(items, read),
        other => Err(invalid_type(other, "a sequence")),
    }
}

fn strings(value: &Value) -> Read<Vec<String>> {
    list(value, string)
}

fn values(value: &Value) -> Read<Vec<Value>> {
    list(value, |value| Ok(value.clone()))
}

/// A struct's fields, as serde's derived reader takes them.
struct Fields<'v> {
    /// The struct's name, for messages.
    name: &'static str,
    /// Its fields in declaration order.
    names: &'static [&'static str],
    /// The object or array the fields were read from.
    shape: Shape<'v>,
    /// Bit `i` set when `names[i]` was given.
    given: u64,
}

enum Shape<'v> {
    Object,
    Array(&'v [Value]),
}

impl<'v> Fields<'v> {
    /// Calls `set` with each given field's index and value, in the order they
    /// are given; the first error stops the reading.
    fn read(
        name: &'static str,
        names: &'static [&'static str],
        value: &'v Value,
        mut set: impl FnMut(usize, &'v Value) -> Read<()>,
    ) -> Read<Fields<'v>> {
        let mut given = 0u64;
        let shape = match value {
            Value::Object(object) => {
                for (key, value) in object {
                    if let Some(index) = names.iter().position(|name| name == key) {
                        set(index, value)?;
                        given |= 1 << index;
                    }
                }
                Shape::Object
            }
            Value::Array(items) => {
                for (index, value) in items.iter().take(names.len()).enumerate() {
                    set(index, value)?;
                    given |= 1 << index;
                }
                Shape::Array(items)
            }
            other => return Err(invalid_type(other, &format!("struct {name}"))),
        };
        Ok(Fields {
            name,
            names,
            shape,
            given,
        })
    }

    /// Checks that the fields in `required` (a bit per field index) were
    /// given, and that an array had no more elements than the struct has fields.
    fn finish(self, required: u64) -> Read<()> {
        let missing = required & !self.given;
        if missing != 0 {
            let index = missing.trailing_zeros() as usize;
            return Err(match self.shape {
                Shape::Object => format!("missing field `{}`", self.names[index]),
                Shape::Array(_) => format!(
                    "invalid length {index}, expected struct {} with {} elements",
                    self.name,
                    self.names.len()
                ),
            });
        }
        match self.shape {
            Shape::Array(items) if items.len() > self.names.len() => Err(format!(
                "invalid length {}, expected fewer elements in array",
                items.len()
            )),
            _ => Ok(()),
        }
    }
}

const RULE_FIELDS: &[&str] = &[
    "id",
    "rule_id",
    "name",
    "description",
    "type",
    "language",
    "query",
    "index",
    "data_view_id",
    "filters",
    "severity",
    "risk_score",
    "severity_mapping",
    "risk_score_mapping",
    "rule_name_override",
    "timestamp_override",
    "timestamp_override_fallback_disabled",
    "interval",
    "from",
    "to",
    "max_signals",
    "tags",
    "version",
    "author",
    "license",
    "references",
    "false_positives",
    "note",
    "setup",
    "threat",
    "building_block_type",
    "exceptions_list",
    "related_integrations",
    "required_fields",
    "investigation_fields",
    "enabled",
    "immutable",
    "revision",
    "meta",
    "namespace",
    "timeline_id",
    "timeline_title",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
];

/// A rule; what it leaves out takes Kibana's defaults.
pub(super) fn rule(value: &Value) -> Read<Rule> {
    let mut rule = Rule::default();
    let r = &mut rule;
    Fields::read("Rule", RULE_FIELDS, value, |index, value| {
        let text = || optional(value, string);
        match index {
            0 => r.id = text()?,
            1 => r.rule_id = string(value)?,
            2 => r.name = string(value)?,
            3 => r.description = string(value)?,
            4 => r.rule_type = string(value)?,
            5 => r.language = string(value)?,
            6 => r.query = string(value)?,
            7 => r.index = strings(value)?,
            8 => r.data_view_id = text()?,
            9 => r.filters = values(value)?,
            10 => r.severity = string(value)?,
            11 => r.risk_score = unsigned(value)?,
            12 => r.severity_mapping = list(value, severity_mapping)?,
            13 => r.risk_score_mapping = list(value, risk_score_mapping)?,
            14 => r.rule_name_override = text()?,
            15 => r.timestamp_override = text()?,
            16 => r.timestamp_override_fallback_disabled = optional(value, boolean)?,
            17 => r.interval = string(value)?,
            18 => r.from = string(value)?,
            19 => r.to = string(value)?,
            20 => r.max_signals = unsigned(value)?,
            21 => r.tags = strings(value)?,
            22 => r.version = unsigned(value)?,
            23 => r.author = strings(value)?,
            24 => r.license = text()?,
            25 => r.references = strings(value)?,
            26 => r.false_positives = strings(value)?,
            27 => r.note = text()?,
            28 => r.setup = text()?,
            29 => r.threat = list(value, threat)?,
            30 => r.building_block_type = text()?,
            31 => r.exceptions_list = values(value)?,
            32 => r.related_integrations = values(value)?,
            33 => r.required_fields = values(value)?,
            34 => r.investigation_fields = optional(value, |value| Ok(value.clone()))?,
            35 => r.enabled = boolean(value)?,
            36 => r.immutable = boolean(value)?,
            37 => r.revision = unsigned(value)?,
            38 => r.meta = optional(value, |value| Ok(value.clone()))?,
            39 => r.namespace = text()?,
            40 => r.timeline_id = text()?,
            41 => r.timeline_title = text()?,
            42 => r.created_at = text()?,
            43 => r.created_by = text()?,
            44 => r.updated_at = text()?,
            _ => r.updated_by = text()?,
        }
        Ok(())
    })?
    .finish(0)?;
    Ok(rule)
}

fn severity_mapping(value: &Value) -> Read<SeverityMapping> {
    let mut mapping = SeverityMapping {
        field: String::new(),
        operator: super::equals(),
        value: String::new(),
        severity: String::new(),
    };
    let m = &mut mapping;
    Fields::read(
        "SeverityMapping",
        &["field", "operator", "value", "severity"],
        value,
        |index, value| {
            let text = string(value)?;
            match index {
                0 => m.field = text,
                1 => m.operator = text,
                2 => m.value = text,
                _ => m.severity = text,
            }
            Ok(())
        },
    )?
    .finish(0b1001)?;
    Ok(mapping)
}

fn risk_score_mapping(value: &Value) -> Read<RiskScoreMapping> {
    let mut mapping = RiskScoreMapping {
        field: String::new(),
        operator: super::equals(),
        value: String::new(),
        risk_score: None,
    };
    let m = &mut mapping;
    Fields::read(
        "RiskScoreMapping",
        &["field", "operator", "value", "risk_score"],
        value,
        |index, value| {
            match index {
                0 => m.field = string(value)?,
                1 => m.operator = string(value)?,
                2 => m.value = string(value)?,
                _ => m.risk_score = optional(value, unsigned)?,
            }
            Ok(())
        },
    )?
    .finish(0b0001)?;
    Ok(mapping)
}

fn threat(value: &Value) -> Read<Threat> {
    let mut threat = Threat {
        framework: String::new(),
        tactic: ThreatEntry::empty(),
        technique: Vec::new(),
    };
    let t = &mut threat;
    Fields::read(
        "Threat",
        &["framework", "tactic", "technique"],
        value,
        |index, value| {
            match index {
                0 => t.framework = string(value)?,
                1 => t.tactic = threat_entry(value)?,
                _ => t.technique = list(value, technique)?,
            }
            Ok(())
        },
    )?
    .finish(0b011)?;
    Ok(threat)
}

fn threat_entry(value: &Value) -> Read<ThreatEntry> {
    let mut entry = ThreatEntry::empty();
    let e = &mut entry;
    Fields::read(
        "ThreatEntry",
        &["id", "name", "reference"],
        value,
        |index, value| {
            let text = string(value)?;
            match index {
                0 => e.id = text,
                1 => e.name = text,
                _ => e.reference = text,
            }
            Ok(())
        },
    )?
    .finish(0b111)?;
    Ok(entry)
}

fn technique(value: &Value) -> Read<Technique> {
    let mut technique = Technique {
        id: String::new(),
        name: String::new(),
        reference: String::new(),
        subtechnique: Vec::new(),
    };
    let t = &mut technique;
    Fields::read(
        "Technique",
        &["id", "name", "reference", "subtechnique"],
        value,
        |index, value| {
            match index {
                0 => t.id = string(value)?,
                1 => t.name = string(value)?,
                2 => t.reference = string(value)?,
                _ => t.subtechnique = list(value, threat_entry)?,
            }
            Ok(())
        },
    )?
    .finish(0b0111)?;
    Ok(technique)
}

impl ThreatEntry {
    fn empty() -> ThreatEntry {
        ThreatEntry {
            id: String::new(),
            name: String::new(),
            reference: String::new(),
        }
    }
}

/// serde's `Deserialize` for the rule types, for Rust callers: through a
/// `Value`, then the readers above.
macro_rules! deserialize_through_value {
    ($($type:ident => $read:ident),*) => {$(
        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$type, D::Error> {
                let value = Value::deserialize(deserializer)?;
                $read(&value).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

deserialize_through_value!(
    Rule => rule,
    SeverityMapping => severity_mapping,
    RiskScoreMapping => risk_score_mapping,
    Threat => threat,
    ThreatEntry => threat_entry,
    Technique => technique
);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::Rule;

    /// The message for a minimal valid rule with `key` set to `value`.
    fn message(key: &str, value: serde_json::Value) -> String {
        let mut rule = json!({"rule_id": "r", "name": "n", "description": "d", "severity": "low"});
        rule[key] = value;
        match Rule::from_api_json(&rule) {
            Ok(_) => "ok".to_string(),
            Err(error) => error
                .message
                .trim_start_matches("the rule does not have the rules API's shape: ")
                .to_string(),
        }
    }

    #[test]
    fn messages_are_those_serde_derived_readers_gave() {
        // Each taken from the derived reader over a `Value` (arbitrary_precision).
        let number = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        let cases = [
            ("risk_score", number("-1"), "invalid number"),
            ("risk_score", number("1.0"), "invalid number"),
            ("max_signals", number("4294967296"), "invalid number"),
            ("max_signals", number("4294967295"), "ok"),
            (
                "risk_score",
                json!("5"),
                "invalid type: string \"5\", expected u32",
            ),
            (
                "revision",
                json!(true),
                "invalid type: boolean `true`, expected u32",
            ),
            ("name", json!(-3), "invalid type: number, expected a string"),
            ("name", json!(null), "invalid type: null, expected a string"),
            (
                "query",
                json!([]),
                "invalid type: sequence, expected a string",
            ),
            (
                "interval",
                json!({}),
                "invalid type: map, expected a string",
            ),
            ("id", json!(null), "ok"),
            ("meta", json!(null), "ok"),
            (
                "tags",
                json!(null),
                "invalid type: null, expected a sequence",
            ),
            (
                "tags",
                json!([1]),
                "invalid type: number, expected a string",
            ),
            (
                "enabled",
                json!("yes"),
                "invalid type: string \"yes\", expected a boolean",
            ),
            (
                "severity_mapping",
                json!([{"field": "a"}]),
                "missing field `severity`",
            ),
            (
                "severity_mapping",
                json!([{"field": 5}]),
                "invalid type: number, expected a string",
            ),
            (
                "severity_mapping",
                json!([5]),
                "invalid type: number, expected struct SeverityMapping",
            ),
            (
                "severity_mapping",
                json!([["a", "equals", "v", "low"]]),
                "ok",
            ),
            (
                "severity_mapping",
                json!([["a"]]),
                "invalid length 3, expected struct SeverityMapping with 4 elements",
            ),
            (
                "severity_mapping",
                json!([["a", "b", "c", "low", "x"]]),
                "invalid length 5, expected fewer elements in array",
            ),
            (
                "risk_score_mapping",
                json!([{"field": "a", "risk_score": null}]),
                "ok",
            ),
            (
                "risk_score_mapping",
                json!([{"field": "a", "risk_score": -1}]),
                "invalid number",
            ),
            (
                "threat",
                json!([{"framework": "f", "tactic": {"id": "a", "name": "b"}}]),
                "missing field `reference`",
            ),
            (
                "threat",
                json!([["f", ["a", "b"]]]),
                "invalid length 2, expected struct ThreatEntry with 3 elements",
            ),
            (
                "threat",
                json!([{"tactic": {"id": "a", "name": "b", "reference": "c"}}]),
                "missing field `framework`",
            ),
        ];
        for (key, value, expected) in cases {
            assert_eq!(message(key, value.clone()), expected, "{key}: {value}");
        }
    }

    #[test]
    fn a_type_error_comes_before_a_missing_field_and_keys_are_read_in_order() {
        let rule = json!({"name": 4, "tags": 3, "threat": [{}]});
        let error = Rule::from_api_json(&rule).unwrap_err();
        assert!(error
            .message
            .ends_with("invalid type: number, expected a string"));
    }

    #[test]
    fn a_rule_as_an_array_of_its_fields_takes_defaults_for_the_rest() {
        let rule = Rule::from_api_json(&json!(["id1", "rid"])).unwrap();
        assert_eq!(rule.id.as_deref(), Some("id1"));
        assert_eq!(
            (rule.rule_id.as_str(), rule.interval.as_str()),
            ("rid", "5m")
        );
        let error = Rule::from_api_json(&json!([null, "rid", null])).unwrap_err();
        assert!(error
            .message
            .ends_with("invalid type: null, expected a string"));
        let error = Rule::from_api_json(&json!(5)).unwrap_err();
        assert!(error
            .message
            .ends_with("invalid type: number, expected struct Rule"));
    }

    #[test]
    fn the_built_in_rule_reads_back_as_written() {
        let rule = super::super::azure_external_guest_user_invitation();
        let value = serde_json::to_value(&rule).unwrap();
        assert_eq!(Rule::from_api_json(&value).unwrap(), rule);
    }
}
