// Short summaries the worker sends to the page instead of whole documents:
// one row per alert for the alerts table, and per event a label and, rule by
// rule, the clauses that failed and the values they saw.

import { pathValue, valueText } from './values.js';

// The columns Elastic's alerts table shows by default, where an event has them.
const KEY_FIELDS = ['event.action', 'user.name', 'source.ip', 'host.name', 'process.name', 'file.name', 'destination.ip'];
const LABEL_FIELDS = ['event.dataset', 'event.action', 'user.name'];
const SEEN_VALUES = 3;

/** What the alerts table shows of alert number `index`, raised by input `input`. */
export function alertRow(alert, index, input) {
  const at = (path) => pathValue(alert, path);
  return {
    index,
    input: input.index,
    line: input.line,
    time: at('kibana.alert.original_time') ?? at('@timestamp') ?? '',
    rule: at('kibana.alert.rule.name') ?? '',
    severity: at('kibana.alert.severity') ?? '',
    risk: at('kibana.alert.risk_score') ?? 0,
    reason: at('kibana.alert.reason') ?? '',
    fields: present(alert, KEY_FIELDS),
  };
}

/** A few words saying what an event is: its dataset, action and user. */
export function eventLabel(document) {
  return present(document, LABEL_FIELDS).map(([, value]) => value).join(' · ');
}

/** Rule by rule: whether it matched and, if not, which clauses failed and what they saw. */
export function verdicts(explanation) {
  return explanation.rules.map((rule) => ({
    name: rule.name,
    matched: rule.matched,
    excepted: !rule.matched && rule.clause.matched,
    failed: rule.clause.matched ? [] : failing(rule.clause),
  }));
}

function failing(clause) {
  if (clause.kind === 'and') return clause.children.filter((child) => !child.matched).flatMap(failing);
  return [{ text: clause.text, seen: seenValues(clause, new Set()), note: clause.note ?? null }];
}

function seenValues(clause, seen) {
  for (const field of clause.fields ?? []) {
    for (const { value } of field.values) if (seen.size < SEEN_VALUES) seen.add(valueText(value));
  }
  for (const child of clause.children ?? []) seenValues(child, seen);
  return [...seen];
}

function present(object, paths) {
  return paths
    .map((path) => [path, pathValue(object, path)])
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([path, value]) => [path, valueText(value)]);
}
