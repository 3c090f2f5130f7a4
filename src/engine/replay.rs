//! Kibana's scheduled execution of query rules, replayed over a batch of events.
//!
//! Kibana runs each rule every `interval`; each execution searches the window
//! `[from, to]` (date math relative to the execution time) on the rule's time
//! field, sorts the matches by time, skips events that already have an alert
//! from this rule (same deterministic `kibana.alert.uuid`), and creates at most
//! `max_signals` alerts, warning when it had to stop
//! (`search_after_bulk_create_factory.ts`, `filter_duplicate_alerts.ts`,
//! `build_events_query.ts`). Replaying a day of logs through the same steps
//! gives the alerts Kibana would have created, including the ones it would
//! have missed: matches past the cap of an execution that no later window
//! covers, and matches in gaps between windows when the look-back is shorter
//! than the interval.
//!
//! Executions start at the earliest event time (or `start`) and repeat every
//! interval until one reaches the latest event time (or `end`). The time field
//! is `timestamp_override` when the rule sets one; an event without it is
//! timed by `@timestamp` unless `timestamp_override_fallback_disabled`.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use super::{data_stream_name, CompiledRule, Engine};
use crate::alert::{build_alert, AlertContext};
use crate::compile::CompiledQuery;
use crate::date::{self, Resolution};
use crate::error::{Error, ErrorType};
use crate::event::{Event, JsonEvent, Scalar};
use crate::ids::{self, SourceIdentity};
use crate::rule::Rule;
use crate::time::Timestamp;

/// Kibana's warning when an execution stops at `max_signals` (`getMaxSignalsWarning`).
pub const MAX_SIGNALS_WARNING: &str =
    "This rule reached the maximum alert limit for the rule execution. Some alerts were not created.";

/// More executions than this (all rules together) is refused: a mistyped
/// `--start` should fail fast rather than run for hours.
pub const MAX_EXECUTIONS: usize = 2_000_000;

/// One input event and, when the input said, where Elasticsearch stores it.
#[derive(Clone, Debug)]
pub struct ReplayEvent {
    /// The document.
    pub document: Value,
    /// Its `_index` and `_id`, for search hits.
    pub stored: Option<SourceIdentity>,
}

/// The time span to replay; each end defaults to the events' own span.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReplayOptions {
    /// The first execution's time.
    pub start: Option<Timestamp>,
    /// Executions continue until one is at or after this time.
    pub end: Option<Timestamp>,
}

/// What a replay produced.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Replay {
    /// The alerts, in execution order.
    pub alerts: Vec<Value>,
    /// One summary per rule execution, in time order.
    pub executions: Vec<ExecutionSummary>,
    /// Time no execution of a rule searched.
    pub gaps: Vec<Gap>,
    /// Per rule, events it matched that have no usable time field, so no
    /// execution could ever find them.
    pub untimed: Vec<UntimedMatches>,
}

/// One execution of one rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExecutionSummary {
    /// The rule's `rule_id`.
    pub rule_id: String,
    /// The rule's name.
    pub rule_name: String,
    /// When the execution ran.
    pub time: String,
    /// The searched window, inclusive at both ends.
    pub window: Window,
    /// Matching events in the window.
    pub matched: usize,
    /// Alerts created.
    pub created: usize,
    /// Matches skipped because an alert for them already existed.
    pub deduplicated: usize,
    /// Matches not alerted because the execution reached `max_signals`.
    pub truncated: usize,
    /// Kibana's warnings for this execution.
    pub warnings: Vec<String>,
}

/// A searched time window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Window {
    /// The first instant searched.
    pub from: String,
    /// The last instant searched.
    pub to: String,
}

/// Time between two consecutive windows of a rule that neither searched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Gap {
    /// The rule's `rule_id`.
    pub rule_id: String,
    /// The first instant not searched.
    pub from: String,
    /// The last instant not searched.
    pub to: String,
    /// Events the rule matches whose time falls in the gap: alerts Kibana would miss.
    pub missed_matches: usize,
}

/// Matches a rule could never alert on, for want of a time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UntimedMatches {
    /// The rule's `rule_id`.
    pub rule_id: String,
    /// How many.
    pub events: usize,
}

/// A match, with what the executions need to know about it.
struct Match {
    /// Position in the input, which breaks ties in time order.
    event: usize,
    /// The event's values of the rule's time field(s), in milliseconds.
    times: Vec<i64>,
}

impl Match {
    fn earliest_time(&self) -> i64 {
        self.times.iter().copied().min().unwrap_or(i64::MAX)
    }

    fn in_window(&self, from: i64, to: i64) -> bool {
        self.times.iter().any(|time| (from..=to).contains(time))
    }
}

/// `items` ordered by the time `time_of` gives each, items of one time in
/// the order they came: a stable sort, done as the standard unstable sort of
/// (time, position) pairs, which no two items share. Why not `sort_by_key`:
/// the standard sorts are compiled once per element type (a stable one is
/// about 7 KB of wasm), and this way replay's lists (alerts and matches) share
/// one copy; why not `crate::sort`: these lists grow with the input, and it
/// is tens of times slower on 100,000 items.
fn in_time_order<T>(items: Vec<T>, time_of: impl Fn(&T) -> i64) -> Vec<T> {
    let mut order: Vec<(i64, usize)> = items.iter().map(time_of).zip(0..).collect();
    order.sort_unstable();
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, position)| slots[position].take())
        .collect()
}

impl Engine {
    /// [`Engine::replay`] over inputs given as JSON texts (a host's array of
    /// events, records or envelopes), read with the engine's input options;
    /// the first malformed one fails the replay, naming its position.
    pub fn replay_json(&self, texts: &[String], options: ReplayOptions) -> Result<Replay, Error> {
        let mut events = Vec::new();
        for (position, text) in texts.iter().enumerate() {
            let in_position = |error: Error| error.in_origin(format!("events[{position}]"));
            let value: Value = serde_json::from_slice(text.as_bytes())
                .map_err(|error| in_position(crate::input::invalid_json(&error, text)))?;
            for ingested in self.ingest(value, Some(text)) {
                let ingested = ingested.map_err(in_position)?;
                super::require_object(&ingested.document).map_err(in_position)?;
                events.push(ReplayEvent {
                    document: ingested.document,
                    stored: ingested.identity,
                });
            }
        }
        self.replay(&events, options)
    }

    /// Replays the rules' scheduled executions over `events`.
    pub fn replay(&self, events: &[ReplayEvent], options: ReplayOptions) -> Result<Replay, Error> {
        let span = ReplaySpan::of(self, events, options);
        let Some(span) = span else {
            return Ok(Replay::default());
        };
        let mut executions = 0usize;
        for compiled in &self.compiled.rules {
            let interval = interval_of(&compiled.rule)?;
            executions += (span.end.saturating_sub(span.start) / interval) as usize + 1;
        }
        if executions > MAX_EXECUTIONS {
            return Err(Error::new(
                ErrorType::OptionsInvalid,
                "too_many_executions",
                format!(
                    "replaying {} to {} takes {executions} rule executions, more than the limit of {MAX_EXECUTIONS}: narrow the time span",
                    Timestamp(span.start),
                    Timestamp(span.end)
                ),
            ));
        }
        let mut replay = Replay::default();
        let mut created = Vec::new();
        for compiled in &self.compiled.rules {
            let rule_replay = RuleReplay::new(self, compiled, events)?;
            rule_replay.run(span, &mut created, &mut replay)?;
        }
        // Alerts were created rule by rule, each rule's in its order: among
        // alerts of one time, the order they came in.
        replay.alerts = in_time_order(created, |(time, _)| *time)
            .into_iter()
            .map(|(_, alert)| alert)
            .collect();
        crate::sort::sort_by(&mut replay.executions, |a, b| a.time.cmp(&b.time));
        Ok(replay)
    }
}

/// The first and last execution times, in milliseconds.
#[derive(Clone, Copy)]
struct ReplaySpan {
    start: i64,
    end: i64,
}

impl ReplaySpan {
    /// The span of `options`, completed from the events' times (over every
    /// rule's time field); `None` when no event has a time and no span is given.
    fn of(engine: &Engine, events: &[ReplayEvent], options: ReplayOptions) -> Option<ReplaySpan> {
        let mut earliest = None::<i64>;
        let mut latest = None::<i64>;
        if options.start.is_none() || options.end.is_none() {
            for compiled in &engine.compiled.rules {
                for event in events {
                    for time in event_times(&compiled.rule, &event.document) {
                        earliest = Some(earliest.map_or(time, |t| t.min(time)));
                        latest = Some(latest.map_or(time, |t| t.max(time)));
                    }
                }
            }
        }
        let start = options.start.map(|t| t.0).or(earliest)?;
        let end = options.end.map(|t| t.0).or(latest)?.max(start);
        Some(ReplaySpan { start, end })
    }
}

/// One rule's matches and schedule.
struct RuleReplay<'a> {
    engine: &'a Engine,
    compiled: &'a CompiledRule,
    events: &'a [ReplayEvent],
    matches: Vec<Match>,
    untimed: usize,
    interval: i64,
    /// Queries with date math (`@timestamp > now-1h`) are compiled again for
    /// each execution, since `now` is the execution's time.
    uses_now: bool,
}

impl<'a> RuleReplay<'a> {
    fn new(
        engine: &'a Engine,
        compiled: &'a CompiledRule,
        events: &'a [ReplayEvent],
    ) -> Result<RuleReplay<'a>, Error> {
        let uses_now = compiled.rule.query.to_ascii_lowercase().contains("now");
        let mut matches = Vec::new();
        let mut untimed = 0;
        for (position, event) in events.iter().enumerate() {
            if !engine.searches(compiled, event) {
                continue;
            }
            // A date-math query is matched per execution; here only its timing is known.
            if !uses_now && !compiled.query.matches(&JsonEvent(&event.document)) {
                continue;
            }
            let times = event_times(&compiled.rule, &event.document);
            if times.is_empty() {
                untimed += 1;
            } else {
                matches.push(Match {
                    event: position,
                    times,
                });
            }
        }
        // Pushed in input order, so among matches of one earliest time, by position.
        let matches = in_time_order(matches, Match::earliest_time);
        Ok(RuleReplay {
            engine,
            compiled,
            events,
            matches,
            untimed,
            interval: interval_of(&compiled.rule)?,
            uses_now,
        })
    }

    fn run(
        &self,
        span: ReplaySpan,
        created: &mut Vec<(i64, Value)>,
        replay: &mut Replay,
    ) -> Result<(), Error> {
        let rule = &self.compiled.rule;
        let mut alerted: HashSet<String> = HashSet::new();
        let mut previous_window: Option<(i64, i64)> = None;
        let mut time = span.start;
        loop {
            let window = rule.window_at(time)?;
            if let Some((_, previous_to)) = previous_window {
                if window.0 > previous_to + 1 {
                    replay.gaps.push(self.gap(previous_to + 1, window.0 - 1));
                }
            }
            let summary = self.execute(time, window, &mut alerted, created)?;
            replay.executions.push(summary);
            previous_window = Some(window);
            if time >= span.end {
                break;
            }
            time = time.saturating_add(self.interval);
        }
        if self.untimed > 0 {
            replay.untimed.push(UntimedMatches {
                rule_id: rule.rule_id.clone(),
                events: self.untimed,
            });
        }
        Ok(())
    }

    /// One execution at `time` over `window`.
    fn execute(
        &self,
        time: i64,
        (from, to): (i64, i64),
        alerted: &mut HashSet<String>,
        created: &mut Vec<(i64, Value)>,
    ) -> Result<ExecutionSummary, Error> {
        let rule = &self.compiled.rule;
        let now = Timestamp(time);
        let query = self.query_at(now)?;
        let mut summary = ExecutionSummary {
            rule_id: rule.rule_id.clone(),
            rule_name: rule.name.clone(),
            time: now.to_string(),
            window: Window {
                from: Timestamp(from).to_string(),
                to: Timestamp(to).to_string(),
            },
            matched: 0,
            created: 0,
            deduplicated: 0,
            truncated: 0,
            warnings: Vec::new(),
        };
        for found in self
            .matches
            .iter()
            .filter(|found| found.in_window(from, to))
        {
            let event = &self.events[found.event];
            let document = JsonEvent(&event.document);
            if let Some(query) = &query {
                if !query.matches(&document) {
                    continue;
                }
            }
            // Exceptions apply at the execution's time: an item stops applying once it expires.
            if self
                .compiled
                .exceptions
                .excepting_item(&document, now)
                .is_some()
            {
                continue;
            }
            summary.matched += 1;
            let source = self
                .engine
                .source_identity(&event.document, event.stored.as_ref());
            let uuid = ids::alert_uuid(
                &source,
                &self.engine.space_id,
                self.compiled.snapshot().uuid(),
            );
            if alerted.contains(&uuid) {
                summary.deduplicated += 1;
                continue;
            }
            if summary.created >= rule.max_signals as usize {
                summary.truncated += 1;
                continue;
            }
            let context = AlertContext {
                now,
                source: &source,
                space_id: &self.engine.space_id,
            };
            created.push((
                time,
                build_alert(&event.document, rule, self.compiled.snapshot(), &context),
            ));
            alerted.insert(uuid);
            summary.created += 1;
        }
        if summary.truncated > 0 {
            summary.warnings.push(MAX_SIGNALS_WARNING.to_string());
        }
        Ok(summary)
    }

    /// The query as compiled for an execution at `now`, when it uses date math.
    fn query_at(&self, now: Timestamp) -> Result<Option<CompiledQuery>, Error> {
        if !self.uses_now {
            return Ok(None);
        }
        self.compiled
            .rule
            .compile(&self.engine.compiled.schema, now)
            .map(Some)
    }

    fn gap(&self, from: i64, to: i64) -> Gap {
        Gap {
            rule_id: self.compiled.rule.rule_id.clone(),
            from: Timestamp(from).to_string(),
            to: Timestamp(to).to_string(),
            missed_matches: self
                .matches
                .iter()
                .filter(|found| found.in_window(from, to))
                .count(),
        }
    }
}

/// How long after an event's time a Kibana execution of `rule` may still
/// search it: the window's length plus one interval.
pub(super) fn reach_millis(rule: &Rule) -> Option<i64> {
    let (from, to) = rule.window_at(0).ok()?;
    Some((to - from).saturating_add(rule.interval_millis()?))
}

fn interval_of(rule: &Rule) -> Result<i64, Error> {
    rule.interval_millis().ok_or_else(|| {
        Error::new(
            ErrorType::RuleInvalid,
            "invalid_interval",
            format!(
                "rule {}: interval `{}` is not a number and a unit s, m, h or d",
                rule.rule_id, rule.interval
            ),
        )
    })
}

/// The times by which `rule` finds `event`: its `timestamp_override` values,
/// else (unless the fallback is disabled) its `@timestamp` values.
fn event_times(rule: &Rule, event: &Value) -> Vec<i64> {
    let primary = rule.timestamp_override.as_deref().unwrap_or("@timestamp");
    let times = field_times(event, primary);
    let falls_back =
        primary != "@timestamp" && rule.timestamp_override_fallback_disabled != Some(true);
    if times.is_empty() && falls_back {
        return field_times(event, "@timestamp");
    }
    times
}

/// An event's values of a date field, as Elasticsearch indexes them.
fn field_times(event: &Value, field: &str) -> Vec<i64> {
    let mut times = Vec::new();
    JsonEvent(event).any_value(field, &mut |value| {
        let instant = match value {
            Scalar::Text(text) => date::parse_document_text(text, Resolution::Milliseconds),
            Scalar::Number(text) => date::parse_document_number(text, Resolution::Milliseconds),
            Scalar::Boolean(_) => None,
        };
        if let Some(instant) = instant {
            times.push(instant.0.div_euclid(1_000_000) as i64);
        }
        false
    });
    times
}

impl Engine {
    /// Whether `compiled`'s index patterns cover where `event` is stored.
    fn searches(&self, compiled: &CompiledRule, event: &ReplayEvent) -> bool {
        let index = event
            .stored
            .as_ref()
            .map(|stored| stored.index.clone())
            .or_else(|| self.index.clone())
            .or_else(|| data_stream_name(&event.document));
        index.is_none_or(|index| compiled.indices.includes(&index))
    }
}

#[cfg(test)]
mod tests {
    use super::in_time_order;

    #[test]
    fn items_of_one_time_keep_the_order_they_came_in() {
        // (time, name): the expected order by names.
        let cases: [(&[(i64, &str)], &str); 5] = [
            (&[], ""),
            (&[(3, "a")], "a"),
            (&[(2, "a"), (1, "b"), (2, "c"), (1, "d")], "bdac"),
            (&[(5, "a"), (5, "b"), (5, "c"), (5, "d")], "abcd"),
            (
                &[
                    (i64::MAX, "a"),
                    (i64::MIN, "b"),
                    (0, "c"),
                    (i64::MIN, "d"),
                    (0, "e"),
                ],
                "bdcea",
            ),
        ];
        for (items, expected) in cases {
            let ordered = in_time_order(items.to_vec(), |(time, _)| *time);
            let names: String = ordered.iter().map(|(_, name)| *name).collect();
            assert_eq!(names, expected, "{items:?}");
        }
    }
}
