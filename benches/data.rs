//! Deterministic benchmark data, written for kql-detect: ECS documents shaped
//! as Elastic's Azure integration indexes audit and sign-in logs (~1.3 KB a
//! line). Names, tenants and addresses are fictitious.
//!
//! The mix: half audit, half sign-in events; 1% of all events are
//! "Invite external user" audit events, half of which the seed rule matches
//! (the invitee displayed as `guest`). The worst case: every line an
//! invitation of a display name holding `guest`, so every line holds the
//! rule's literals and must be parsed;
//! as in the mix, 0.5% of the lines match (the alert rate stays realistic,
//! so the measure is of reading events, not of writing alerts).

/// A small deterministic generator (64-bit LCG, Knuth's constants).
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    }

    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-a{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.hex(3),
            self.hex(12)
        )
    }
}

const TENANT: &str = "8a1f5d2c-3b4e-4f60-9a7b-0c1d2e3f4a5b";
const USERS: [&str; 6] = [
    "alice.admin@contoso.onmicrosoft.com",
    "bob.ops@contoso.onmicrosoft.com",
    "carol.hr@contoso.onmicrosoft.com",
    "dave.dev@contoso.onmicrosoft.com",
    "erin.sec@contoso.onmicrosoft.com",
    "svc-sync@contoso.onmicrosoft.com",
];
const AUDIT_OPERATIONS: [&str; 8] = [
    "Update user",
    "Add member to group",
    "Update group",
    "Add user",
    "Update device",
    "Remove member from group",
    "Update application",
    "Reset password (self-service)",
];
const APPS: [&str; 5] = [
    "Azure Portal",
    "Microsoft Teams",
    "Office 365 Exchange Online",
    "Microsoft Graph",
    "Visual Studio Code",
];

/// The time of event `n`: one event every 100 ms from 2026-11-26T09:00:00Z.
fn timestamp(n: usize, lag_ms: usize) -> String {
    let millis = n * 100 + lag_ms;
    let seconds = millis / 1000;
    format!(
        "2026-11-26T{:02}:{:02}:{:02}.{:03}Z",
        9 + seconds / 3600 % 15,
        seconds / 60 % 60,
        seconds % 60,
        millis % 1000
    )
}

fn ip(random: &mut Random) -> String {
    format!("203.0.113.{}", 1 + random.below(250))
}

/// An audit-log document; `invitee` makes it an invitation of that display name.
pub fn audit_event(random: &mut Random, n: usize, invitee: Option<&str>) -> String {
    let operation = match invitee {
        Some(_) => "Invite external user",
        None => random.pick(&AUDIT_OPERATIONS),
    };
    let target = invitee.map_or_else(|| format!("User {}", random.hex(6)), str::to_string);
    let user = random.pick(&USERS);
    let address = ip(random);
    let correlation = random.uuid();
    let user_id = random.uuid();
    let target_id = random.uuid();
    format!(
        concat!(
            r#"{{"@timestamp":"{time}","azure":{{"auditlogs":{{"category":"AuditLogs","identity":"Directory Admin","level":4,"#,
            r#""operation_name":"{operation}","operation_version":"1.0","properties":{{"id":"Directory_{correlation}_{n}","#,
            r#""category":"UserManagement","correlation_id":"{correlation}","activity_display_name":"{operation}","#,
            r#""logged_by_service":"Core Directory","operation_type":"Update","result_reason":"","#,
            r#""initiated_by":{{"user":{{"id":"{user_id}","ipAddress":"{address}","userPrincipalName":"{user}"}}}},"#,
            r#""target_resources":{{"0":{{"display_name":"{target}","id":"{target_id}","type":"User","user_principal_name":"x{n}@contoso.onmicrosoft.com"}}}}}},"#,
            r#""result_signature":"None"}},"correlation_id":"{correlation}","tenant_id":"{tenant}"}},"#,
            r#""client":{{"ip":"{address}"}},"cloud":{{"provider":"azure"}},"#,
            r#""data_stream":{{"dataset":"azure.auditlogs","namespace":"default","type":"logs"}},"#,
            r#""event":{{"action":"{operation}","dataset":"azure.auditlogs","duration":0,"ingested":"{ingested}","kind":"event","module":"azure","outcome":"success"}},"#,
            r#""source":{{"ip":"{address}"}},"user":{{"id":"{user_id}","name":"{user}"}}}}"#
        ),
        time = timestamp(n, 0),
        ingested = timestamp(n, 7_000),
        operation = operation,
        correlation = correlation,
        n = n,
        user_id = user_id,
        address = address,
        user = user,
        target = target,
        target_id = target_id,
        tenant = TENANT,
    )
}

/// A sign-in document.
pub fn signin_event(random: &mut Random, n: usize) -> String {
    let user = random.pick(&USERS);
    let app = random.pick(&APPS);
    let address = ip(random);
    let failed = random.below(10) == 0;
    let (outcome, code) = if failed {
        ("failure", 50126)
    } else {
        ("success", 0)
    };
    let correlation = random.uuid();
    let user_id = random.uuid();
    format!(
        concat!(
            r#"{{"@timestamp":"{time}","azure":{{"signinlogs":{{"category":"SignInLogs","identity":"{user}","operation_name":"Sign-in activity","#,
            r#""properties":{{"app_display_name":"{app}","client_app_used":"Browser","correlation_id":"{correlation}","#,
            r#""id":"{correlation}","is_interactive":true,"risk_state":"none","#,
            r#""status":{{"error_code":{code}}},"user_display_name":"User {n}","user_id":"{user_id}","user_principal_name":"{user}","user_type":"Member"}},"#,
            r#""result_signature":"None","result_type":"{code}"}},"correlation_id":"{correlation}","tenant_id":"{tenant}"}},"#,
            r#""client":{{"ip":"{address}"}},"cloud":{{"provider":"azure"}},"#,
            r#""data_stream":{{"dataset":"azure.signinlogs","namespace":"default","type":"logs"}},"#,
            r#""event":{{"action":"Sign-in activity","category":["authentication"],"dataset":"azure.signinlogs","duration":0,"ingested":"{ingested}","kind":"event","module":"azure","outcome":"{outcome}","type":["info"]}},"#,
            r#""source":{{"ip":"{address}"}},"user":{{"id":"{user_id}","name":"{user}"}},"#,
            r#""user_agent":{{"original":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/120.0.0.0"}}}}"#
        ),
        time = timestamp(n, 0),
        ingested = timestamp(n, 5_000),
        user = user,
        app = app,
        correlation = correlation,
        code = code,
        n = n,
        user_id = user_id,
        tenant = TENANT,
        address = address,
        outcome = outcome,
    )
}

/// `count` lines of the realistic mix (NDJSON, newline-terminated).
pub fn mix(count: usize) -> String {
    let mut random = Random::new(2026);
    let mut text = String::new();
    for n in 0..count {
        let line = match n % 100 {
            37 if (n / 100) % 2 == 0 => audit_event(&mut random, n, Some("guest")),
            37 => audit_event(&mut random, n, Some("Bob Fabrikam")),
            k if k % 2 == 0 => audit_event(&mut random, n, None),
            _ => signin_event(&mut random, n),
        };
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// `count` lines that are all invitations: every line a candidate, 0.5% matching.
/// The others invite `guest (Fabrikam)`, so that they too hold every literal
/// the seed rule requires and must be read to be told apart.
pub fn worst(count: usize) -> String {
    let mut random = Random::new(7);
    let mut text = String::new();
    for n in 0..count {
        let invitee = if n % 200 == 37 {
            "guest"
        } else {
            "guest (Fabrikam)"
        };
        text.push_str(&audit_event(&mut random, n, Some(invitee)));
        text.push('\n');
    }
    text
}
