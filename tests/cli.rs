//! The `kql-detect` binary, run as a user runs it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../benches/data.rs"]
#[allow(dead_code)] // this test uses only the mix
mod data;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn kql_detect(arguments: &[&str], stdin: &str) -> Output {
    kql_detect_bytes(arguments, stdin.as_bytes())
}

fn kql_detect_bytes(arguments: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kql-detect"))
        .args(arguments)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin)
        .expect("stdin accepts input");
    child.wait_with_output().expect("the binary finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn alerts(output: &Output) -> Vec<serde_json::Value> {
    text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each stdout line is one JSON alert"))
        .collect()
}

const INVITE: &str = r#"{"@timestamp":"2026-11-26T09:02:11.418Z","event":{"dataset":"azure.auditlogs","outcome":"success"},"azure":{"auditlogs":{"operation_name":"Invite external user","properties":{"target_resources":{"0":{"display_name":"guest"}}}}}}"#;

/// Another invitation (another time, so another event and another alert).
const LATER_INVITE: &str = r#"{"@timestamp":"2026-11-26T10:15:00.000Z","event":{"dataset":"azure.auditlogs","outcome":"success"},"azure":{"auditlogs":{"operation_name":"Invite external user","properties":{"target_resources":{"0":{"display_name":"guest"}}}}}}"#;

#[test]
fn the_sample_yields_four_alerts_from_the_built_in_rule() {
    let output = kql_detect(
        &[
            "examples/azure-auditlogs.ndjson",
            "--now",
            "2026-11-26T12:00:00Z",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let alerts = alerts(&output);
    let times: Vec<&str> = alerts
        .iter()
        .map(|alert| alert["kibana"]["alert"]["original_time"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "2026-11-26T09:02:11.418Z",
            "2026-11-26T10:40:18.250Z",
            // Line 9, a raw Azure record, normalised as Elastic's integration would.
            "2026-11-26T10:52:09.661Z",
            "2026-11-26T11:05:47.332Z"
        ]
    );
    for alert in &alerts {
        assert_eq!(alert["@timestamp"], "2026-11-26T12:00:00.000Z");
        assert_eq!(alert["event"]["kind"], "signal");
        assert_eq!(
            alert["kibana"]["alert"]["rule"]["rule_id"],
            "141e9b3a-ff37-4756-989d-05d7cbf35b0e"
        );
        assert_eq!(alert["kibana"]["alert"]["rule"]["from"], "now-25m");
        assert_eq!(alert["kibana"]["alert"]["rule"]["max_signals"], 100);
        assert_eq!(
            alert["kibana"]["alert"]["rule"]["timestamp_override"],
            "event.ingested"
        );
        assert_eq!(
            alert["kibana"]["alert"]["rule"]["parameters"]["index"],
            serde_json::json!(["filebeat-*", "logs-azure*"])
        );
    }
    assert_eq!(
        text(&output.stderr),
        "events 12, alerts 4, invalid 0; lines 12: 12 with events, 0 invalid, 0 empty, 0 blank\n"
    );
}

#[test]
fn stdin_is_read_when_no_file_is_given() {
    let output = kql_detect(&[], &format!("{INVITE}\n"));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(alerts(&output).len(), 1);
    let output = kql_detect(&["-"], &format!("[{INVITE}, {LATER_INVITE}]"));
    assert_eq!(alerts(&output).len(), 2);
}

#[test]
fn invalid_lines_are_reported_and_the_rest_is_processed() {
    let input = format!("{INVITE}\n{{\"a\":\n\n[1]\n{LATER_INVITE}\n");
    let output = kql_detect(&[], &input);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(alerts(&output).len(), 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "error: malformed JSON: EOF while parsing a value\n --> stdin, line 2, column 6\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("error: an event must be a JSON object, not an array\n --> stdin, line 4\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "events 2, alerts 2, invalid 2; lines 5: 2 with events, 2 invalid, 0 empty, 1 blank\n"
        ),
        "{stderr}"
    );
}

#[test]
fn ad_hoc_queries_and_field_types() {
    let field_types =
        std::env::temp_dir().join(format!("kql-detect-cli-{}.json", std::process::id()));
    std::fs::write(
        &field_types,
        r#"{"event.action":"keyword","azure.auditlogs.level":"float"}"#,
    )
    .unwrap();
    let output = kql_detect(
        &[
            "examples/azure-auditlogs.ndjson",
            "--field-types",
            field_types.to_str().unwrap(),
            "--query",
            "event.action:\"Add user\"",
            "--query",
            "azure.auditlogs.level >= 4",
            "--query",
            "user.name:*",
        ],
        "",
    );
    std::fs::remove_file(&field_types).ok();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let names: Vec<String> = alerts(&output)
        .iter()
        .map(|alert| {
            alert["kibana"]["alert"]["rule"]["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names
            .iter()
            .filter(|name| *name == "event.action:\"Add user\"")
            .count(),
        1
    );
    assert_eq!(
        names
            .iter()
            .filter(|name| *name == "azure.auditlogs.level >= 4")
            .count(),
        // Eight ECS documents, and line 9's raw record once normalised.
        9
    );
    // user.name is not in the mapping, so it matches nothing.
    assert_eq!(
        names.iter().filter(|name| *name == "user.name:*").count(),
        0
    );
}

#[test]
fn bad_queries_exit_2_with_a_caret() {
    let output = kql_detect(&["--query", "a:1 and (b:2"], "");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "error: expected `)`, `and` or `or`, found the end of the query\n --> query 1, line 1, column 13\n  |\n1 | a:1 and (b:2\n  |             ^\n"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(kql_detect(&["--no-such-flag"], "").status.code(), Some(2));
    assert_eq!(
        kql_detect(&["--now", "yesterday"], "").status.code(),
        Some(2)
    );
    assert_eq!(
        kql_detect(&["missing-file.ndjson"], "").status.code(),
        Some(2)
    );
    let output = kql_detect(&["--field-types", "missing-field-types.json"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot read missing-field-types.json"));
    assert_eq!(kql_detect(&["--help"], "").status.code(), Some(0));
}

#[test]
fn explain_prints_each_clause_with_the_fields_it_read() {
    let event = INVITE.replace("\"guest\"", "\"Zeus Theboss\"");
    let output = kql_detect(&["--explain"], &format!("{event}\n"));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("stdin, line 1:\nrule \"Azure External Guest User Invitation\""),
        "{stdout}"
    );
    assert!(stdout.contains("does not match"), "{stdout}");
    assert!(
        stdout.contains(
            "✗ fields azure.auditlogs.properties.target_resources.*.display_name:guest\n        azure.auditlogs.properties.target_resources.0.display_name [keyword] term \"guest\": \"Zeus Theboss\"\n"
        ),
        "{stdout}"
    );
    let json = kql_detect(&["--explain=json"], &format!("{INVITE}\n"));
    let explanation: serde_json::Value =
        serde_json::from_slice(&json.stdout).expect("one JSON object");
    assert_eq!(explanation["matched"], true);
    assert_eq!(explanation["rules"][0]["clause"]["kind"], "and");
}

#[test]
fn extra_field_types_extend_the_builtin_mapping() {
    let extra = std::env::temp_dir().join(format!("kql-detect-extra-{}.json", std::process::id()));
    std::fs::write(&extra, r#"{"custom.port":"long"}"#).unwrap();
    let event = r#"{"custom":{"port":"8080"},"event":{"outcome":"success"}}"#;
    let query = "custom.port >= 1024 and event.outcome:success";
    let extended = kql_detect(
        &[
            "--extra-field-types",
            extra.to_str().unwrap(),
            "--query",
            query,
        ],
        event,
    );
    let replaced = kql_detect(
        &["--field-types", extra.to_str().unwrap(), "--query", query],
        event,
    );
    std::fs::remove_file(&extra).ok();
    assert_eq!(alerts(&extended).len(), 1, "{}", text(&extended.stderr));
    assert_eq!(
        alerts(&replaced).len(),
        0,
        "event.outcome is unmapped in a complete mapping that lacks it"
    );
}

#[test]
fn now_anchors_date_math() {
    let event = r#"{"@timestamp":"2026-11-26T23:30:00Z"}"#;
    let recent = kql_detect(
        &[
            "--query",
            "@timestamp >= now-1h",
            "--now",
            "2026-11-27T00:00:00Z",
        ],
        event,
    );
    assert_eq!(alerts(&recent).len(), 1);
    let stale = kql_detect(
        &[
            "--query",
            "@timestamp >= now-1h",
            "--now",
            "2026-11-27T06:00:00Z",
        ],
        event,
    );
    assert_eq!(alerts(&stale).len(), 0);
}

#[test]
fn a_repeated_event_alerts_once() {
    // A shipper retrying a batch: the same events again give the same alert
    // ids, which the stream remembers (Kibana's filter_duplicate_alerts.ts).
    let output = kql_detect(
        &[
            "examples/azure-auditlogs.ndjson",
            "examples/azure-auditlogs.ndjson",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stderr),
        "events 24, alerts 4, invalid 0; lines 24: 24 with events, 0 invalid, 0 empty, 0 blank\n"
    );
}

#[test]
fn replay_runs_the_schedule_and_reports_the_cap() {
    // 150 matches in one minute; an ad-hoc rule runs every 5m over now-6m with
    // at most 100 alerts: 100 at 09:01 (with Kibana's warning), 50 at 09:06.
    let input: String = (0..150)
        .map(|n| {
            format!(
                "{{\"@timestamp\":\"2026-11-26T09:00:{:02}.{:03}Z\",\"event\":{{\"action\":\"Add user\",\"sequence\":{n}}}}}\n",
                n * 400 / 1000,
                n * 400 % 1000
            )
        })
        .collect();
    let summary =
        std::env::temp_dir().join(format!("kql-detect-replay-{}.json", std::process::id()));
    let output = kql_detect(
        &[
            "replay",
            "--query",
            "event.action:\"Add user\"",
            "--start",
            "2026-11-26T09:01:00Z",
            "--end",
            "2026-11-26T09:06:00Z",
            "--summary",
            summary.to_str().unwrap(),
        ],
        &input,
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(alerts(&output).len(), 150);
    assert_eq!(
        stderr,
        "warning: rule ad-hoc-1 at 2026-11-26T09:01:00.000Z: This rule reached the maximum \
         alert limit for the rule execution. Some alerts were not created. (50 matches not alerted)\n\
         events 150, executions 2, alerts 150, deduplicated 100, truncated 50, gaps 0, invalid 0\n"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(summary["executions"][1]["created"], 50);
}

#[test]
fn rule_tests_pass_on_the_example_repository() {
    let output = kql_detect(&["test", "examples/rules"], "");
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(
        stdout.starts_with("PASS Entra ID Guest Invitation (Any Name)"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("rules 1, passed 1, failed 0, without samples 0\n"),
        "{stdout}"
    );
}

#[test]
fn rule_tests_on_a_corpus_rule_with_samples_kept_elsewhere() {
    let rule = "../shared/corpus/detection-rules-azure/initial_access_entra_id_external_guest_user_invite.toml";
    if !std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rule)
        .is_file()
    {
        eprintln!("SKIPPED: ../shared/corpus is absent, so the corpus rule test was not run");
        return;
    }
    let output = kql_detect(&["test", rule, "--samples", "tests/rule-samples"], "");
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("PASS Entra ID External Guest User Invited"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 positive, 3 negative samples"),
        "{stdout}"
    );
}

#[test]
fn a_failing_sample_fails_the_run_with_its_explanation() {
    let directory =
        std::env::temp_dir().join(format!("kql-detect-rule-tests-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    std::fs::copy(
        "examples/rules/guest_invitation_any_name.toml",
        directory.join("guest.toml"),
    )
    .unwrap();
    // A positive sample that cannot match: the operation is another one.
    std::fs::write(
        directory.join("guest.positive.ndjson"),
        "{\"event\":{\"dataset\":\"azure.auditlogs\",\"outcome\":\"success\"},\"azure\":{\"auditlogs\":{\"operation_name\":\"Add user\"}}}\n",
    )
    .unwrap();
    std::fs::write(
        directory.join("lonely.toml"),
        std::fs::read_to_string("examples/rules/guest_invitation_any_name.toml")
            .unwrap()
            .replace(
                "5b0b8f9e-2d4a-4c61-9a57-0e3c2f1d7a10",
                "5b0b8f9e-2d4a-4c61-9a57-0e3c2f1d7a11",
            ),
    )
    .unwrap();
    let path = directory.to_str().unwrap();

    let output = kql_detect(&["test", path], "");
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAIL Entra ID Guest Invitation (Any Name)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("guest.positive.ndjson, line 1: expected alert, got no alert"),
        "{stdout}"
    );
    assert!(
        stdout.contains("✗ field azure.auditlogs.operation_name:\"Invite external user\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("SKIP"),
        "the rule without samples is skipped: {stdout}"
    );

    let output = kql_detect(&["test", path, "--format", "json"], "");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["totals"],
        serde_json::json!({"passed": 0, "failed": 1, "no_samples": 1})
    );
    assert_eq!(report["rules"][0]["failures"][0]["expected"], "alert");

    let output = kql_detect(&["test", path, "--format", "junit"], "");
    let junit = text(&output.stdout);
    assert!(
        junit.contains("<testsuites name=\"kql-detect\" tests=\"2\" failures=\"1\" skipped=\"1\">"),
        "{junit}"
    );
    assert!(junit.contains("<failure message=\""), "{junit}");

    let output = kql_detect(&["test", path, "--require-samples", "--format", "json"], "");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["totals"]["failed"], 2);
    std::fs::remove_dir_all(&directory).unwrap();
}

#[test]
fn normalize_prints_the_documents_raw_records_become() {
    let record = std::fs::read_to_string("examples/azure-auditlogs.ndjson")
        .unwrap()
        .lines()
        .nth(8)
        .unwrap()
        .to_string();
    let envelope = format!("{{\"records\":[{record},{record}]}}\n");
    let output = kql_detect(&["normalize"], &envelope);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let documents = alerts(&output);
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[0]["event"]["dataset"], "azure.auditlogs");
    assert_eq!(
        documents[0]["azure"]["auditlogs"]["properties"]["target_resources"]["0"]["display_name"],
        "guest"
    );
    assert_eq!(
        text(&output.stderr),
        "documents 2, invalid 0; lines 1: 1 with events, 0 invalid, 0 empty, 0 blank\n"
    );

    // --input ecs: the raw record is taken as already ingested, so the rule cannot match it.
    let output = kql_detect(&["--input", "ecs"], &format!("{record}\n"));
    assert_eq!(
        text(&output.stderr),
        "events 1, alerts 0, invalid 0; lines 1: 1 with events, 0 invalid, 0 empty, 0 blank\n"
    );
    let output = kql_detect(
        &["--keep-original", "--now", "2026-11-26T12:00:00Z"],
        &format!("{record}\n"),
    );
    assert_eq!(alerts(&output)[0]["event"]["original"], record.as_str());

    // A non-object in an envelope is reported; the other records still count.
    let output = kql_detect(&["normalize"], &format!("{{\"records\":[{record}, 42]}}\n"));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("records[1]"),
        "{}",
        text(&output.stderr)
    );
    assert!(text(&output.stderr).ends_with(
        "documents 1, invalid 1; lines 1: 1 with events, 0 invalid, 0 empty, 0 blank\n"
    ));
}

/// An exception list export with one item: invitations by alice.admin are expected.
const ALICE_EXCEPTIONS: &str = concat!(
    r#"{"list_id":"guest-invite-exceptions","name":"Guest invitation exceptions","namespace_type":"single","type":"detection","id":"2f7b"}"#,
    "\n",
    r#"{"item_id":"alice-invites","list_id":"guest-invite-exceptions","name":"Alice onboards partners","namespace_type":"single","type":"simple","entries":[{"field":"user.name","operator":"included","type":"match","value":"alice.admin@contoso.onmicrosoft.com"}]}"#,
    "\n",
    r#"{"exported_exception_list_count":1,"exported_exception_list_item_count":1,"missing_exception_list_item_count":0,"missing_exception_list_items":[],"missing_exception_lists":[],"missing_exception_lists_count":0}"#,
    "\n"
);

fn temporary_file(name: &str, content: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("kql-detect-{}-{name}", std::process::id()));
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn exceptions_suppress_the_alerts_they_describe() {
    // No rule names the list, so its items apply to every rule (here the built-in one).
    let exceptions = temporary_file("exceptions.ndjson", ALICE_EXCEPTIONS);
    let output = kql_detect(
        &[
            "examples/azure-auditlogs.ndjson",
            "--exceptions",
            exceptions.to_str().unwrap(),
            "--now",
            "2026-11-26T12:00:00Z",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let users: Vec<serde_json::Value> = alerts(&output)
        .iter()
        .map(|alert| alert["user"]["name"].clone())
        .collect();
    // Two of the four invitations name alice.admin in user.name and are excepted;
    // the early Filebeat document (line 8) has no user.name, so the item cannot
    // except it, and bob.ops's invitation remains.
    assert_eq!(
        users,
        [
            serde_json::Value::Null,
            serde_json::json!("bob.ops@contoso.onmicrosoft.com")
        ]
    );

    let output = kql_detect(
        &["--explain", "--exceptions", exceptions.to_str().unwrap()],
        &format!("{INVITE_BY_ALICE}\n"),
    );
    let explanation = text(&output.stdout);
    assert!(explanation.contains("does not match"), "{explanation}");
    assert!(
        explanation
            .contains("excepted by exception item \"Alice onboards partners\" (alice-invites)"),
        "{explanation}"
    );
    std::fs::remove_file(exceptions).ok();
}

const INVITE_BY_ALICE: &str = r#"{"@timestamp":"2026-11-26T09:02:11.418Z","event":{"dataset":"azure.auditlogs","outcome":"success"},"user":{"name":"alice.admin@contoso.onmicrosoft.com"},"azure":{"auditlogs":{"operation_name":"Invite external user","properties":{"target_resources":{"0":{"display_name":"guest"}}}}}}"#;

#[test]
fn a_rule_export_carries_its_exception_lists_to_its_own_rules() {
    // A Kibana rule export: two rules, one naming the list; the list and its item follow.
    let rule = |rule_id: &str, name: &str, lists: &str| {
        format!(
            r#"{{"id":"{rule_id}-so","rule_id":"{rule_id}","name":"{name}","description":"d","type":"query","language":"kuery","query":"event.dataset:azure.auditlogs","severity":"low","risk_score":21,"exceptions_list":{lists}}}"#
        )
    };
    let export = format!(
        "{}\n{}\n{}",
        rule(
            "with-list",
            "With the list",
            r#"[{"id":"2f7b","list_id":"guest-invite-exceptions","type":"detection","namespace_type":"single"}]"#
        ),
        rule("without-list", "Without the list", "[]"),
        ALICE_EXCEPTIONS
    );
    let rules = temporary_file("export.ndjson", &export);
    let output = kql_detect(
        &["--rules", rules.to_str().unwrap()],
        &format!("{INVITE_BY_ALICE}\n"),
    );
    let names: Vec<serde_json::Value> = alerts(&output)
        .iter()
        .map(|alert| alert["kibana"]["alert"]["rule"]["name"].clone())
        .collect();
    assert_eq!(
        names,
        [serde_json::json!("Without the list")],
        "{}",
        text(&output.stderr)
    );

    // A rule naming a list nobody supplied runs without it, and says so.
    let lonely = temporary_file(
        "lonely.ndjson",
        &rule(
            "with-list",
            "With the list",
            r#"[{"id":"x","list_id":"nowhere","type":"detection","namespace_type":"single"}]"#,
        ),
    );
    let output = kql_detect(
        &["--rules", lonely.to_str().unwrap()],
        &format!("{INVITE_BY_ALICE}\n"),
    );
    assert_eq!(alerts(&output).len(), 1);
    assert!(
        text(&output.stderr).contains("warning: the rule names exception list `nowhere`"),
        "{}",
        text(&output.stderr)
    );
    std::fs::remove_file(rules).ok();
    std::fs::remove_file(lonely).ok();
}

#[test]
fn dsl_prints_the_query_kibana_builds_for_the_field_types() {
    let field_types =
        std::env::temp_dir().join(format!("kql-detect-dsl-{}.json", std::process::id()));
    std::fs::write(&field_types, r#"{"user.name":"keyword","message":"text"}"#).unwrap();
    let field_types = field_types.to_str().unwrap().to_string();
    let query = |extra: &[&str]| {
        let mut arguments = vec![
            "dsl",
            "--field-types",
            &field_types,
            "--query",
            "user.name:adm* or message:\"disk error\"",
        ];
        arguments.extend_from_slice(extra);
        let output = kql_detect(&arguments, "");
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    assert_eq!(
        query(&[]),
        r#"{"bool":{"should":[{"bool":{"should":[{"wildcard":{"user.name":{"value":"adm*"}}}],"minimum_should_match":1}},{"bool":{"should":[{"match_phrase":{"message":"disk error"}}],"minimum_should_match":1}}],"minimum_should_match":1}}"#.to_string() + "\n"
    );
    // Kibana 7: query_string for the wildcard, on keyword fields too.
    assert!(query(&["--legacy"])
        .contains(r#"{"query_string":{"fields":["user.name"],"query":"adm*"}}"#));
    assert!(query(&["--pretty"]).starts_with("{\n  \"bool\": {\n"));
    std::fs::remove_file(&field_types).ok();
}

#[test]
fn dsl_prints_each_rules_search_request() {
    let output = kql_detect(
        &[
            "dsl",
            "--rules",
            "examples/rules",
            "--now",
            "2026-11-27T12:00:00Z",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let lines: Vec<serde_json::Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON document per line"))
        .collect();
    assert_eq!(lines.len(), 1);
    let request = &lines[0]["request"];
    assert_eq!(lines[0]["rule_id"], "5b0b8f9e-2d4a-4c61-9a57-0e3c2f1d7a10");
    assert_eq!(
        request["index"],
        serde_json::json!(["logs-azure.auditlogs-*", "filebeat-*"])
    );
    assert_eq!(request["size"], 100);
    // timestamp_override event.ingested, falling back to @timestamp; from now-9m.
    assert_eq!(request["sort"][0]["event.ingested"]["order"], "asc");
    assert_eq!(request["sort"][1]["@timestamp"]["order"], "asc");
    let window =
        &request["query"]["bool"]["filter"][1]["bool"]["should"][0]["range"]["event.ingested"];
    assert_eq!(window["gte"], "2026-11-27T11:51:00.000Z");
    assert_eq!(window["lte"], "2026-11-27T12:00:00.000Z");
    assert!(request["runtime_mappings"]["kibana.combined_timestamp"].is_object());
}

#[test]
fn dsl_takes_queries_or_rules_not_both() {
    let output = kql_detect(&["dsl", "--query", "a:b", "--rules", "examples/rules"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("give --query or --rules, not both"));
    let output = kql_detect(&["dsl", "--query", "a:(b"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("^"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn dsl_puts_each_rules_exception_items_in_must_not() {
    // A rule export: one rule names Alice's list; items of lists no rule names
    // apply to both rules, except the one expired at --now.
    let rule = |rule_id: &str, lists: &str| {
        format!(
            r#"{{"rule_id":"{rule_id}","name":"{rule_id}","description":"d","type":"query","language":"kuery","query":"event.dataset:azure.auditlogs","severity":"low","risk_score":21,"index":["logs-*"],"exceptions_list":{lists}}}"#
        )
    };
    let rules = temporary_file(
        "dsl-rules.ndjson",
        &format!(
            "{}\n{}\n",
            rule(
                "with-list",
                r#"[{"id":"2f7b","list_id":"guest-invite-exceptions","type":"detection","namespace_type":"single"}]"#
            ),
            rule("without-list", "[]")
        ),
    );
    let alice = temporary_file("dsl-alice.ndjson", ALICE_EXCEPTIONS);
    let shared = temporary_file(
        "dsl-shared.ndjson",
        concat!(
            r#"{"item_id":"scanners","list_id":"shared","entries":[{"field":"source.ip","operator":"included","type":"list","list":{"id":"scanners","type":"ip"}}]}"#,
            "\n",
            r#"{"item_id":"migration","list_id":"shared","expire_time":"2026-11-01T00:00:00Z","entries":[{"field":"user.name","operator":"included","type":"match","value":"svc-migrate"}]}"#,
            "\n",
        ),
    );
    let lists = temporary_file("dsl-lists.json", r#"{"scanners":["192.0.2.0/24"]}"#);
    let output = kql_detect(
        &[
            "dsl",
            "--rules",
            rules.to_str().unwrap(),
            "--exceptions",
            alice.to_str().unwrap(),
            "--exceptions",
            shared.to_str().unwrap(),
            "--value-lists",
            lists.to_str().unwrap(),
            "--now",
            "2026-11-27T12:00:00Z",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let must_not: Vec<String> = text(&output.stdout)
        .lines()
        .map(|line| {
            let search: serde_json::Value = serde_json::from_str(line).unwrap();
            search["request"]["query"]["bool"]["filter"][0]["bool"]["must_not"].to_string()
        })
        .collect();
    let alice_clause = r#"{"bool":{"minimum_should_match":1,"should":[{"match_phrase":{"user.name":"alice.admin@contoso.onmicrosoft.com"}}]}}"#;
    let scanners_clause = r#"{"bool":{"filter":{"terms":{"source.ip":["192.0.2.0/24"]}}}}"#;
    assert_eq!(
        must_not,
        [
            format!(r#"[{{"bool":{{"should":[{alice_clause},{scanners_clause}]}}}}]"#),
            format!(r#"[{{"bool":{{"should":[{scanners_clause}]}}}}]"#),
        ]
    );
    for path in [rules, alice, shared, lists] {
        std::fs::remove_file(path).ok();
    }
}

/// `tests/accounting/hostile.json`: hostile input, and what each of its lines holds.
struct Hostile {
    query: String,
    input: Vec<u8>,
    /// Per line: `None` for a blank line, else an outcome per part
    /// (`alert`, `event`, `invalid KIND`); no parts is a line holding no events.
    lines: Vec<Option<Vec<String>>>,
}

impl Hostile {
    fn read() -> Hostile {
        let text = std::fs::read_to_string("tests/accounting/hostile.json").expect("the fixture");
        let fixture: serde_json::Value = serde_json::from_str(&text).expect("the fixture is JSON");
        let (mut input, mut lines) = (Vec::new(), Vec::new());
        for line in fixture["lines"].as_array().expect("lines") {
            match (line["text"].as_str(), line["hex"].as_str()) {
                (Some(text), _) => input.extend_from_slice(text.as_bytes()),
                (None, Some(hex)) => input.extend(
                    (0..hex.len())
                        .step_by(2)
                        .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).expect("hex bytes")),
                ),
                (None, None) => panic!("a line needs `text` or `hex`: {line}"),
            }
            lines.push(line["expect"].as_array().map(|parts| {
                parts
                    .iter()
                    .map(|part| part.as_str().expect("outcomes are text").to_string())
                    .collect()
            }));
        }
        let query = fixture["query"].as_str().expect("query").to_string();
        Hostile {
            query,
            input,
            lines,
        }
    }

    /// The numbers of the lines holding a part with this outcome, once per part.
    fn lines_with(&self, outcome: impl Fn(&str) -> bool) -> Vec<usize> {
        let numbered = self.lines.iter().enumerate();
        numbered
            .flat_map(|(index, parts)| {
                let parts = parts.iter().flatten();
                parts.filter(|part| outcome(part)).map(move |_| index + 1)
            })
            .collect()
    }

    /// The summary line's account of the lines, computed from the fixture.
    fn lines_summary(&self) -> String {
        let holding = |events: bool, invalid: bool| {
            let lines = self.lines.iter().flatten();
            lines
                .filter(|parts| {
                    let has_events = parts.iter().any(|part| !part.starts_with("invalid"));
                    let has_invalid = parts.iter().any(|part| part.starts_with("invalid"));
                    (has_events, has_invalid && !has_events) == (events, invalid)
                })
                .count()
        };
        format!(
            "lines {}: {} with events, {} invalid, {} empty, {} blank",
            self.lines.len(),
            holding(true, false),
            holding(false, true),
            holding(false, false),
            self.lines.iter().filter(|line| line.is_none()).count()
        )
    }
}

/// The line numbers the rendered errors on stderr point at, in order.
fn invalid_lines(stderr: &str) -> Vec<usize> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix(" --> stdin, line "))
        .map(|rest| {
            let digits = rest.split(',').next().unwrap_or(rest);
            digits.parse().expect("a line number")
        })
        .collect()
}

#[test]
fn every_hostile_line_has_exactly_one_outcome_and_the_counts_add_up() {
    let hostile = Hostile::read();
    let now = ["--now", "2026-11-27T10:00:00Z"];
    let output = kql_detect_bytes(
        &[&now[..], &["--query", &hostile.query]].concat(),
        &hostile.input,
    );
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let alerted: Vec<usize> = alerts(&output)
        .iter()
        .map(|alert| {
            alert["id"]
                .as_u64()
                .expect("alerting lines carry their number") as usize
        })
        .collect();
    assert_eq!(alerted, hostile.lines_with(|part| part == "alert"));
    let invalid = hostile.lines_with(|part| part.starts_with("invalid"));
    assert_eq!(invalid_lines(&stderr), invalid, "{stderr}");
    let events = hostile
        .lines_with(|part| !part.starts_with("invalid"))
        .len();
    let summary = format!(
        "events {events}, alerts {}, invalid {}; {}\n",
        alerted.len(),
        invalid.len(),
        hostile.lines_summary()
    );
    assert!(stderr.ends_with(&summary), "{stderr}\nexpected: {summary}");

    // Tag mode reads every line in full, with no fast path: the same lines are invalid.
    let tagged = kql_detect_bytes(
        &[&now[..], &["--mode", "tag", "--query", &hostile.query]].concat(),
        &hostile.input,
    );
    assert_eq!(invalid_lines(&text(&tagged.stderr)), invalid);
    assert_eq!(alerts(&tagged).len(), events);

    // normalize accounts for the same lines.
    let normalized = kql_detect_bytes(&["normalize"], &hostile.input);
    let stderr = text(&normalized.stderr);
    assert_eq!(invalid_lines(&stderr), invalid);
    let summary = format!(
        "documents {events}, invalid {}; {}\n",
        invalid.len(),
        hostile.lines_summary()
    );
    assert!(stderr.ends_with(&summary), "{stderr}\nexpected: {summary}");
}

#[test]
fn a_line_over_the_limit_is_invalid_and_the_next_line_is_read() {
    let long = format!("{{\"padding\":\"{}\"}}", "x".repeat(16 * 1024 * 1024));
    let input = format!("{INVITE}\n{long}\n{LATER_INVITE}");
    let output = kql_detect(&["--now", "2026-11-27T10:00:00Z"], &input);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(alerts(&output).len(), 2);
    assert!(
        stderr.contains("the line is longer than 16777216 bytes"),
        "{stderr}"
    );
    assert_eq!(invalid_lines(&stderr), [2]);
    assert!(
        stderr.ends_with(
            "events 2, alerts 2, invalid 1; lines 3: 2 with events, 1 invalid, 0 empty, 0 blank\n"
        ),
        "{stderr}"
    );
}

#[test]
fn exit_codes_say_how_the_run_went() {
    let now = ["--now", "2026-11-27T10:00:00Z"];
    // 0: every line read, with or without alerts.
    assert_eq!(
        kql_detect(&now, &format!("{INVITE}\n")).status.code(),
        Some(0)
    );
    assert_eq!(kql_detect(&now, "{\"a\":1}\n\n").status.code(), Some(0));
    assert_eq!(kql_detect(&now, "").status.code(), Some(0));
    // 1: some lines invalid, the rest processed.
    let output = kql_detect(&now, &format!("{{\"a\":\n{INVITE}\n"));
    assert_eq!((output.status.code(), alerts(&output).len()), (Some(1), 1));
    // 1: an input that cannot be read (a directory) is an invalid line, not an endless loop.
    let output = kql_detect(&[&now[..], &["tests"]].concat(), "");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("cannot read input"));
    // 2: bad usage, query, rule or file.
    for arguments in [
        &["--query", "a:(1"][..],
        &["--rules", "no-such-rules.toml"],
        &["--mode", "sideways"],
        &["no-such-input.ndjson"],
    ] {
        let output = kql_detect(arguments, "");
        assert_eq!(output.status.code(), Some(2), "{arguments:?}");
        assert!(output.stdout.is_empty());
    }
    // --help says so.
    let help = text(&kql_detect(&["--help"], "").stdout);
    assert!(help.contains("Exit codes: 0 success"), "{help}");
}

/// The command line hands NDJSON lines to the engine unparsed, so that lines
/// no rule can match are not parsed: over generated events (some alerting,
/// some repeated) and malformed lines, it prints exactly the alerts the full
/// path makes of each line parsed.
#[test]
fn lines_read_lazily_alert_as_parsed_events_do() {
    let now = "2026-11-26T12:00:00Z";
    let mix = data::mix(400);
    let mut lines: Vec<&str> = mix.lines().collect();
    let repeated: Vec<&str> = lines.iter().step_by(7).copied().collect();
    lines.extend(repeated);
    lines.extend([r#"{"event":"#, "[1]", r#"{"a":"\ud800"}"#, INVITE, INVITE]);
    let input = lines.join("\n");
    let output = kql_detect(&["--now", now], &input);

    let engine = kql_detect::engine::Engine::builtin();
    let now = kql_detect::time::Timestamp::parse_rfc3339(now).expect("a valid time");
    let mut recent = engine.recent_alerts();
    let (mut expected, mut invalid) = (String::new(), 0);
    for line in &lines {
        let Ok(value) = serde_json::from_str(line) else {
            invalid += 1;
            continue;
        };
        let outcome = engine.evaluate_input(value, Some(line), now, Some(&mut recent));
        invalid += outcome.errors.len();
        for alert in outcome.outputs {
            expected.push_str(&serde_json::to_string(&alert).expect("an alert serialises"));
            expected.push('\n');
        }
    }
    assert!(expected.lines().count() > 2, "the input alerts");
    assert_eq!(text(&output.stdout), expected);
    let summary = text(&output.stderr);
    assert!(
        summary.contains(&format!("invalid {invalid};")),
        "{summary}"
    );
}

/// `--validate candidates` with ECS input leaves the lines no rule can match
/// unread: the same alerts, a malformed line without the rule's literals not
/// reported, and every line still counted.
#[test]
fn validate_candidates_leaves_lines_unread_and_alerts_the_same() {
    let sample = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/azure-auditlogs.ndjson"),
    )
    .expect("the sample is readable");
    let input = format!("{sample}{{\"not\":\"json\"\n");
    let run = |extra: &[&str]| {
        let mut arguments = vec!["--now", "2026-11-26T12:00:00Z", "--input", "ecs"];
        arguments.extend(extra);
        kql_detect(&arguments, &input)
    };
    let all = run(&[]);
    let candidates = run(&["--validate", "candidates"]);
    assert!(!all.stdout.is_empty());
    assert_eq!(text(&candidates.stdout), text(&all.stdout));
    assert_eq!(all.status.code(), Some(1), "the malformed line is reported");
    assert_eq!(
        candidates.status.code(),
        Some(0),
        "{}",
        text(&candidates.stderr)
    );
    let summary = text(&candidates.stderr);
    let skipped: usize = summary
        .split(", ")
        .find_map(|part| part.strip_suffix(" skipped")?.parse().ok())
        .expect("the summary counts skipped lines");
    assert!(summary.contains("lines 13:"), "{summary}");
    assert!(skipped > 1 && skipped < 13, "{summary}");
    // Auto input reads every line: a raw record's literals differ from its document's.
    let auto = kql_detect(&["--validate", "candidates"], &input);
    assert!(!text(&auto.stderr).contains("skipped"));
    assert_eq!(auto.status.code(), Some(1));
}
