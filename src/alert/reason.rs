//! `kibana.alert.reason`: Kibana's one-sentence summary of an alert.
//!
//! Kibana builds it from ten event fields with one message template
//! (`buildReasonMessageUtil` in `rule_types/utils/reason_formatters.ts`):
//!
//! ```text
//! [<event.category> ]event[ with][ process P,][ parent process PP,][ file F,]
//! [ source IP][:PORT,][ destination IP][:PORT,][ by USER][ on HOST] created <severity> alert <name>.
//! ```
//!
//! Each part appears only when its field has a value; a field's values are
//! joined with ", " (Kibana reads them from the search hit's `fields`, where
//! every value is an array), and a field holding only `"-"` counts as absent.
//! The odd punctuation (a comma after a port but not after a bare IP, a comma
//! left before " created") is Kibana's and is kept so reasons compare equal.

use crate::event::{Event, JsonEvent, Scalar};

/// The reason for an alert on `event` from a rule named `rule_name` at `severity`.
pub fn reason(event: &JsonEvent<'_>, rule_name: &str, severity: &str) -> String {
    let field = |path: &str| field_text(event, path);
    let category = field("event.category");
    let details = [
        field("process.name").map(|name| format!(" process {name},")),
        field("process.parent.name").map(|name| format!(" parent process {name},")),
        field("file.name").map(|name| format!(" file {name},")),
        address(field("source.ip"), field("source.port"), "source"),
        address(
            field("destination.ip"),
            field("destination.port"),
            "destination",
        ),
    ];
    let mut text = String::new();
    if let Some(category) = category {
        text.push_str(&category);
        text.push(' ');
    }
    text.push_str("event");
    if details.iter().any(Option::is_some) {
        text.push_str(" with");
    }
    for detail in details.into_iter().flatten() {
        text.push_str(&detail);
    }
    if let Some(user) = field("user.name") {
        text.push_str(&format!(" by {user}"));
    }
    if let Some(host) = field("host.name") {
        text.push_str(&format!(" on {host}"));
    }
    text.push_str(&format!(" created {severity} alert {rule_name}."));
    text
}

/// ` source 1.2.3.4:443,` and its partial forms: ` source 1.2.3.4`, `:443,`.
fn address(ip: Option<String>, port: Option<String>, side: &str) -> Option<String> {
    match (ip, port) {
        (None, None) => None,
        (ip, port) => {
            let ip = ip.map_or(String::new(), |ip| format!(" {side} {ip}"));
            let port = port.map_or(String::new(), |port| format!(":{port},"));
            Some(ip + &port)
        }
    }
}

/// The field's values joined by ", ", or `None` when it has none (or only "-").
fn field_text(event: &JsonEvent<'_>, path: &str) -> Option<String> {
    let mut values = Vec::new();
    event.any_value(path, &mut |value| {
        values.push(match value {
            Scalar::Text(text) | Scalar::Number(text) => text.to_string(),
            Scalar::Boolean(flag) => flag.to_string(),
        });
        false
    });
    if values.is_empty() || values == ["-"] {
        return None;
    }
    Some(values.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn reason_for(event: Value) -> String {
        reason(&JsonEvent(&event), "my-rule", "medium")
    }

    #[test]
    fn kibanas_own_snapshots() {
        // reason_formatter.test.ts: the inline snapshots for a full document and
        // for one with only a category and a user.
        let full = json!({
            "event": {"category": "test"},
            "process": {"name": "doingThings.exe", "parent": {"name": "didThings.exe"}},
            "file": {"name": "sample"},
            "source": {"ip": "1.11.11.1", "port": 1234},
            "destination": {"ip": "9.99.99.9", "port": 6789},
            "user": {"name": "test-user"},
            "host": {"name": "host"},
        });
        assert_eq!(
            reason_for(full),
            "test event with process doingThings.exe, parent process didThings.exe, file sample, \
             source 1.11.11.1:1234, destination 9.99.99.9:6789, by test-user on host created \
             medium alert my-rule."
        );
        assert_eq!(
            reason_for(json!({"event.category": "test", "user.name": "test-user"})),
            "test event by test-user created medium alert my-rule."
        );
    }

    #[test]
    fn missing_parts_and_kibanas_punctuation() {
        assert_eq!(reason_for(json!({})), "event created medium alert my-rule.");
        assert_eq!(
            reason_for(json!({"source": {"ip": "1.2.3.4"}, "user": {"name": "bob"}})),
            "event with source 1.2.3.4 by bob created medium alert my-rule."
        );
        assert_eq!(
            reason_for(json!({"source": {"port": 1234}})),
            "event with:1234, created medium alert my-rule."
        );
        assert_eq!(
            reason_for(json!({"event": {"category": ["iam", "configuration"]}, "host.name": "-"})),
            "iam, configuration event created medium alert my-rule."
        );
    }
}
