// The playground page: wires the inputs (logs, rules, the ad-hoc query) to runs
// in the engine worker, and each run's results to the views. The page's own
// copy of the engine only compiles rules and queries as they are entered.

import init from '../pkg/kql_detect.js';
import { AlertsTable } from './alerts-view.js';
import { count, el, replace } from './dom.js';
import { Events } from './events.js';
import { healthView } from './health-view.js';
import { kqlEditor } from './kql-editor.js';
import { formatLabel, shapeLabel } from './labels.js';
import { RuleSources } from './rules.js';
import { ruleCard } from './rules-view.js';
import { MAX_LINK, shareUrl, sharedState } from './share.js';
import { EngineWorker } from './worker-client.js';
import { EventsTable, ExplainPanel } from './why-view.js';

const TYPING_PAUSE_MS = 300;
const BIG_INPUT = 1024 * 1024; // characters; a bigger file is previewed, not put in the text area
const PREVIEW_LINES = 200;
const EXPLAIN_HINT = 'Choose an event to see, clause by clause, why each rule did or did not fire.';

const $ = (id) => document.getElementById(id);

class Playground {
  constructor() {
    this.rules = new RuleSources();
    this.worker = new EngineWorker();
    this.bigFile = null; // {name, text} of a file too big for the text area
    this.run = null; // the run in progress: {id, done}
    this.results = null; // the last finished run's summary, with its runId
    this.timer = null;
    this.alertsTable = new AlertsTable({
      table: $('alerts'),
      filter: $('alert-filter'),
      severity: $('alert-severity'),
      pager: $('alerts-pager'),
      fetchAlert: (index) => this.ask('alert', { index }),
      onWhy: (row) => this.explainAlert(row),
    });
    this.eventsTable = new EventsTable({
      table: $('events'),
      filter: $('event-filter'),
      pager: $('events-pager'),
      fetchSummaries: (events) => this.ask('events', { events: events.map(({ input, doc }) => ({ input, doc })) }),
      onSelect: (index) => this.selectEvent(index),
    });
    this.explain = new ExplainPanel($('explain'), (input) => this.ask('explain', { input }));
    this.query = kqlEditor({
      textarea: $('query'),
      backdrop: $('query-backdrop'),
      errorBox: $('query-error'),
      check: (text) => this.rules.setQuery(text),
      onChange: () => this.schedule(TYPING_PAUSE_MS),
    });
    this.wireLogs();
    this.wireRules();
    this.wireResults();
    this.renderRules();
  }

  wireLogs() {
    const logs = $('logs');
    $('load-sample').addEventListener('click', () => this.loadSample());
    $('open-logs').addEventListener('click', () => $('logs-file').click());
    $('logs-file').addEventListener('change', (event) => this.openLogs(event.target.files[0]));
    $('clear-logs').addEventListener('click', () => this.setLogs(''));
    logs.addEventListener('input', () => this.schedule(TYPING_PAUSE_MS));
    logs.addEventListener('dragover', (event) => event.preventDefault());
    logs.addEventListener('drop', (event) => {
      event.preventDefault();
      this.openLogs(event.dataTransfer.files[0]);
    });
  }

  wireRules() {
    $('add-rule').addEventListener('click', () => this.addRule('pasted rule', $('rule-text').value));
    $('open-rule').addEventListener('click', () => $('rule-file').click());
    $('rule-file').addEventListener('change', async (event) => {
      const file = event.target.files[0];
      if (file) this.addRule(file.name, await file.text());
      event.target.value = '';
    });
    $('restore-builtin').addEventListener('click', () => {
      this.rules.useBuiltin = true;
      this.rulesChanged();
    });
  }

  wireResults() {
    $('run').addEventListener('click', () => this.schedule(0));
    $('cancel').addEventListener('click', () => this.cancel());
    $('share').addEventListener('click', () => this.share());
    $('copy-alerts').addEventListener('click', () => this.copyAlerts());
    $('download-alerts').addEventListener('click', () => this.downloadAlerts());
  }

  // Logs

  logsText() {
    return this.bigFile?.text ?? $('logs').value;
  }

  async loadSample() {
    const response = await fetch('sample/azure-auditlogs.ndjson');
    this.setLogs(await response.text());
  }

  async openLogs(file) {
    if (!file) return;
    const text = await file.text();
    $('logs-file').value = '';
    if (text.length <= BIG_INPUT) {
      this.setLogs(text);
      return;
    }
    this.bigFile = { name: file.name, text };
    const lines = text.split('\n');
    this.showLogs(lines.slice(0, PREVIEW_LINES).join('\n'), `${file.name}: ${count(lines.length)} lines, too many to edit here. Shown: the first ${PREVIEW_LINES}; all are run. Clear to type again.`);
    this.schedule(0);
  }

  setLogs(text) {
    this.bigFile = null;
    this.showLogs(text, null);
    this.schedule(0);
  }

  showLogs(text, note) {
    const logs = $('logs');
    logs.value = text;
    logs.readOnly = note !== null;
    $('logs-note').hidden = note === null;
    $('logs-note').textContent = note ?? '';
  }

  // Rules

  addRule(name, text) {
    const errorBox = $('rule-error');
    try {
      // An empty text would be an empty KQL query, which matches every event.
      if (text.trim() === '') throw new Error('Paste a rule, or open a rule file, first.');
      this.rules.addFile(name, text);
    } catch (error) {
      errorBox.textContent = error.rendered || error.message;
      errorBox.hidden = false;
      return;
    }
    errorBox.hidden = true;
    $('rule-text').value = '';
    this.rulesChanged();
  }

  rulesChanged() {
    this.renderRules();
    this.schedule(0);
  }

  renderRules() {
    const cards = [];
    if (this.rules.useBuiltin) {
      cards.push(ruleCard(this.rules.builtin, { source: 'the built-in rule', onRemove: () => this.removeBuiltin() }));
    }
    this.rules.files.forEach((file, index) => {
      const remove = () => {
        this.rules.removeFile(index);
        this.rulesChanged();
      };
      for (const rule of file.rules) cards.push(ruleCard(rule, { source: file.name, onRemove: remove }));
      for (const diagnostic of file.diagnostics) cards.push(el('p', { className: 'warning' }, `${file.name}: ${diagnostic.message}`));
    });
    if (cards.length === 0) cards.push(el('p', { className: 'hint' }, 'No rule files: only the ad-hoc query runs.'));
    replace($('rule-list'), cards);
    $('restore-builtin').hidden = this.rules.useBuiltin;
  }

  removeBuiltin() {
    this.rules.useBuiltin = false;
    this.rulesChanged();
    $('restore-builtin').focus();
  }

  // Runs

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.start(), delay);
  }

  async start() {
    if (this.run) this.worker.cancel(this.run.id);
    const text = this.logsText();
    if (text.trim() === '') {
      this.showResults(null);
      this.finishRun('');
      return;
    }
    const started = performance.now();
    const run = this.worker.run(this.rules.engineRules(), text, (progress) => this.showProgress(run, progress));
    this.run = run;
    this.showRunning(true);
    $('run-status').textContent = 'Running…';
    let summary;
    try {
      summary = await run.done;
    } catch (error) {
      if (this.run === run) this.finishRun(`The run failed: ${error.message}`);
      return;
    }
    if (this.run !== run) return; // a newer run replaced it
    if (summary.cancelled) {
      this.finishRun('Cancelled.');
      return;
    }
    this.showResults({ ...summary, runId: run.id });
    this.finishRun(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  }

  cancel() {
    if (this.run) this.worker.cancel(this.run.id);
  }

  /** Ends the run on show; `data-runs` on the body counts ended runs, for tests to wait on. */
  finishRun(message) {
    this.run = null;
    this.showRunning(false);
    $('run-status').textContent = message;
    document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
  }

  showRunning(running) {
    $('cancel').hidden = !running;
    $('progress').hidden = !running;
    if (running) $('progress').removeAttribute('value');
  }

  showProgress(run, { done, total, alerts }) {
    if (this.run !== run) return;
    $('progress').max = total;
    $('progress').value = done;
    $('run-status').textContent = `Read ${count(done)} of ${count(total)} inputs · ${count(alerts)} alerts so far`;
  }

  // Results

  /** Shows a run's summary, or clears the results (null). */
  showResults(summary) {
    const events = new Events(summary?.events);
    this.results = summary && { ...summary, events };
    $('event-count').textContent = count(events.length);
    $('matched-count').textContent = count(summary?.matched ?? 0);
    $('alert-count').textContent = count(summary?.alerts.length ?? 0);
    $('invalid-count').textContent = count(summary?.invalidCount ?? 0);
    $('detected').textContent = summary ? detected(this.results) : '';
    this.showInvalid(summary);
    this.showDiagnostics(summary?.diagnostics ?? []);
    this.alertsTable.show(summary?.alerts ?? []);
    this.eventsTable.show(events, summary?.rules ?? []);
    this.explain.clear(EXPLAIN_HINT);
    replace($('health'), summary ? healthView(summary.health, events, (index) => this.selectEvent(index)) : []);
  }

  showInvalid(summary) {
    const invalid = summary?.invalid ?? [];
    $('invalid').hidden = invalid.length === 0;
    const more = (summary?.invalidCount ?? 0) - invalid.length;
    replace(
      $('invalid-list'),
      invalid.map(({ line, column, message }) => el('li', {}, `line ${line}${column ? `, column ${column}` : ''}: ${message}`)),
      more > 0 && el('li', {}, `… and ${count(more)} more`),
    );
  }

  showDiagnostics(diagnostics) {
    $('diagnostics').hidden = diagnostics.length === 0;
    replace($('diagnostics'), diagnostics.map(({ message }) => el('li', { className: 'warning' }, message)));
  }

  /** A follow-up question about the results on show. */
  ask(type, payload) {
    if (!this.results) return Promise.reject(new Error('no results'));
    return this.worker.ask(type, this.results.runId, payload);
  }

  selectEvent(index) {
    this.eventsTable.select(index);
    this.explain.show(this.results.events.at(index)).catch((error) => this.explain.clear(error.message));
    $('explain').scrollIntoView({ block: 'nearest' });
  }

  /** Explains the event an alert came from: the first of its input the alert's rule fired on. */
  explainAlert(row) {
    const { events, rules } = this.results;
    const fromInput = events.ofInput(row.input).map((index) => events.at(index));
    const fired = fromInput.find((event) => event.fired.some((position) => rules[position]?.name === row.rule));
    this.selectEvent((fired ?? fromInput[0]).index);
  }

  async copyAlerts() {
    const text = await this.alertsNdjson();
    if (text === null) return;
    await navigator.clipboard.writeText(text);
    $('run-status').textContent = `Copied ${count(this.results.alerts.length)} alerts as NDJSON.`;
  }

  async downloadAlerts() {
    const text = await this.alertsNdjson();
    if (text === null) return;
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
    const link = el('a', { href: url, download: 'alerts.ndjson', hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  async alertsNdjson() {
    if (!this.results) {
      $('run-status').textContent = 'No alerts yet.';
      return null;
    }
    return this.ask('ndjson', {});
  }

  // Share links

  async share() {
    const logs = this.bigFile ? '' : $('logs').value;
    const { url, withLogs } = await shareUrl(location.href, { rules: this.rules.toState(), logs });
    history.replaceState(null, '', url);
    const kept = withLogs ? 'the rules, the query and the logs' : `the rules and the query (the logs would make it longer than ${MAX_LINK / 1024} KB)`;
    let copied = true;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      copied = false;
    }
    const note = $('share-note');
    note.hidden = false;
    replace(
      note,
      `${copied ? 'Copied a link' : 'A link'} to ${kept}; it is in the address bar too. The logs travel inside the link, never to a server: `,
      el('input', { type: 'text', readonly: true, value: url, 'aria-label': 'Share link', className: 'share-link' }),
    );
  }

  async restoreShared() {
    const state = await sharedState(location.hash);
    if (!state) return;
    const errors = this.rules.fromState(state.rules ?? {});
    this.query.set(this.rules.query);
    this.renderRules();
    if (errors.length > 0) {
      $('rule-error').textContent = errors.map((error) => error.rendered || error.message).join('\n\n');
      $('rule-error').hidden = false;
    }
    this.setLogs(state.logs ?? '');
  }
}

/** "Detected NDJSON: 12 inputs, 12 events: 11 ECS documents, 1 raw Azure record". */
function detected({ format, inputs, events, shapes }) {
  const kinds = Object.entries(shapes).map(([shape, tally]) => {
    const held = tally.documents !== tally.inputs ? ` holding ${count(tally.documents)} events` : '';
    return `${count(tally.inputs)} ${shapeLabel(shape, tally.inputs)}${held}`;
  });
  const plural = (number, word) => `${count(number)} ${word}${number === 1 ? '' : 's'}`;
  return `Detected ${formatLabel(format)}: ${plural(inputs, 'input')}, ${plural(events.length, 'event')}${kinds.length ? `: ${kinds.join(', ')}` : ''}.`;
}

async function main() {
  const status = $('engine-status');
  try {
    await init();
  } catch (error) {
    status.textContent = `The engine could not load: ${error.message ?? error}`;
    status.classList.add('error');
    return;
  }
  const playground = new Playground();
  status.textContent = 'Engine ready. Nothing you paste leaves this page.';
  document.body.dataset.ready = 'true';
  await playground.restoreShared();
}

main();
