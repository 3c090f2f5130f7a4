// "Why": the events of a run, each with its verdict and, when no rule fired,
// the clauses that failed and what they saw; and for the chosen event, the
// engine's clause-by-clause explanation: the fields each clause read (after
// `*` expansion), their types, the query run on them, every value compared,
// and the verdicts.

import { count, el, pager, replace } from './dom.js';
import { Events } from './events.js';
import { shapeLabel } from './labels.js';
import { segments, spanIndices } from './text.js';
import { valueText } from './values.js';

const PAGE = 25;
const BRANCHES = new Set(['and', 'or', 'not']);

export class EventsTable {
  /** `fetchSummaries(events)` resolves to a `{label, verdicts}` per event; `onSelect(index)` explains one. */
  constructor({ table, filter, pager, fetchSummaries, onSelect }) {
    Object.assign(this, { table, filter, pager, fetchSummaries, onSelect });
    this.events = new Events();
    this.rules = [];
    this.page = 0;
    this.selected = null;
    filter.addEventListener('change', () => {
      this.page = 0;
      this.render();
    });
  }

  show(events, rules) {
    Object.assign(this, { events, rules, page: 0, selected: null });
    this.render();
  }

  /** Marks event `index` as the one explained, turning to its page. */
  select(index) {
    this.selected = index;
    if (!this.visible().includes(index)) this.filter.value = 'all';
    this.page = Math.floor(this.visible().indexOf(index) / PAGE);
    this.render();
  }

  /** Indexes of the events the filter lets through. */
  visible() {
    const wanted = this.filter.value;
    const indexes = Array.from({ length: this.events.length }, (_, index) => index);
    if (wanted === 'all') return indexes;
    return indexes.filter((index) => this.events.hasFired(index) === (wanted === 'fired'));
  }

  render() {
    const visible = this.visible();
    const pages = Math.max(1, Math.ceil(visible.length / PAGE));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    const shown = visible.slice(this.page * PAGE, (this.page + 1) * PAGE);
    const rows = shown.map((index) => this.row(index));
    replace(this.table.tBodies[0], rows.length ? rows.map(({ node }) => node) : el('tr', {}, el('td', { colspan: 5, className: 'empty' }, 'No events.')));
    this.renderPager(visible.length, pages);
    const wanted = shown.map((index) => this.events.at(index));
    if (wanted.length === 0) return;
    this.fetchSummaries(wanted).then(
      (summaries) => summaries.forEach((summary, position) => rows[position].fill(summary)),
      () => {}, // A newer run replaced these rows; they keep their first verdicts.
    );
  }

  row(index) {
    const event = this.events.at(index);
    const label = el('td', { className: 'label' }, '…');
    const verdict = el('td', {}, firedVerdict(event, this.rules));
    const name = `Explain line ${event.line}${event.doc > 0 ? `, event ${event.doc + 1}` : ''}`;
    const node = el(
      'tr',
      { className: index === this.selected ? 'selected' : null, 'aria-current': index === this.selected ? 'true' : null },
      el('td', { className: 'number' }, eventPlace(event)),
      el('td', {}, shapeLabel(event.shape)),
      label,
      verdict,
      el('td', {}, el('button', { type: 'button', 'aria-label': name, onclick: () => this.onSelect(index) }, 'Explain')),
    );
    const fill = ({ label: text, verdicts }) => {
      label.textContent = text || '—';
      if (event.fired.length === 0) replace(verdict, silentVerdict(verdicts));
    };
    return { node, fill };
  }

  renderPager(total, pages) {
    pager(this.pager, this, { summary: `page ${count(this.page + 1)} of ${count(pages)} · ${count(total)} events`, what: 'events', pages });
  }
}

/** "12", or "12 #3" for the third event of an envelope on line 12. */
export function eventPlace(event) {
  return event.doc > 0 ? `${event.line} #${event.doc + 1}` : String(event.line);
}

function firedVerdict(event, rules) {
  if (event.fired.length === 0) return el('span', { className: 'fail' }, icon(false), ' no rule fires');
  return el('span', { className: 'ok' }, icon(true), ' fires: ', event.fired.map((position) => rules[position]?.name ?? '?').join(', '));
}

/** For an event no rule fired on: the rule that came closest, and the clauses that failed. */
function silentVerdict(verdicts) {
  const closest = [...verdicts].sort((a, b) => a.failed.length - b.failed.length)[0];
  if (!closest) return 'no rules';
  if (closest.excepted) return el('span', {}, icon(false), ` ${closest.name}: the query matches, but an exception item excepts the event`);
  return el(
    'div',
    {},
    verdicts.length > 1 && el('p', { className: 'closest' }, `closest: ${closest.name}`),
    el('ul', { className: 'failed' }, closest.failed.map(failedClause)),
  );
}

function failedClause({ text, seen, note }) {
  const saw = seen.length ? ` saw ${seen.map((value) => `“${value}”`).join(', ')}` : note ? ` ${note}` : '';
  return el('li', {}, icon(false), ' ', el('code', {}, text), saw);
}

export class ExplainPanel {
  /** `fetchExplain(input)` resolves to the worker's `{line, text, shape, documents, explanations}`. */
  constructor(node, fetchExplain) {
    this.node = node;
    this.fetchExplain = fetchExplain;
    this.showing = null;
  }

  clear(message) {
    this.showing = null;
    replace(this.node, el('p', { className: 'hint' }, message));
  }

  async show(event) {
    this.showing = event;
    replace(this.node, el('p', { className: 'hint' }, `Explaining line ${event.line}…`));
    const data = await this.fetchExplain(event.input);
    if (this.showing !== event) return;
    const explanation = data.explanations[event.doc];
    const several = data.explanations.length > 1;
    replace(
      this.node,
      el('h3', { tabindex: '-1' }, `Line ${event.line}`, several ? `, event ${event.doc + 1} of ${data.explanations.length}` : '', ` · ${shapeLabel(data.shape)}`),
      explanation.rules.map(ruleExplanation),
      el('details', {}, el('summary', {}, 'The document as Elastic would index it'), pre(JSON.stringify(data.documents[event.doc], null, 2))),
      el('details', {}, el('summary', {}, 'The input as given'), pre(data.text)),
    );
    this.node.querySelector('h3').focus();
  }
}

function ruleExplanation(rule) {
  return el(
    'section',
    { className: 'rule-explanation' },
    el('h4', {}, icon(rule.matched), ' ', rule.name, ' — ', verdictText(rule)),
    el('pre', { className: 'query', 'aria-label': 'The query, its clauses marked by verdict' }, markedQuery(rule.query, rule.clause)),
    el('ul', { className: 'clauses', role: 'list' }, clauseItem(rule.clause, true)),
    rule.exceptions && exceptionsView(rule.exceptions),
  );
}

function verdictText(rule) {
  if (rule.matched) return 'fires';
  if (rule.clause.matched) return 'the query matches, but an exception item excepts the event';
  return 'does not fire';
}

/** The query with each written leaf clause marked green (matched) or red (failed). */
function markedQuery(query, clause) {
  const spans = leaves(clause)
    .filter((leaf) => leaf.span)
    .map((leaf) => {
      const [start, end] = spanIndices(query, leaf.span);
      return { start, end, mark: leaf.matched ? 'ok' : 'fail' };
    });
  return segments(query, spans).map(({ text, mark }) => (mark ? el('mark', { className: mark }, text) : text));
}

function leaves(clause) {
  return BRANCHES.has(clause.kind) ? clause.children.flatMap(leaves) : [clause];
}

/** One clause and its sub-clauses; the root's text is the query shown above it, so it gets a summary instead. */
function clauseItem(clause, root = false) {
  const children = clause.children ?? [];
  const branch = BRANCHES.has(clause.kind);
  return el(
    'li',
    { className: clause.matched ? 'ok' : 'fail' },
    el(
      'div',
      { className: 'clause-head' },
      icon(clause.matched),
      el('span', { className: 'kind' }, clause.kind),
      !(root && branch) && el('code', {}, clause.text || clause.pattern || ''),
      branch && el('span', { className: 'note' }, branchSummary(clause)),
    ),
    clause.kind === 'fields' && clause.fields?.length > 0 && el('p', { className: 'note' }, expansion(clause)),
    clause.fields?.length > 0 && fieldsTable(clause.fields),
    clause.note && el('p', { className: 'note' }, clause.note),
    children.length > 0 && el('ul', { className: 'clauses', role: 'list' }, children.map((child) => clauseItem(child))),
  );
}

function branchSummary(clause) {
  const matched = clause.children.filter((child) => child.matched).length;
  if (clause.kind === 'not') return 'matches when the clause below does not';
  const need = clause.kind === 'and' ? 'all' : 'any';
  return `${need} of ${clause.children.length} must match; ${matched} did`;
}

function expansion(clause) {
  const fields = clause.fields.length;
  return `${clause.pattern} expanded to ${fields} field${fields === 1 ? '' : 's'} of this event:`;
}

function fieldsTable(fields) {
  return el(
    'table',
    { className: 'fields' },
    el('thead', {}, el('tr', {}, ['Field', 'Type', 'Query', 'Values compared'].map((name) => el('th', { scope: 'col' }, name)))),
    el(
      'tbody',
      {},
      fields.map((field) =>
        el(
          'tr',
          {},
          el('td', {}, el('code', {}, field.field)),
          el('td', {}, field.type),
          el('td', {}, el('code', {}, field.test)),
          el('td', {}, field.values.length ? field.values.map(valueChip) : el('span', { className: 'note' }, 'no value')),
        ),
      ),
    ),
  );
}

function valueChip({ value, matched }) {
  return el('span', { className: `value ${matched ? 'ok' : 'fail'}` }, icon(matched), ' ', valueText(value));
}

function exceptionsView(exceptions) {
  return el(
    'div',
    { className: 'exceptions' },
    el('h5', {}, exceptions.excepted ? `Excepted by the item “${exceptions.excepted_by?.name ?? ''}”` : 'No exception item applies'),
    el(
      'ul',
      {},
      exceptions.items.map((item) =>
        el(
          'li',
          {},
          icon(item.matched),
          ` item “${item.item.name}” of list ${item.item.list_id}`,
          item.expired ? ' (expired)' : '',
          el('ul', {}, (item.entries ?? []).map((entry) => el('li', {}, icon(entry.matched), ' ', el('code', {}, entry.entry)))),
        ),
      ),
    ),
  );
}

function pre(text) {
  return el('pre', { className: 'document', tabindex: '0' }, text);
}

/** ✓ or ✗, with words for screen readers. */
export function icon(matched) {
  return el('span', { className: `icon ${matched ? 'ok' : 'fail'}`, role: 'img', 'aria-label': matched ? 'matched' : 'did not match' }, matched ? '✓' : '✗');
}
