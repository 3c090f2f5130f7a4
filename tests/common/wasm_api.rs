//! Tests of the JavaScript API as compiled to WebAssembly, shared by the Node
//! (`wasm_node.rs`) and headless Chromium (`wasm_browser.rs`) test binaries.

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use kql_detect::wasm::{evaluate, Engine};

const GUEST_INVITE: &str = r#"{"@timestamp":"2026-11-27T09:12:45.123Z","event":{"dataset":"azure.auditlogs","outcome":"success"},"azure":{"auditlogs":{"operation_name":"Invite external user","properties":{"target_resources":{"0":{"display_name":"guest"}}}}}}"#;

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |value, key| {
        Reflect::get(&value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

fn alerts(value: JsValue) -> Vec<JsValue> {
    value
        .dyn_into::<Array>()
        .expect("an array of alerts")
        .iter()
        .collect()
}

fn thrown<T>(result: Result<T, JsValue>) -> JsValue {
    let Err(error) = result else {
        panic!("expected an error")
    };
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "errors are Error instances"
    );
    error
}

#[wasm_bindgen_test]
fn every_case_file_passes_in_webassembly() {
    if let Err(report) = super::cases::run_all(super::cases::CASE_FILES.iter().copied()) {
        panic!("{report}");
    }
}

#[wasm_bindgen_test]
fn evaluate_accepts_json_text_and_objects() {
    let from_text = alerts(evaluate(JsValue::from_str(GUEST_INVITE)).unwrap());
    assert_eq!(from_text.len(), 1);
    let object = JSON::parse(GUEST_INVITE).unwrap();
    let from_object = alerts(evaluate(object).unwrap());
    assert_eq!(from_object.len(), 1);
    let alert = &from_object[0];
    assert_eq!(
        get(alert, "kibana.alert.rule.name").as_string().unwrap(),
        "Azure External Guest User Invitation"
    );
    assert_eq!(
        get(alert, "kibana.alert.rule.rule_id").as_string().unwrap(),
        "141e9b3a-ff37-4756-989d-05d7cbf35b0e"
    );
    assert_eq!(
        get(alert, "kibana.alert.severity").as_string().unwrap(),
        "low"
    );
    assert_eq!(
        get(alert, "kibana.alert.risk_score").as_f64().unwrap(),
        21.0
    );
    assert_eq!(
        get(alert, "kibana.alert.original_time")
            .as_string()
            .unwrap(),
        "2026-11-27T09:12:45.123Z"
    );
    assert_eq!(get(alert, "event.kind").as_string().unwrap(), "signal");
    assert_eq!(
        get(alert, "event.dataset").as_string().unwrap(),
        "azure.auditlogs"
    );
}

#[wasm_bindgen_test]
fn evaluate_returns_no_alerts_for_other_events() {
    let event =
        JSON::parse(r#"{"event":{"dataset":"azure.auditlogs","outcome":"success"}}"#).unwrap();
    assert!(alerts(evaluate(event).unwrap()).is_empty());
}

#[wasm_bindgen_test]
fn malformed_events_throw_event_invalid() {
    let error = thrown(evaluate(JsValue::from_str("{\"a\":")));
    assert_eq!(get(&error, "type").as_string().unwrap(), "event_invalid");
    let error = thrown(evaluate(JsValue::from_str("[1]")));
    assert_eq!(get(&error, "kind").as_string().unwrap(), "not_an_object");
    let error = thrown(evaluate(JsValue::UNDEFINED));
    assert_eq!(get(&error, "type").as_string().unwrap(), "event_invalid");
}

#[wasm_bindgen_test]
fn engines_run_ad_hoc_queries_with_field_types() {
    let options = JSON::parse(
        r#"{"rules":["n > 5","user.name:admin*"],"fieldTypes":{"n":"long","user.name":"keyword"}}"#,
    )
    .unwrap();
    let mut engine = Engine::new(options).unwrap();
    let fired = alerts(
        engine
            .evaluate(JsValue::from_str(
                r#"{"n":"7","user":{"name":"administrator"}}"#,
            ))
            .unwrap(),
    );
    let names: Vec<String> = fired
        .iter()
        .map(|alert| get(alert, "kibana.alert.rule.name").as_string().unwrap())
        .collect();
    assert_eq!(names, ["n > 5", "user.name:admin*"]);
    let mut default_engine = Engine::new(JsValue::UNDEFINED).unwrap();
    assert_eq!(
        alerts(
            default_engine
                .evaluate(JsValue::from_str(GUEST_INVITE))
                .unwrap()
        )
        .len(),
        1
    );
}

#[wasm_bindgen_test]
fn syntax_errors_carry_their_place() {
    let options = JSON::parse(r#"{"rules":["a:1 and b:"]}"#).unwrap();
    let error = thrown(Engine::new(options));
    assert_eq!(get(&error, "type").as_string().unwrap(), "kql_syntax");
    assert_eq!(get(&error, "kind").as_string().unwrap(), "unexpected_end");
    assert_eq!(
        get(&error, "message").as_string().unwrap(),
        "expected a value, found the end of the query"
    );
    let span: Vec<f64> = get(&error, "span")
        .dyn_into::<Array>()
        .unwrap()
        .iter()
        .map(|n| n.as_f64().unwrap())
        .collect();
    assert_eq!(span, [10.0, 10.0]);
    assert_eq!(get(&error, "line").as_f64(), Some(1.0));
    assert_eq!(get(&error, "column").as_f64(), Some(11.0));
    assert!(get(&error, "rendered")
        .as_string()
        .unwrap()
        .contains("1 | a:1 and b:\n  |           ^"));
}

#[wasm_bindgen_test]
fn bad_options_throw_options_invalid() {
    let options = JSON::parse(r#"{"rulez":["a:1"]}"#).unwrap();
    let error = thrown(Engine::new(options));
    assert_eq!(get(&error, "type").as_string().unwrap(), "options_invalid");
    assert!(!get(&error, "message")
        .as_string()
        .unwrap()
        .starts_with("Error:"));
    let options = JSON::parse(r#"{"fieldTypes":{"a":"keywrd"}}"#).unwrap();
    assert_eq!(
        get(&thrown(Engine::new(options)), "type")
            .as_string()
            .unwrap(),
        "field_types_invalid"
    );
    let mut empty_options = Engine::new(Object::new().into()).unwrap();
    assert_eq!(
        alerts(
            empty_options
                .evaluate(JsValue::from_str(GUEST_INVITE))
                .unwrap()
        )
        .len(),
        1
    );
}

/// A JavaScript value made by `body`, a function body: hostile objects only JavaScript can build.
fn made_by(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .expect("the fixture builds")
}

fn kind_of(error: &JsValue) -> String {
    format!(
        "{}/{}",
        get(error, "type").as_string().unwrap_or_default(),
        get(error, "kind").as_string().unwrap_or_default()
    )
}

/// Code of the caller's that throws (a `toJSON`, an iterator, a Proxy trap)
/// must come back as an error: an exception unwinding through Rust would
/// abort this test, and in the npm package leave the engine borrowed for good.
#[wasm_bindgen_test]
fn what_the_callers_code_throws_becomes_an_error_and_the_engine_goes_on() {
    let mut engine = Engine::new(JsValue::UNDEFINED).unwrap();
    let to_json_throws = made_by("return { toJSON() { throw 'a string'; } };");
    let error = thrown(engine.evaluate(to_json_throws));
    assert_eq!(kind_of(&error), "event_invalid/not_serializable");
    assert!(get(&error, "message")
        .as_string()
        .unwrap()
        .ends_with(": a string"));
    let getter_throws = made_by("return { get rules() { throw null; } };");
    assert_eq!(
        kind_of(&thrown(Engine::new(getter_throws))),
        "options_invalid/not_serializable"
    );
    let iterator_throws = made_by("return { [Symbol.iterator]() { throw new Error('no'); } };");
    assert_eq!(
        kind_of(&thrown(engine.run(iterator_throws, JsValue::UNDEFINED))),
        "event_invalid/not_iterable"
    );
    let bytes_proxy = made_by("return new Proxy(new Uint8Array(4), { get() { throw 'trap'; } });");
    assert_eq!(
        kind_of(&thrown(
            engine.evaluate_ndjson(bytes_proxy, JsValue::UNDEFINED)
        )),
        "event_invalid/not_text"
    );
    let buffer_proxy =
        made_by("return new Proxy(new ArrayBuffer(4), { get() { throw 'trap'; } });");
    assert_eq!(
        kind_of(&thrown(
            engine.evaluate_ndjson(buffer_proxy, JsValue::UNDEFINED)
        )),
        "event_invalid/not_text"
    );
    let guest = engine.evaluate(JsValue::from_str(GUEST_INVITE)).unwrap();
    assert_eq!(alerts(guest).len(), 1);
}

#[wasm_bindgen_test]
fn explanations_say_which_clause_failed_and_why() {
    let event = GUEST_INVITE.replace("\"guest\"", "\"Zeus Theboss\"");
    let explanation = kql_detect::wasm::explain(JsValue::from_str(&event)).unwrap();
    assert_eq!(get(&explanation, "matched").as_bool(), Some(false));
    let rule = Reflect::get(&get(&explanation, "rules"), &JsValue::from(0)).unwrap();
    let clauses: Vec<JsValue> = get(&rule, "clause.children")
        .dyn_into::<Array>()
        .unwrap()
        .iter()
        .collect();
    let failed: Vec<String> = clauses
        .iter()
        .filter(|clause| get(clause, "matched").as_bool() == Some(false))
        .map(|clause| get(clause, "text").as_string().unwrap())
        .collect();
    assert_eq!(
        failed,
        ["azure.auditlogs.properties.target_resources.*.display_name:guest"]
    );
    let field = Reflect::get(&get(&clauses[2], "fields"), &JsValue::from(0)).unwrap();
    assert_eq!(
        get(&field, "field").as_string().unwrap(),
        "azure.auditlogs.properties.target_resources.0.display_name"
    );
    assert_eq!(get(&field, "type").as_string().unwrap(), "keyword");
    assert_eq!(get(&field, "test").as_string().unwrap(), "term \"guest\"");
}

#[wasm_bindgen_test]
fn queries_translate_to_the_dsl_kibana_builds() {
    let options = JSON::parse(r#"{"fieldTypes":{"user.name":"keyword"}}"#).unwrap();
    let dsl = kql_detect::wasm::to_elasticsearch_query("user.name:adm*", options).unwrap();
    assert_eq!(
        JSON::stringify(&dsl).unwrap().as_string().unwrap(),
        r#"{"bool":{"should":[{"wildcard":{"user.name":{"value":"adm*"}}}],"minimum_should_match":1}}"#
    );
    let legacy = JSON::parse(r#"{"fieldTypes":{"user.name":"keyword"},"legacy":true}"#).unwrap();
    let dsl = kql_detect::wasm::to_elasticsearch_query("user.name:007", legacy).unwrap();
    assert_eq!(
        JSON::stringify(&dsl).unwrap().as_string().unwrap(),
        r#"{"bool":{"should":[{"match":{"user.name":7}}],"minimum_should_match":1}}"#
    );
    let data_view =
        kql_detect::wasm::data_view(JSON::parse(r#"{"fieldTypes":{"a":"date_nanos"}}"#).unwrap())
            .unwrap();
    assert_eq!(
        JSON::stringify(&data_view).unwrap().as_string().unwrap(),
        r#"{"fields":[{"name":"a","type":"date","esTypes":["date_nanos"],"scripted":false}]}"#
    );
    let error = thrown(kql_detect::wasm::to_elasticsearch_query(
        "a:(b",
        JsValue::UNDEFINED,
    ));
    assert_eq!(get(&error, "type").as_string().unwrap(), "kql_syntax");
}

#[wasm_bindgen_test]
fn engines_give_each_rules_search_request() {
    let options =
        JSON::parse(r#"{"rules":["event.action:login"],"fieldTypes":{"event.action":"keyword"}}"#)
            .unwrap();
    let engine = Engine::new(options).unwrap();
    let searches = engine
        .to_elasticsearch_query(JSON::parse(r#"{"now":"2026-11-27T12:00:00Z"}"#).unwrap())
        .unwrap();
    let search = Reflect::get(&searches, &JsValue::from(0)).unwrap();
    assert_eq!(get(&search, "rule_id").as_string().unwrap(), "ad-hoc-1");
    assert_eq!(get(&search, "request.size").as_f64(), Some(100.0));
    let window = get(&search, "request.query.bool.filter.1.range.@timestamp");
    assert_eq!(
        get(&window, "gte").as_string().unwrap(),
        "2026-11-27T11:54:00.000Z"
    );
    assert_eq!(
        JSON::stringify(&get(&search, "query"))
            .unwrap()
            .as_string()
            .unwrap(),
        r#"{"bool":{"should":[{"term":{"event.action":{"value":"login"}}}],"minimum_should_match":1}}"#
    );
    let error = thrown(engine.to_elasticsearch_query(JSON::parse(r#"{"legacy":1}"#).unwrap()));
    assert_eq!(get(&error, "type").as_string().unwrap(), "options_invalid");
}

#[wasm_bindgen_test]
fn input_shapes_and_rules_are_shown_to_the_playground() {
    let shape =
        |text: &str| kql_detect::wasm::input_shape(JsValue::from_str(text), JsValue::UNDEFINED);
    assert_eq!(shape(GUEST_INVITE).unwrap(), "ecs");
    assert_eq!(shape(r#"{"records": []}"#).unwrap(), "azure_records");
    let error = thrown(shape("{"));
    assert_eq!(get(&error, "type").as_string().unwrap(), "event_invalid");

    let rules = Engine::new(JsValue::UNDEFINED).unwrap().rules().unwrap();
    let rule = Reflect::get(&rules, &JsValue::from(0)).unwrap();
    assert_eq!(get(&rule, "severity").as_string().unwrap(), "low");
    assert_eq!(get(&rule, "risk_score").as_f64(), Some(21.0));
    // A rule object goes back in as it came out.
    let options = Object::new();
    Reflect::set(&options, &"rules".into(), &Array::of1(&rule)).unwrap();
    let again = Engine::new(options.into()).unwrap().rules().unwrap();
    assert_eq!(
        JSON::stringify(&again).unwrap(),
        JSON::stringify(&rules).unwrap()
    );
}
