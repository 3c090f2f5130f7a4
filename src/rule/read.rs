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
        Value::Array(items) => items.iter().map(read).collect(),
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
