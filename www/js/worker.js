// The engine's side of the playground, in a Web Worker so that a big input
// never freezes the page. A run reads the input in time slices, reporting
// progress after each and looking at its message queue between them, so a
// cancel (or a newer run) stops it within one slice. The last finished run
// stays here: the page asks for alert documents, explanations and event
// summaries as it shows them, rather than receiving every document at once.
//
// Messages in: {id, type, ...}. Messages out: {id, kind: 'progress' | 'result' | 'error', value}.

import init, { Engine, inputShape } from '../pkg/kql_detect.js';
import { EventColumns } from './events.js';
import { RuleHealth } from './health.js';
import { splitInput } from './split.js';
import { alertRow, eventLabel, verdicts } from './summaries.js';

const SLICE_MS = 40;
const MAX_INVALID = 1000;

const ready = init();
let running = null; // the id of the run in progress; a cancel or a newer run changes it
let current = null; // the last finished run

const handlers = { run, cancel, alert, ndjson, explain, events };

self.onmessage = async ({ data }) => {
  try {
    await ready;
    const value = await handlers[data.type](data);
    if (value !== undefined) reply(data.id, 'result', value);
  } catch (error) {
    reply(data.id, 'error', errorData(error));
  }
};

function reply(id, kind, value) {
  self.postMessage({ id, kind, value });
}

async function run({ id, rules, text }) {
  running = id;
  const engine = new Engine({ rules });
  const { format, inputs, problems } = splitInput(text);
  const batch = new Batch(engine, inputs, problems);
  let next = 0;
  while (next < inputs.length) {
    const until = performance.now() + SLICE_MS;
    do batch.read(next++);
    while (next < inputs.length && performance.now() < until);
    reply(id, 'progress', { done: next, total: inputs.length, alerts: batch.alerts.length });
    await nextTask();
    if (running !== id) {
      engine.free();
      return { cancelled: true };
    }
  }
  running = null;
  current?.engine.free();
  current = { id, engine, inputs, alerts: batch.alerts };
  return { format, ...batch.summary(), diagnostics: engine.diagnostics.map(errorData) };
}

function cancel({ run: id }) {
  if (running === id) running = null;
}

/** One run's tallies, input by input. */
class Batch {
  constructor(engine, inputs, problems) {
    this.engine = engine;
    this.inputs = inputs;
    this.rules = engine.rules.map(({ rule_id, name, severity }) => ({ rule_id, name, severity }));
    this.shapes = {};
    this.events = new EventColumns();
    this.matched = 0;
    this.alerts = [];
    this.rows = [];
    this.invalid = problems.slice(0, MAX_INVALID);
    this.invalidCount = problems.length;
    this.health = new RuleHealth();
  }

  read(index) {
    const input = this.inputs[index];
    let shape, explanations, alerts;
    try {
      shape = inputShape(input.text);
      explanations = [].concat(this.engine.explain(input.text));
      // Only an input some rule's query matched can alert; evaluating it then
      // applies index patterns and the engine's memory of recent alerts.
      alerts = explanations.some((explanation) => explanation.matched) ? this.engine.evaluate(input.text) : [];
    } catch (error) {
      this.addInvalid(input, error);
      return;
    }
    const tally = (this.shapes[shape] ??= { inputs: 0, documents: 0 });
    tally.inputs += 1;
    tally.documents += explanations.length;
    explanations.forEach((explanation, doc) => this.addEvent(index, doc, shape, explanation));
    for (const alert of alerts) {
      this.rows.push(alertRow(alert, this.alerts.length, { index, line: input.line }));
      this.alerts.push(alert);
    }
  }

  addEvent(input, doc, shape, explanation) {
    const event = this.events.length;
    const fired = explanation.rules.flatMap((rule, position) => (rule.matched ? [position] : []));
    this.events.push({ input, doc, line: this.inputs[input].line, shape, fired });
    if (fired.length > 0) this.matched += 1;
    for (const rule of explanation.rules) this.health.add(rule, event);
  }

  addInvalid(input, error) {
    this.invalidCount += 1;
    if (this.invalid.length >= MAX_INVALID) return;
    // Errors count lines from the start of the input's own text.
    const line = input.line + (error.line ?? 1) - 1;
    this.invalid.push({ line, message: error.message, column: error.column ?? null });
  }

  summary() {
    return {
      inputs: this.inputs.length,
      rules: this.rules,
      shapes: this.shapes,
      events: this.events.pack(),
      matched: this.matched,
      alerts: this.rows,
      invalid: this.invalid,
      invalidCount: this.invalidCount,
      health: this.health.report(),
    };
  }
}

function finished(runId) {
  if (!current || current.id !== runId) throw new Error('these results were replaced by a newer run');
  return current;
}

function alert({ run: runId, index }) {
  return finished(runId).alerts[index];
}

function ndjson({ run: runId }) {
  return finished(runId).alerts.map((alert) => `${JSON.stringify(alert)}\n`).join('');
}

/** Everything the page shows about one input: its text, shape, documents and explanations. */
function explain({ run: runId, input }) {
  const { engine, inputs } = finished(runId);
  const { line, text } = inputs[input];
  return {
    line,
    text,
    shape: inputShape(text),
    documents: engine.normalize(text),
    explanations: [].concat(engine.explain(text)),
  };
}

/** For the events shown on the page: a label and each rule's verdict. */
function events({ run: runId, events: wanted }) {
  const { engine, inputs } = finished(runId);
  const read = new Map();
  return wanted.map(({ input, doc }) => {
    if (!read.has(input)) {
      const { text } = inputs[input];
      read.set(input, { documents: engine.normalize(text), explanations: [].concat(engine.explain(text)) });
    }
    const { documents, explanations } = read.get(input);
    return { label: eventLabel(documents[doc] ?? {}), verdicts: verdicts(explanations[doc]) };
  });
}

function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** An engine error (or any error) as data that survives postMessage. */
function errorData(error) {
  return {
    message: error.message ?? String(error),
    type: error.type ?? null,
    kind: error.kind ?? null,
    span: error.span ?? null,
    line: error.line ?? null,
    column: error.column ?? null,
    rendered: error.rendered ?? error.message ?? String(error),
  };
}
