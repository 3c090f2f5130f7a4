//! Detection rules: what Elastic Security knows about a rule besides its query.
//!
//! The model is the Detection Engine API's rule shape (snake_case, as
//! `detection-rules view-rule --api-format` prints it and the rules API
//! accepts it), with Kibana's defaults for what a rule leaves out. Loaders for
//! detection-rules TOML, API JSON and Kibana's export NDJSON are in [`load`].

pub mod index;
pub mod load;
mod read;
mod toml;

use serde::Serialize;
use serde_json::Value;

use crate::compile::CompiledQuery;
use crate::date::{self, Instant, Resolution, Rounding};
use crate::error::{Error, ErrorType};
use crate::kql;
use crate::schema::Schema;
use crate::time::Timestamp;

/// A detection rule, in the Detection Engine API's shape.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    /// The rule's saved-object id in Kibana (`kibana.alert.rule.uuid`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The stable rule identifier shared by every version of the rule.
    pub rule_id: String,
    /// The rule's name, shown on every alert.
    pub name: String,
    /// What the rule detects.
    pub description: String,
    /// The rule type; `query` for KQL query rules.
    #[serde(rename = "type")]
    pub rule_type: String,
    /// The query language; `kuery` is KQL.
    pub language: String,
    /// The KQL query.
    pub query: String,
    /// The index patterns the rule searches (empty: every index).
    pub index: Vec<String>,
    /// A Kibana data view used instead of index patterns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_view_id: Option<String>,
    /// Extra Elasticsearch filters (query DSL) added to the query.
    pub filters: Vec<Value>,
    /// `low`, `medium`, `high` or `critical`.
    pub severity: String,
    /// 0 to 100.
    pub risk_score: u32,
    /// Severity overrides taken from event fields.
    pub severity_mapping: Vec<SeverityMapping>,
    /// Risk-score overrides taken from event fields.
    pub risk_score_mapping: Vec<RiskScoreMapping>,
    /// An event field whose value names the alert instead of the rule's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_name_override: Option<String>,
    /// The field that times events for the window, instead of `@timestamp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp_override: Option<String>,
    /// True when events without `timestamp_override` must not fall back to `@timestamp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp_override_fallback_disabled: Option<bool>,
    /// How often the rule runs, e.g. `5m`.
    pub interval: String,
    /// The start of each run's window, as date math, e.g. `now-6m`.
    pub from: String,
    /// The end of each run's window, as date math.
    pub to: String,
    /// The most alerts one run may create.
    pub max_signals: u32,
    /// Free-form labels.
    pub tags: Vec<String>,
    /// The rule's version.
    pub version: u32,
    /// Who wrote the rule.
    pub author: Vec<String>,
    /// The rule's licence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Background links.
    pub references: Vec<String>,
    /// Known benign causes.
    pub false_positives: Vec<String>,
    /// The investigation guide (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Setup instructions (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup: Option<String>,
    /// MITRE ATT&CK mapping.
    pub threat: Vec<Threat>,
    /// `default` for building-block rules, whose alerts are hidden by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub building_block_type: Option<String>,
    /// Exception lists attached to the rule.
    pub exceptions_list: Vec<Value>,
    /// Integrations the rule expects.
    pub related_integrations: Vec<Value>,
    /// Fields the rule expects.
    pub required_fields: Vec<Value>,
    /// Fields the alert flyout highlights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub investigation_fields: Option<Value>,
    /// Whether the rule runs.
    pub enabled: bool,
    /// True for Elastic's prebuilt rules.
    pub immutable: bool,
    /// How many times the rule was edited in Kibana.
    pub revision: u32,
    /// Free-form metadata Kibana keeps with the rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    /// The alerts index namespace the rule writes to, when not the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The Timeline template investigations open with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline_id: Option<String>,
    /// The Timeline template's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline_title: Option<String>,
    /// When and by whom the rule was created and last changed in Kibana (exports carry these).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// See `created_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// See `created_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// See `created_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
}

impl Default for Rule {
    /// Kibana's defaults for what a rule leaves out.
    fn default() -> Rule {
        Rule {
            id: None,
            rule_id: String::new(),
            name: String::new(),
            description: String::new(),
            rule_type: "query".to_string(),
            language: "kuery".to_string(),
            query: String::new(),
            index: Vec::new(),
            data_view_id: None,
            filters: Vec::new(),
            severity: String::new(),
            risk_score: 0,
            severity_mapping: Vec::new(),
            risk_score_mapping: Vec::new(),
            rule_name_override: None,
            timestamp_override: None,
            timestamp_override_fallback_disabled: None,
            interval: "5m".to_string(),
            from: "now-6m".to_string(),
            to: "now".to_string(),
            max_signals: 100,
            tags: Vec::new(),
            version: 1,
            author: Vec::new(),
            license: None,
            references: Vec::new(),
            false_positives: Vec::new(),
            note: None,
            setup: None,
            threat: Vec::new(),
            building_block_type: None,
            exceptions_list: Vec::new(),
            related_integrations: Vec::new(),
            required_fields: Vec::new(),
            investigation_fields: None,
            enabled: true,
            immutable: false,
            revision: 0,
            meta: None,
            namespace: None,
            timeline_id: None,
            timeline_title: None,
            created_at: None,
            created_by: None,
            updated_at: None,
            updated_by: None,
        }
    }
}

/// One severity override: when `field` equals `value`, the alert gets `severity`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeverityMapping {
    /// The event field to read.
    pub field: String,
    /// Always `equals`.
    pub operator: String,
    /// The value that triggers the override.
    pub value: String,
    /// The severity to use.
    pub severity: String,
}

/// One risk-score override: the alert's risk score is read from `field`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskScoreMapping {
    /// The event field to read.
    pub field: String,
    /// Always `equals`.
    pub operator: String,
    /// Unused by Kibana (kept as given).
    pub value: String,
    /// Unused by Kibana (kept as given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_score: Option<u32>,
}

fn equals() -> String {
    "equals".to_string()
}

/// One MITRE ATT&CK tactic with its techniques.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Threat {
    /// `MITRE ATT&CK` for Elastic's rules.
    pub framework: String,
    /// The tactic.
    pub tactic: ThreatEntry,
    /// The techniques under the tactic.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub technique: Vec<Technique>,
}

/// A tactic or sub-technique reference.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThreatEntry {
    /// e.g. `TA0001`.
    pub id: String,
    /// e.g. `Initial Access`.
    pub name: String,
    /// The ATT&CK page.
    pub reference: String,
}

/// A technique and its sub-techniques.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Technique {
    /// e.g. `T1078`.
    pub id: String,
    /// e.g. `Valid Accounts`.
    pub name: String,
    /// The ATT&CK page.
    pub reference: String,
    /// Sub-techniques, if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subtechnique: Vec<ThreatEntry>,
}

/// The severities Kibana accepts.
pub const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];

impl Rule {
    /// A rule that runs an ad-hoc KQL query, with Kibana's defaults for everything else.
    ///
    /// Its `rule_id` is `ad-hoc-<number>` and its name is the query itself, so
    /// that alerts say which query fired.
    pub fn ad_hoc(number: usize, query: &str) -> Rule {
        Rule {
            rule_id: format!("ad-hoc-{number}"),
            name: query.to_string(),
            description: "An ad-hoc KQL query".to_string(),
            query: query.to_string(),
            severity: "low".to_string(),
            risk_score: 21,
            ..Rule::default()
        }
    }

    /// The rule's saved-object id (`kibana.alert.rule.uuid`): its `id` when it
    /// came from Kibana, else a stable UUID derived from `rule_id`, so alert ids
    /// stay the same from run to run.
    pub fn uuid(&self) -> String {
        match &self.id {
            Some(id) if !id.is_empty() => id.clone(),
            _ => crate::ids::name_uuid(&format!("kql-detect rule {}", self.rule_id)),
        }
    }

    /// Why kql-detect cannot run this rule faithfully, if it cannot.
    pub fn unsupported_reason(&self) -> Option<String> {
        if self.rule_type != "query" {
            return Some(format!(
                "{} rules are not supported: kql-detect runs KQL query rules",
                self.rule_type
            ));
        }
        if self.language != "kuery" {
            return Some(format!(
                "{} queries are not supported: kql-detect runs KQL (kuery)",
                self.language
            ));
        }
        if !self.filters.is_empty() {
            return Some("filters (Elasticsearch query DSL) are not supported".to_string());
        }
        None
    }

    /// The schedule's period in milliseconds: `interval` is a positive number
    /// and a unit, `s`, `m`, `h` or `d`, as the rules API accepts it.
    pub fn interval_millis(&self) -> Option<i64> {
        let unit_start = self.interval.len().checked_sub(1)?;
        let (number, unit) = self.interval.split_at(unit_start);
        let unit_millis = match unit {
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return None,
        };
        let digits_only = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
        let count: i64 = number.parse().ok().filter(|_| digits_only)?;
        count.checked_mul(unit_millis).filter(|millis| *millis > 0)
    }

    /// The window an execution at `time` (milliseconds) searches, both ends
    /// inclusive: `from` and `to` as date math relative to `time`, each rounded
    /// down (Kibana's `getRuleRangeTuples` parses both with `dateMath.parse`
    /// and no `roundUp`; the search then uses `gte from`, `lte to`).
    pub fn window_at(&self, time: i64) -> Result<(i64, i64), Error> {
        let now = Instant::from_millis(time);
        let bound = |text: &str| {
            date::parse_query(text, now, Rounding::Down, Resolution::Milliseconds)
                .map(|instant| instant.0.div_euclid(1_000_000) as i64)
                .map_err(|error| {
                    Error::new(
                        ErrorType::RuleInvalid,
                        "invalid_date_math",
                        format!("rule {}: {error}", self.rule_id),
                    )
                })
        };
        Ok((bound(&self.from)?, bound(&self.to)?))
    }

    /// Checks what Kibana's rules API would refuse.
    pub fn validate(&self) -> Result<(), String> {
        let required = [
            ("rule_id", &self.rule_id),
            ("name", &self.name),
            ("description", &self.description),
            ("severity", &self.severity),
        ];
        if let Some((field, _)) = required.iter().find(|(_, value)| value.is_empty()) {
            return Err(format!("the rule has no `{field}`"));
        }
        if !SEVERITIES.contains(&self.severity.as_str()) {
            return Err(format!(
                "severity must be one of low, medium, high, critical, not `{}`",
                self.severity
            ));
        }
        if self.risk_score > 100 {
            return Err(format!(
                "risk_score must be 0 to 100, not {}",
                self.risk_score
            ));
        }
        if self.max_signals == 0 {
            return Err("max_signals must be at least 1".to_string());
        }
        if self.interval_millis().is_none() {
            return Err(format!(
                "interval must be a number and a unit s, m, h or d (such as 5m), not `{}`",
                self.interval
            ));
        }
        if let Some(mapping) = self
            .severity_mapping
            .iter()
            .find(|mapping| !SEVERITIES.contains(&mapping.severity.as_str()))
        {
            return Err(format!(
                "severity_mapping for `{}` names an unknown severity `{}`",
                mapping.field, mapping.severity
            ));
        }
        Ok(())
    }

    /// Parses and compiles the rule's query for `schema`, with date math relative to `now`.
    pub fn compile(&self, schema: &Schema, now: Timestamp) -> Result<CompiledQuery, Error> {
        let query = self.query.as_str();
        let ast = kql::parse(query).map_err(|error| Error::from((error, query)))?;
        CompiledQuery::compile(&ast, schema, now).map_err(|error| error.into_error(query))
    }

    /// The rule from its API JSON shape (unknown keys, such as `created_at`, are ignored).
    pub fn from_api_json(value: &Value) -> Result<Rule, Error> {
        read::rule(value).map_err(|error| {
            Error::new(
                ErrorType::RuleInvalid,
                "malformed_rule",
                format!("the rule does not have the rules API's shape: {error}"),
            )
        })
    }
}

/// MITRE's page for a tactic. Built by pushing rather than `format!`: the
/// seed rule's path then runs none of the formatting machinery, which
/// start-up would otherwise compile.
fn tactic_reference(id: &str) -> String {
    let mut reference = String::from("https://attack.mitre.org/tactics/");
    reference.push_str(id);
    reference.push('/');
    reference
}

/// The built-in rule: Elastic's prebuilt "Azure External Guest User Invitation",
/// version 7 (prebuilt rules package 8.2.1), as Kibana ran it.
///
/// Rule content © Elasticsearch B.V., Elastic License v2; see `NOTICE`.
pub fn azure_external_guest_user_invitation() -> Rule {
    let strings = |items: &[&str]| items.iter().map(|item| item.to_string()).collect();
    let valid_accounts = || Technique {
        id: "T1078".to_string(),
        name: "Valid Accounts".to_string(),
        reference: "https://attack.mitre.org/techniques/T1078/".to_string(),
        subtechnique: Vec::new(),
    };
    let tactic = |id: &str, name: &str| Threat {
        framework: "MITRE ATT&CK".to_string(),
        tactic: ThreatEntry {
            id: id.to_string(),
            name: name.to_string(),
            reference: tactic_reference(id),
        },
        technique: vec![valid_accounts()],
    };
    Rule {
        rule_id: "141e9b3a-ff37-4756-989d-05d7cbf35b0e".to_string(),
        name: "Azure External Guest User Invitation".to_string(),
        description: "Identifies an invitation to an external user in Azure Active Directory (AD). \
            Azure AD is extended to include collaboration, allowing you to invite people from outside \
            your organization to be guest users in your cloud account. Unless there is a business need \
            to provision guest access, it is best practice avoid creating guest users. Guest users could \
            potentially be overlooked indefinitely leading to a potential vulnerability."
            .to_string(),
        query: "event.dataset:azure.auditlogs and azure.auditlogs.operation_name:\"Invite external user\" \
            and azure.auditlogs.properties.target_resources.*.display_name:guest \
            and event.outcome:(Success or success)"
            .to_string(),
        index: strings(&["filebeat-*", "logs-azure*"]),
        severity: "low".to_string(),
        risk_score: 21,
        from: "now-25m".to_string(),
        timestamp_override: Some("event.ingested".to_string()),
        tags: strings(&[
            "Elastic",
            "Cloud",
            "Azure",
            "Continuous Monitoring",
            "SecOps",
            "Identity and Access",
        ]),
        version: 7,
        author: strings(&["Elastic"]),
        license: Some("Elastic License v2".to_string()),
        references: strings(&[
            "https://docs.microsoft.com/en-us/azure/governance/policy/samples/cis-azure-1-1-0",
        ]),
        false_positives: strings(&[
            "Guest user invitations may be sent out by a system or network administrator. Verify whether \
            the username, hostname, and/or resource name should be making changes in your environment. \
            Guest user invitations from unfamiliar users or hosts should be investigated. If known behavior \
            is causing false positives, it can be exempted from the rule.",
        ]),
        note: Some(
            "## Setup\n\nThe Azure Fleet integration, Filebeat module, or similarly structured data is \
            required to be compatible with this rule."
                .to_string(),
        ),
        threat: vec![tactic("TA0001", "Initial Access"), tactic("TA0003", "Persistence")],
        immutable: true,
        ..Rule::default()
    }
}
