//! Detection rules: what Elastic Security knows about a rule besides its query.
//!
//! The field names follow the Detection Engine API (snake_case), so a rule
//! serialises to the same shape as `kibana.alert.rule.parameters` and as the
//! rules API accepts.

use serde::Serialize;

use crate::compile::CompiledQuery;
use crate::error::Error;
use crate::kql;
use crate::schema::Schema;
use crate::time::Timestamp;

/// A detection rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
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
    /// The index patterns the rule searches.
    pub index: Vec<String>,
    /// `low`, `medium`, `high` or `critical`.
    pub severity: String,
    /// 0 to 100.
    pub risk_score: u8,
    /// How often the rule runs, e.g. `5m`.
    pub interval: String,
    /// The start of each run's window, as date math, e.g. `now-25m`.
    pub from: String,
    /// The end of each run's window, as date math.
    pub to: String,
    /// The most alerts one run may create.
    pub max_signals: u32,
    /// The field that times events for the window, instead of `@timestamp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp_override: Option<String>,
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
    /// The investigation guide or setup notes (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// MITRE ATT&CK mapping.
    pub threat: Vec<Threat>,
}

/// One MITRE ATT&CK tactic with its techniques.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Threat {
    /// Always `MITRE ATT&CK` for Elastic's rules.
    pub framework: String,
    /// The tactic.
    pub tactic: ThreatEntry,
    /// The techniques under the tactic.
    pub technique: Vec<Technique>,
}

/// A tactic, technique or sub-technique reference.
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
            rule_type: "query".to_string(),
            language: "kuery".to_string(),
            query: query.to_string(),
            index: Vec::new(),
            severity: "low".to_string(),
            risk_score: 21,
            interval: "5m".to_string(),
            from: "now-6m".to_string(),
            to: "now".to_string(),
            max_signals: 100,
            timestamp_override: None,
            tags: Vec::new(),
            version: 1,
            author: Vec::new(),
            license: None,
            references: Vec::new(),
            false_positives: Vec::new(),
            note: None,
            threat: Vec::new(),
        }
    }

    /// Parses and compiles the rule's query for `schema`, with date math relative to `now`.
    pub fn compile(&self, schema: &Schema, now: Timestamp) -> Result<CompiledQuery, Error> {
        let query = self.query.as_str();
        let ast = kql::parse(query).map_err(|error| Error::from((error, query)))?;
        CompiledQuery::compile(&ast, schema, now).map_err(|error| error.into_error(query))
    }
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
            reference: format!("https://attack.mitre.org/tactics/{id}/"),
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
        rule_type: "query".to_string(),
        language: "kuery".to_string(),
        query: "event.dataset:azure.auditlogs and azure.auditlogs.operation_name:\"Invite external user\" \
            and azure.auditlogs.properties.target_resources.*.display_name:guest \
            and event.outcome:(Success or success)"
            .to_string(),
        index: strings(&["filebeat-*", "logs-azure*"]),
        severity: "low".to_string(),
        risk_score: 21,
        interval: "5m".to_string(),
        from: "now-25m".to_string(),
        to: "now".to_string(),
        max_signals: 100,
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
    }
}
