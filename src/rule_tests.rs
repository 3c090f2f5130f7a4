//! Rule tests: each rule against sample events that must, and must not, alert.
//!
//! A rule repository keeps, next to each rule file `NAME.toml`, the events
//! `NAME.positive.ndjson` (each must raise an alert from every rule in the
//! file) and `NAME.negative.ndjson` (none may); the shell finds and reads the
//! files, this module judges them and writes the report as text, JSON or
//! JUnit XML, so a CI job can gate rule changes. A failing sample comes with
//! the clause-by-clause explanation of why the rule did or did not match.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::engine::Engine;
use crate::error::Error;

/// One sample event and what it must do.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The file it came from.
    pub origin: String,
    /// Its first line in that file.
    pub line: usize,
    /// True for a positive sample (it must alert).
    pub must_alert: bool,
    /// The event, or why it could not be read.
    pub event: Result<Value, Error>,
}

/// The outcome for one rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleTestResult {
    /// The rule file.
    pub file: String,
    /// The rule's `rule_id`.
    pub rule_id: String,
    /// The rule's name.
    pub name: String,
    /// `passed`, `failed`, or `no_samples`.
    pub status: &'static str,
    /// Positive samples run.
    pub positives: usize,
    /// Negative samples run.
    pub negatives: usize,
    /// Each sample that did not do what it must.
    pub failures: Vec<SampleFailure>,
}

/// A sample that failed, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SampleFailure {
    /// Where the sample is: file and line.
    pub sample: String,
    /// `alert` or `no alert`.
    pub expected: &'static str,
    /// What happened instead.
    pub got: String,
    /// Why: the rule's clause-by-clause explanation, or the sample's error.
    pub explanation: String,
}

/// Runs `samples` against every rule of `engine` (the rules of one file).
pub fn test_rule_file(file: &str, engine: &Engine, samples: &[Sample]) -> Vec<RuleTestResult> {
    engine
        .rules()
        .enumerate()
        .map(|(position, rule)| {
            let failures = samples
                .iter()
                .filter_map(|sample| judge(engine, position, sample))
                .collect::<Vec<_>>();
            let positives = samples.iter().filter(|sample| sample.must_alert).count();
            let status = match (samples.is_empty(), failures.is_empty()) {
                (true, _) => "no_samples",
                (false, true) => "passed",
                (false, false) => "failed",
            };
            RuleTestResult {
                file: file.to_string(),
                rule_id: rule.rule_id.clone(),
                name: rule.name.clone(),
                status,
                positives,
                negatives: samples.len() - positives,
                failures,
            }
        })
        .collect()
}

/// The failure of `sample` against the rule at `position`, if it fails.
fn judge(engine: &Engine, position: usize, sample: &Sample) -> Option<SampleFailure> {
    let expected = if sample.must_alert {
        "alert"
    } else {
        "no alert"
    };
    let place = format!("{}, line {}", sample.origin, sample.line);
    let event = match &sample.event {
        Ok(event) => event,
        Err(error) => {
            return Some(SampleFailure {
                sample: place,
                expected,
                got: "an unreadable sample".to_string(),
                explanation: error.rendered(),
            })
        }
    };
    let verdict = match engine.rule_verdict(position, event) {
        Ok(verdict) => verdict,
        Err(error) => {
            return Some(SampleFailure {
                sample: place,
                expected,
                got: "an invalid event".to_string(),
                explanation: error.rendered(),
            })
        }
    };
    if verdict.alerted == sample.must_alert {
        return None;
    }
    Some(SampleFailure {
        sample: place,
        expected,
        got: if verdict.alerted {
            "an alert"
        } else {
            "no alert"
        }
        .to_string(),
        explanation: verdict.why,
    })
}

/// Totals over a set of results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Rules whose samples all passed.
    pub passed: usize,
    /// Rules with a failing sample.
    pub failed: usize,
    /// Rules without samples.
    pub no_samples: usize,
}

impl Totals {
    /// Counts `results` by status.
    pub fn of(results: &[RuleTestResult]) -> Totals {
        let count = |status| {
            results
                .iter()
                .filter(|result| result.status == status)
                .count()
        };
        Totals {
            passed: count("passed"),
            failed: count("failed"),
            no_samples: count("no_samples"),
        }
    }
}

/// The report as text: one line per rule, each failure with its explanation.
pub fn render_text(results: &[RuleTestResult]) -> String {
    let mut out = String::new();
    for result in results {
        let verdict = match result.status {
            "passed" => "PASS",
            "failed" => "FAIL",
            _ => "SKIP",
        };
        let _ = writeln!(
            out,
            "{verdict} {} ({}) — {} positive, {} negative samples{}",
            result.name,
            result.file,
            result.positives,
            result.negatives,
            if result.status == "no_samples" {
                ": no samples found"
            } else {
                ""
            }
        );
        for failure in &result.failures {
            let _ = writeln!(
                out,
                "  {}: expected {}, got {}\n{}",
                failure.sample,
                failure.expected,
                failure.got,
                indent(&failure.explanation, "    ")
            );
        }
    }
    let totals = Totals::of(results);
    let _ = writeln!(
        out,
        "rules {}, passed {}, failed {}, without samples {}",
        results.len(),
        totals.passed,
        totals.failed,
        totals.no_samples
    );
    out
}

/// The report as JSON: `{rules: [...], totals: {...}}`.
pub fn render_json(results: &[RuleTestResult]) -> Value {
    serde_json::json!({ "rules": results, "totals": Totals::of(results) })
}

/// The report as JUnit XML: one test case per rule, failures with their explanations.
pub fn render_junit(results: &[RuleTestResult]) -> String {
    let totals = Totals::of(results);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"kql-detect\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        results.len(),
        totals.failed,
        totals.no_samples
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"rule tests\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        results.len(),
        totals.failed,
        totals.no_samples
    );
    for result in results {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\">",
            xml_escape(&result.file),
            xml_escape(&result.name)
        );
        if result.status == "no_samples" {
            out.push_str("<skipped message=\"no samples found\"/>");
        }
        for failure in &result.failures {
            let _ = write!(
                out,
                "<failure message=\"{}: expected {}, got {}\">{}</failure>",
                xml_escape(&failure.sample),
                failure.expected,
                xml_escape(&failure.got),
                xml_escape(&failure.explanation)
            );
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|line| format!("{prefix}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text safe in XML attributes and content; characters XML 1.0 forbids become `?`.
fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(character),
            control if (control as u32) < 0x20 => escaped.push('?'),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping_covers_markup_and_forbidden_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;?"
        );
    }
}
