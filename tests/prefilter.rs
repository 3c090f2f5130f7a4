//! The prefilter of all 68 Azure rules at once (the engine's: many literals,
//! so the sampled gram table) against each rule's own prefilter (few
//! literals, one substring search each) and against the rules themselves:
//! over every event of the rule cases, the bundled sample and the benchmark
//! mix, as written, re-serialised and with their strings hidden behind `\u`
//! and `\/` escapes, it must pass exactly the texts some rule's own prefilter
//! passes, and so every event some rule matches. Then the events some rule
//! matches, shifted against the shared pass's sampling and mutated byte by
//! byte: whatever a rule still matches, the prefilter must pass.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/cases.rs"]
#[allow(dead_code)] // this test uses only the case-file parser
mod cases;

#[path = "common/escaped.rs"]
mod escaped;
#[path = "common/rule_cases.rs"]
mod rule_cases;
#[path = "common/rule_files.rs"]
mod rule_files;

#[path = "../benches/data.rs"]
#[allow(dead_code)] // this test uses only the mix
mod data;

use std::path::Path;

use kql_detect::compile::CompiledQuery;
use kql_detect::engine::{Engine, RuleSource};
use kql_detect::event::JsonEvent;
use kql_detect::prefilter::Prefilter;
use kql_detect::schema::Schema;
use kql_detect::time::Timestamp;
use serde_json::Value;

use escaped::escaped;
use rule_files::rule_files;

/// Every rule of the corpus (top level and building blocks), compiled.
fn corpus_queries() -> Option<Vec<(String, CompiledQuery)>> {
    let files = rule_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/detection-rules-azure"),
    );
    if files.is_empty() {
        return None;
    }
    let sources = files
        .iter()
        .map(|path| RuleSource::Text {
            origin: path.display().to_string(),
            text: std::fs::read_to_string(path).expect("readable rule"),
        })
        .collect();
    let schema = Schema::builtin();
    let now = Timestamp(1_764_244_800_000);
    let engine = Engine::from_sources(sources, &schema, now).expect("the corpus loads");
    Some(
        engine
            .rules()
            .map(|rule| {
                let query = rule.compile(&schema, now).expect("compiles");
                (rule.rule_id.clone(), query)
            })
            .collect(),
    )
}

/// The events of tests/cases/rules/, the bundled sample and the mix.
fn events() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut events: Vec<String> = rule_cases::rule_case_events()
        .into_iter()
        .map(|(_, event)| event)
        .collect();
    let sample = std::fs::read_to_string(root.join("examples/azure-auditlogs.ndjson")).unwrap();
    events.extend(sample.lines().map(str::to_string));
    events.extend(data::mix(800).lines().map(str::to_string));
    events
}

/// One prefilter for all of `queries`, as an engine of them builds it.
fn one_prefilter(queries: &[(String, CompiledQuery)]) -> Prefilter {
    Prefilter::new(
        queries
            .iter()
            .map(|(_, query)| query.required_literals())
            .collect(),
    )
    .expect("every rule has a literal condition")
}

#[test]
fn the_prefilter_of_all_68_rules_agrees_with_each_rules_own() {
    let Some(queries) = corpus_queries() else {
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent, so the 68 rules' prefilter was not checked");
        return;
    };
    assert_eq!(queries.len(), 68);
    let all = one_prefilter(&queries);
    let each: Vec<Prefilter> = queries
        .iter()
        .map(|(_, query)| Prefilter::new(vec![query.required_literals()]).unwrap())
        .collect();
    let (mut matched, mut passed, mut texts) = (0, 0, 0);
    for event in events() {
        let value: Value = serde_json::from_str(&event).expect("events are JSON");
        let matching: Vec<&str> = queries
            .iter()
            .filter(|(_, query)| query.matches(&JsonEvent(&value)))
            .map(|(id, _)| id.as_str())
            .collect();
        matched += usize::from(!matching.is_empty());
        for text in [
            event.clone(),
            value.to_string(),
            escaped(&value, true),
            escaped(&value, false),
        ] {
            let some_own = each
                .iter()
                .any(|prefilter| prefilter.may_match(text.as_bytes()));
            assert_eq!(all.may_match(text.as_bytes()), some_own, "{text}");
            assert!(
                matching.is_empty() || some_own,
                "{matching:?} match but the prefilter rejects {text}"
            );
            passed += usize::from(some_own);
            texts += 1;
        }
    }
    // Enough matches and rejections for the comparison to mean something.
    assert!(matched > 100, "only {matched} events match");
    assert!(
        passed > 1000 && texts - passed > 1000,
        "{passed} of {texts} pass"
    );
}

/// Every event some rule matches, as text, with the rules.
fn matched_events(queries: &[(String, CompiledQuery)]) -> Vec<String> {
    events()
        .into_iter()
        .filter(|event| {
            let value: Value = serde_json::from_str(event).expect("events are JSON");
            queries
                .iter()
                .any(|(_, query)| query.matches(&JsonEvent(&value)))
        })
        .collect()
}

/// Whether some rule matches `text`, when it is a JSON object.
fn some_rule_matches(queries: &[(String, CompiledQuery)], text: &str) -> bool {
    let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    queries
        .iter()
        .any(|(_, query)| query.matches(&JsonEvent(&value)))
}

/// `text` (an object) with a first member whose string is `pad` bytes
/// long: every literal after it moves by `pad` against the sampling.
fn shifted(text: &str, pad: usize) -> String {
    format!("{{\"pad\":\"{}\",{}", "x".repeat(pad), &text[1..])
}

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

/// `text` with one ASCII byte changed: its case flipped, removed, doubled or
/// replaced by another printable byte.
fn mutated(text: &str, random: &mut Random) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let at = random.below(bytes.len());
    if !bytes[at].is_ascii() {
        return None;
    }
    match random.below(4) {
        0 => bytes[at] ^= 0x20 * u8::from(bytes[at].is_ascii_alphabetic()),
        1 => {
            bytes.remove(at);
        }
        2 => bytes.insert(at, bytes[at]),
        _ => bytes[at] = b' ' + random.below(95) as u8,
    }
    String::from_utf8(bytes).ok()
}

#[test]
fn no_rule_matches_a_shifted_or_mutated_event_the_prefilter_rejects() {
    let Some(queries) = corpus_queries() else {
        eprintln!("SKIPPED: ../shared/corpus/detection-rules-azure is absent, so the 68 rules' prefilter was not checked");
        return;
    };
    let all = one_prefilter(&queries);
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let (mut still_matching, mut rejected) = (0, 0);
    for event in matched_events(&queries) {
        // Every offset against a stride of up to 8, twice over.
        for pad in 0..16 {
            let text = shifted(&event, pad);
            assert!(all.may_match(text.as_bytes()), "rejected, shifted: {text}");
        }
        for _ in 0..24 {
            let Some(text) = mutated(&event, &mut random) else {
                continue;
            };
            if some_rule_matches(&queries, &text) {
                still_matching += 1;
                assert!(all.may_match(text.as_bytes()), "rejected, mutated: {text}");
            } else {
                rejected += usize::from(!all.may_match(text.as_bytes()));
            }
        }
    }
    // Mutations that keep a match, and some that break a literal.
    assert!(
        still_matching > 1000 && rejected > 10,
        "{still_matching} still match, {rejected} rejected"
    );
}
