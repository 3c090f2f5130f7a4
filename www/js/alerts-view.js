// The alerts table: sortable by any column, filtered by text and severity,
// a page at a time. Expanding a row fetches the alert's whole document from
// the worker.

import { count, el, pager, replace } from './dom.js';
import { severityBadge } from './rules-view.js';

const PAGE = 100;
const SEVERITY_ORDER = { low: 1, medium: 2, high: 3, critical: 4 };
const COLUMNS = [
  { key: 'time', label: 'Event time' },
  { key: 'rule', label: 'Rule' },
  { key: 'severity', label: 'Severity', sortValue: (row) => SEVERITY_ORDER[row.severity] ?? 0 },
  { key: 'risk', label: 'Risk score' },
  { key: 'reason', label: 'Reason' },
  { key: 'fields', label: 'Key fields', sortValue: (row) => row.fields.map(([, value]) => value).join(' ') },
  { key: 'line', label: 'Line' },
];

export class AlertsTable {
  /** `fetchAlert(index)` resolves to an alert's document; `onWhy(row)` shows why it fired. */
  constructor({ table, filter, severity, pager, fetchAlert, onWhy }) {
    Object.assign(this, { table, filter, severity, pager, fetchAlert, onWhy });
    this.rows = [];
    this.sort = { key: 'time', ascending: true };
    this.page = 0;
    this.expanded = new Set();
    this.body = table.tBodies[0];
    this.head();
    filter.addEventListener('input', () => this.refresh());
    severity.addEventListener('change', () => this.refresh());
  }

  show(rows) {
    this.rows = rows;
    this.expanded.clear();
    this.refresh();
  }

  refresh() {
    this.page = 0;
    this.render();
  }

  head() {
    const cells = COLUMNS.map((column) =>
      el(
        'th',
        { scope: 'col', dataset: { key: column.key } },
        el('button', { type: 'button', className: 'sort', onclick: () => this.sortBy(column.key) }, column.label),
        // The arrow is drawn by CSS from aria-sort, outside the button so it is not part of the button's name.
        el('span', { className: 'arrow', 'aria-hidden': 'true' }),
      ),
    );
    replace(this.table.tHead, el('tr', {}, el('th', { scope: 'col' }, el('span', { className: 'visually-hidden' }, 'Details')), cells));
  }

  sortBy(key) {
    this.sort = { key, ascending: this.sort.key === key ? !this.sort.ascending : true };
    this.render();
  }

  visible() {
    const words = this.filter.value.trim().toLowerCase();
    const severity = this.severity.value;
    const column = COLUMNS.find(({ key }) => key === this.sort.key);
    const value = column.sortValue ?? ((row) => row[column.key]);
    const direction = this.sort.ascending ? 1 : -1;
    return this.rows
      .filter((row) => (!severity || row.severity === severity) && (!words || searchText(row).includes(words)))
      .sort((a, b) => direction * compare(value(a), value(b)) || a.index - b.index);
  }

  render() {
    for (const th of this.table.tHead.querySelectorAll('th[data-key]')) {
      const sorted = th.dataset.key === this.sort.key;
      th.setAttribute('aria-sort', sorted ? (this.sort.ascending ? 'ascending' : 'descending') : 'none');
    }
    const rows = this.visible();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    this.page = Math.min(this.page, pages - 1);
    const shown = rows.slice(this.page * PAGE, (this.page + 1) * PAGE);
    replace(this.body, shown.map((row) => this.rowNodes(row)));
    if (rows.length === 0) {
      replace(this.body, el('tr', {}, el('td', { colspan: COLUMNS.length + 1, className: 'empty' }, this.rows.length ? 'No alert matches the filter.' : 'No alerts.')));
    }
    this.renderPager(rows.length, pages);
  }

  rowNodes(row) {
    const open = this.expanded.has(row.index);
    const toggle = el(
      'button',
      { type: 'button', className: 'expand', 'aria-expanded': String(open), 'aria-label': `Show the document of the alert from line ${row.line}`, onclick: () => this.toggle(row) },
      open ? '▾' : '▸',
    );
    const main = el(
      'tr',
      { 'data-testid': 'alert-row', dataset: { index: row.index, line: row.line } },
      el('td', {}, toggle),
      el('td', { className: 'nowrap' }, row.time),
      el('td', {}, row.rule),
      el('td', {}, severityBadge(row.severity)),
      el('td', { className: 'number' }, row.risk),
      el('td', { className: 'reason' }, row.reason),
      el('td', {}, el('ul', { className: 'key-fields' }, row.fields.map(([field, value]) => el('li', {}, el('span', { className: 'field' }, field), ' ', value)))),
      el('td', { className: 'number' }, row.line),
    );
    return open ? [main, this.detailRow(row)] : [main];
  }

  detailRow(row) {
    const document = el('pre', { className: 'document', tabindex: '0', 'aria-label': 'Alert document' }, 'Loading…');
    this.fetchAlert(row.index).then(
      (alert) => (document.textContent = JSON.stringify(alert, null, 2)),
      (error) => (document.textContent = error.message),
    );
    return el(
      'tr',
      { className: 'detail' },
      el(
        'td',
        { colspan: COLUMNS.length + 1 },
        el('button', { type: 'button', onclick: () => this.onWhy(row) }, `Why did line ${row.line} fire?`),
        document,
      ),
    );
  }

  toggle(row) {
    if (this.expanded.has(row.index)) this.expanded.delete(row.index);
    else this.expanded.add(row.index);
    this.render();
    this.body.querySelector(`tr[data-index="${row.index}"] .expand`)?.focus();
  }

  renderPager(total, pages) {
    const first = total === 0 ? 0 : this.page * PAGE + 1;
    const last = Math.min(total, (this.page + 1) * PAGE);
    pager(this.pager, this, { summary: `${count(first)}–${count(last)} of ${count(total)} alerts`, what: 'alerts', pages });
  }
}

function searchText(row) {
  return [row.time, row.rule, row.severity, row.risk, row.reason, row.line, ...row.fields.flat()].join(' ').toLowerCase();
}

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}
