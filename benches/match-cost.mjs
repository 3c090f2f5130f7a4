// What one candidate event costs in wasm, step by step:
// `node benches/match-cost.mjs [--rounds N] [--package DIR]...` (after
// `npm run build`; reads the bench data `npm run bench` generates, or
// generates it).
//
// The Node benchmark (node.mjs) shows that the few events that reach wasm
// dominate `evaluate(object)`, `evaluate(string)` and the worst case. This
// script takes one matching and one non-matching candidate from the worst
// case's data (both hold every literal of the seed rule) and times single
// calls that do more and more of the work, so that differences between rows
// are the cost of a step:
//   - `evaluate(object)` of a line of the mix no rule can match: the
//     screen in JavaScript (js/object-path.cjs), no call into wasm;
//   - `evaluate('{}')`: crossing into wasm and back, and the prefilter;
//   - a line of the mix the prefilter rejects: most lines of the mix, whose
//     structure is still checked;
//   - the non-matching candidate: the lazy read (a full parse where the
//     lazy reader cannot answer);
//   - `normalize` of the matching event: a full parse, and the document
//     handed to JavaScript;
//   - `evaluate` in filter mode: the same plus evaluation;
//   - `evaluate` of a matching event sent again: the engine finds that it
//     alerted on it already (what `npm run bench` mostly measures, since it
//     reads the same lines run after run);
//   - the same event as an object: plus the screen and `JSON.stringify`;
//   - `evaluateNdjson` with NDJSON output: the alert built and written as text;
//   - `evaluate`: the alert handed over as objects;
//   - `evaluate(object)` of every event of the mix, per event, beside the
//     hand-written predicate of `npm run bench` (node.mjs) on the same
//     objects: the figure issue 9's target compares (the mix's matching
//     events, re-sent each round, are deduplicated as in that bench). The
//     predicate's row is the same work in every column, but the first
//     column's follows the alert rows (their garbage) and reads higher: the
//     lowest is the figure.
// JavaScript's own `JSON.parse` of the event and of the alert's text are the
// yardsticks. Figures are medians of batches, in microseconds per call (per
// event for the rows over the mix).
//
// Each `--package DIR` (a copy of the package: its js/ and pkg/, e.g. a build
// of the previous commit) is loaded into this process beside the others and
// measured in turn, batch by batch, so a busy machine weighs on all alike.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedRule } from './seed-predicate.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dataDir = path.join(root, 'target', 'bench-data');
if (!existsSync(path.join(dataDir, 'worst.ndjson'))) {
  execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench-data', '--', dataDir, '2000'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const argument = (name) => process.argv.flatMap((value, at) => (process.argv[at - 1] === `--${name}` ? [value] : []));
const packages = argument('package').length > 0 ? argument('package') : [root];
const rounds = Number(argument('rounds')[0] ?? 15);
const calls = 100;
/** Calls per batch of the rows that cover the whole mix. */
const mixCalls = 3;
const now = '2026-11-26T12:00:00Z';

const lines = readFileSync(path.join(dataDir, 'worst.ndjson'), 'utf8').split('\n').filter(Boolean);
// A line of the mix without the seed rule's literals: most lines are like it.
const unrelated = readFileSync(path.join(dataDir, 'mix.ndjson'), 'utf8').split('\n')[1];
const probe = require(path.join(path.resolve(packages[0]), 'js', 'node.cjs'));
const matching = lines.find((line) => new probe.Engine({ now }).evaluate(line).length > 0);
const missing = lines.find((line) => new probe.Engine({ now }).evaluate(line).length === 0);
if (!matching || !missing) throw new Error('the bench data lacks a matching or a non-matching invitation');
const alertText = JSON.stringify(new probe.Engine({ now }).evaluate(matching)[0]);
const unrelatedObject = JSON.parse(unrelated);
const matchingObject = JSON.parse(matching);
const mixObjects = readFileSync(path.join(dataDir, 'mix.ndjson'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

// An engine does not alert twice on an event it alerted on recently, so the
// rows that build alerts read a new variant of the matching event each call
// (one more field, `labels.n`).
let variant = 0;
const variantText = () => `${matching.slice(0, -1)},"labels":{"n":${variant++}}}`;

/** The rows, as work to time, for one loaded package. */
function rowsOf(kql) {
  const alerts = new kql.Engine({ now });
  const filter = new kql.Engine({ now, mode: 'filter' });
  return [
    ['JSON.parse of the event (yardstick)', () => JSON.parse(matching)],
    [`JSON.parse of the alert's text (${alertText.length} bytes)`, () => JSON.parse(alertText)],
    ['evaluate(object no rule can match): the screen in JS', () => alerts.evaluate(unrelatedObject)],
    ["evaluate('{}'): crossing + prefilter", () => alerts.evaluate('{}')],
    ['evaluate(a line no rule can match): + structure check', () => alerts.evaluate(unrelated)],
    ['evaluate(non-matching candidate)', () => alerts.evaluate(missing)],
    ['normalize(matching): parse + document to JS', () => kql.normalize(matching)],
    ['evaluate(matching), filter mode', () => filter.evaluate(matching)],
    ['evaluate(matching) re-sent: deduplicated', () => alerts.evaluate(matching)],
    ['evaluate(matching object) re-sent: + JSON.stringify', () => alerts.evaluate(matchingObject)],
    ['evaluateNdjson(a variant), output NDJSON', () => alerts.evaluateNdjson(Buffer.from(`${variantText()}\n`), { output: 'ndjson' })],
    ['evaluate(a variant): alert as objects', () => alerts.evaluate(variantText())],
    // A call covers the whole mix: these rows are divided by its length.
    ['hand-written predicate, the mix, per event', () => mixObjects.forEach(seedRule), mixObjects.length],
    ['evaluate(object), the mix, per event', () => mixObjects.forEach((event) => alerts.evaluate(event)), mixObjects.length],
  ];
}

const measured = packages.map((dir) => rowsOf(require(path.join(path.resolve(dir), 'js', 'node.cjs'))));
const samples = measured.map((rows) => rows.map(() => []));
for (let round = -1; round < rounds; round++) {
  for (let row = 0; row < measured[0].length; row++) {
    measured.forEach((rows, which) => {
      const [, work, events = 1] = rows[row];
      const times = events === 1 ? calls : mixCalls;
      const start = performance.now();
      for (let call = 0; call < times; call++) work();
      // Round -1 warms up.
      if (round >= 0) samples[which][row].push(((performance.now() - start) * 1000) / (times * events));
    });
  }
}
const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];

console.log(`event ${matching.length} bytes; ${rounds} rounds of ${calls} calls; µs per call`);
console.log(`  ${''.padEnd(56)} ${packages.map((dir) => path.basename(path.resolve(dir)).padStart(14)).join(' ')}`);
measured[0].forEach(([label, , events = 1], row) => {
  const cells = samples.map((rows) => median(rows[row]).toFixed(events === 1 ? 1 : 3).padStart(14));
  console.log(`  ${label.padEnd(56)} ${cells.join(' ')}`);
});
