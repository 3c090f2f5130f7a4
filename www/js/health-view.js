// Rule health across the pasted data: per rule, the findings first (the
// clauses that alone kept it silent, with the values they saw there; clauses
// that never matched; queried fields no event has), then every clause with
// its counts.

import { count, el } from './dom.js';
import { eventPlace, icon } from './why-view.js';

const LISTED_EVENTS = 10;

/** The health of every rule; `onSelect(index)` explains event `index`. */
export function healthView(report, events, onSelect) {
  if (report.length === 0) return [el('p', { className: 'hint' }, 'No events were evaluated.')];
  return report.map((rule) => ruleHealth(rule, events, onSelect));
}

function ruleHealth(rule, events, onSelect) {
  const excepted = rule.excepted ? `, and ${count(rule.excepted)} more matched its query but were excepted` : '';
  return el(
    'section',
    { className: 'health-rule', 'aria-label': `Health of ${rule.name}` },
    el('h3', {}, rule.name),
    el('p', {}, `Fired on ${count(rule.matched)} of ${count(rule.events)} events${excepted}.`),
    el('ul', { className: 'findings' }, findings(rule, events, onSelect)),
    clauseTable(rule),
  );
}

function findings(rule, events, onSelect) {
  const items = [
    ...blockers(rule).map((row) => blockerItem(row, events, onSelect)),
    ...neverMatched(rule).map((row) => el('li', {}, icon(false), ' ', el('code', {}, row.text), ` matched no event`)),
    ...missingFields(rule).map((text) => el('li', {}, icon(false), ' ', text)),
  ];
  return items.length ? items : [el('li', {}, icon(true), ' Every clause matched some event, and every field the rule reads is present.')];
}

/** The clauses that alone kept the rule silent: the conjuncts of an `and` (or a lone clause), most often first. */
function blockers(rule) {
  return rule.clauses
    .filter((row) => row.decisive > 0 && (row.parent ? row.parent.kind === 'and' : row.leaf))
    .sort((a, b) => b.decisive - a.decisive);
}

function blockerItem(row, events, onSelect) {
  const listed = row.decisiveEvents.slice(0, LISTED_EVENTS);
  const more = row.decisive > listed.length ? ` and ${count(row.decisive - listed.length)} more` : '';
  return el(
    'li',
    { className: 'blocker' },
    icon(false),
    ' ',
    el('code', {}, row.text),
    ` alone kept the rule silent on ${count(row.decisive)} event${row.decisive === 1 ? ' (line ' : 's (lines '}`,
    listed.map((index, position) => [
      position > 0 ? ', ' : '',
      el('button', { type: 'button', className: 'link', onclick: () => onSelect(index), 'aria-label': `Explain line ${eventPlace(events.at(index))}` }, eventPlace(events.at(index))),
    ]),
    `${more})`,
    row.values.length > 0 && [`; there it saw `, row.values.map(([value, times], position) => [position > 0 ? ', ' : '', `“${value}”`, times > 1 ? ` ×${times}` : ''])],
  );
}

/** Clauses that matched nothing although their parent was reached (the top of each such branch). */
function neverMatched(rule) {
  return rule.clauses.filter((row) => row.parent && row.matched === 0 && (row.parent.matched > 0 || row.depth === 1) && rule.events > 0);
}

function missingFields(rule) {
  return rule.clauses.flatMap((row) => {
    if (!row.leaf) return [];
    if (row.kind === 'fields' && row.fields.length === 0) return [`no event has a field matching ${row.pattern}`];
    return row.fields.filter((field) => field.events === 0).map((field) => `no event has ${field.field}`);
  });
}

function clauseTable(rule) {
  return el(
    'table',
    { className: 'health' },
    el('caption', { className: 'visually-hidden' }, `Clauses of ${rule.name}`),
    el('thead', {}, el('tr', {}, ['Clause', 'Matched in', 'Alone kept it silent', 'Fields read (events that have them)'].map((name) => el('th', { scope: 'col' }, name)))),
    el(
      'tbody',
      {},
      rule.clauses.map((row) =>
        el(
          'tr',
          { className: row.matched === 0 ? 'never' : null },
          el('td', { className: `depth-${Math.min(row.depth, 6)}` }, el('span', { className: 'kind' }, row.kind), ' ', row.depth === 0 && !row.leaf ? 'the whole query' : el('code', {}, row.text || row.pattern || '')),
          el('td', { className: 'number' }, `${count(row.matched)} / ${count(rule.events)}`),
          // The whole query "alone" keeps the rule silent on every event it fails: not worth a number.
          el('td', { className: 'number' }, row.depth === 0 && !row.leaf ? '—' : count(row.decisive)),
          el('td', {}, row.fields.map((field) => el('div', {}, el('code', {}, field.field), ` [${field.type}] ${count(field.events)}`))),
        ),
      ),
    ),
  );
}
