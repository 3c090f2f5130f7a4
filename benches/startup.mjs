// Cold start of the npm package's wasm build in Node:
// `node benches/startup.mjs [--runs N] [--pkg DIR ...]`.
//
// Edge workers and short-lived processes pay start-up once per isolate, so it
// is measured in fresh processes only: each run is a new `node` that loads the
// web build's glue, reads the wasm, compiles and instantiates it, and creates
// engines, timing each phase. The medians over the runs are printed per phase,
// then one JSON line with them, the gzipped wasm size and `cold_start_ms`
// (from loading the glue to the seed rule compiled: what `instantiate_ms` in
// benches/node.mjs measures through the CommonJS build).
//
// `--batch` sends the first event through `evaluateNdjson` instead.
//
// `--entry` measures what a Node host loads instead: `require` of the
// package's Node entry (js/node.cjs: the CommonJS bindings, which read,
// compile and instantiate the wasm as they load, and the object screen's
// module), as the phase `load`, then `new Engine()` and its first event;
// each `--pkg DIR` is then a package root (holding js/ and pkg/).
//
// `--seed-first` makes `new Engine()` the first engine, as in a host that
// runs the built-in rule: the seed rule then pays for compiling the engine
// code it runs too, and the cold start ends with it (what issue 9 calls
// "instantiate + compile the seed rule", after the compile phase).
//
// `--pkg DIR` (repeatable) measures other web builds (a directory holding
// kql_detect.js and kql_detect_bg.wasm) instead of pkg/web, alternating
// between them run by run, so that a busy machine weighs on each alike.
//
// V8 compiles wasm functions lazily, on their first call, so the first engine
// also pays for compiling the code it runs; the phases say which work is
// paid where:
//   compile      `new WebAssembly.Module(bytes)`: decoding and validating every function
//   instantiate  `initSync`: linking the module to its JavaScript imports
//   first_engine `new Engine({ rules: [] })`: option parsing, the built-in
//                schema (read once per process), the engine code's first compilation
//   empty_engine the same again: an engine with no rules, everything compiled and read
//   seed_rule    `new Engine()`: the built-in rule's engine (built at build time since stop 21)
//   first_event  that engine's first `evaluate` of an event it does not alert on (most
//                events): the event path's first compilation; with `--batch`, the
//                event as a line of `evaluateNdjson`, as a batch host sends it
// `first_answer` is `cold_start` plus `first_event`: from loading the glue to
// the seed rule's engine having answered its first event.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const phases = ['load', 'glue', 'read', 'compile', 'instantiate', 'first_engine', 'empty_engine', 'seed_rule', 'first_event'];
// An Azure audit log event the built-in rule does not alert on.
const EVENT = JSON.stringify({
  '@timestamp': '2026-11-26T09:00:00.000Z',
  event: { dataset: 'azure.auditlogs', outcome: 'success' },
  azure: { auditlogs: { operation_name: 'Reset password (self-service)', properties: { category: 'UserManagement' } } },
});

/** A stopwatch: `mark(phase)` records the time since the last mark as `times[phase]`. */
function stopwatch() {
  const watch = { start: performance.now(), times: {} };
  watch.last = watch.start;
  watch.mark = (phase) => {
    const now = performance.now();
    watch.times[phase] = now - watch.last;
    watch.last = now;
  };
  return watch;
}

/** The seed rule's engine's first event, as a string or a batch line; then the engine is freed. */
function answerFirstEvent(engine, batch, watch) {
  const alerts = batch ? engine.evaluateNdjson(`${EVENT}\n`).outputs : engine.evaluate(EVENT);
  if (alerts.length !== 0) throw new Error('expected no alert for the first event');
  watch.mark('first_event');
  watch.times.first_answer = watch.times.cold_start + watch.times.first_event;
  engine.free();
}

/** One fresh process's phases through the package's Node entry (`--entry`), in milliseconds. */
function measureEntry(packageRoot, batch) {
  const require = createRequire(import.meta.url);
  const watch = stopwatch();
  const { Engine } = require(path.join(packageRoot, 'js', 'node.cjs'));
  watch.mark('load');
  const engine = new Engine();
  watch.mark('seed_rule');
  watch.times.cold_start = watch.last - watch.start;
  answerFirstEvent(engine, batch, watch);
  return watch.times;
}

/** One fresh process's phases, in milliseconds. */
async function measureOnce(pkg, seedFirst, batch) {
  const watch = stopwatch();
  const { times, mark, start } = watch;
  const { initSync, Engine } = await import(pathToFileURL(path.join(pkg, 'kql_detect.js')).href);
  mark('glue');
  const bytes = readFileSync(path.join(pkg, 'kql_detect_bg.wasm'));
  mark('read');
  const module = new WebAssembly.Module(bytes);
  mark('compile');
  initSync({ module });
  mark('instantiate');
  const seedRule = () => {
    const engine = new Engine();
    mark('seed_rule');
    // Up to the seed rule's engine, less the control below when it came first.
    times.cold_start = watch.last - start - (times.empty_engine ?? 0);
    answerFirstEvent(engine, batch, watch);
  };
  if (seedFirst) seedRule();
  new Engine({ rules: [] }).free();
  mark('first_engine');
  // The second empty engine is a control, not a step of a cold start.
  new Engine({ rules: [] }).free();
  mark('empty_engine');
  if (!seedFirst) seedRule();
  return times;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function runsArgument() {
  const at = process.argv.indexOf('--runs');
  const runs = at < 0 ? 21 : Number(process.argv[at + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
  return runs;
}

function pkgArguments() {
  const pkgs = process.argv.flatMap((argument, i) => (argument === '--pkg' ? [path.resolve(process.argv[i + 1])] : []));
  if (pkgs.length) return pkgs;
  return [process.argv.includes('--entry') ? root : path.join(root, 'pkg', 'web')];
}

/** The medians of `runs`, phase by phase, and the wasm's size. */
function summarize(pkg, runs) {
  const summary = {};
  const measured = [...phases, 'cold_start', 'first_answer'].filter((phase) => phase in runs[0]);
  for (const phase of measured) {
    summary[`${phase}_ms`] = +median(runs.map((run) => run[phase])).toFixed(2);
    console.log(`  ${phase.padEnd(13)} ${summary[`${phase}_ms`].toFixed(2).padStart(8)} ms`);
  }
  const webBuild = entry ? path.join(pkg, 'pkg', 'web') : pkg;
  const wasm = readFileSync(path.join(webBuild, 'kql_detect_bg.wasm'));
  summary.wasm_bytes = wasm.length;
  summary.wasm_gzip_bytes = gzipSync(wasm, { level: 9 }).length;
  summary.runs = runs.length;
  return summary;
}

const entry = process.argv.includes('--entry');
const batch = process.argv.includes('--batch');
if (process.argv.includes('--child')) {
  const pkg = process.argv[process.argv.indexOf('--child') + 1];
  const times = entry ? measureEntry(pkg, batch) : await measureOnce(pkg, process.argv.includes('--seed-first'), batch);
  console.log(JSON.stringify(times));
} else {
  const pkgs = pkgArguments();
  const runs = pkgs.map(() => []);
  for (let run = 0; run < runsArgument(); run++) {
    pkgs.forEach((pkg, i) => {
      const flags = ['--seed-first', '--batch', '--entry'].filter((flag) => process.argv.includes(flag));
      const child = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', pkg, ...flags]);
      runs[i].push(JSON.parse(child.toString()));
    });
  }
  pkgs.forEach((pkg, i) => {
    console.log(`${pkg}: medians of ${runs[i].length} fresh processes`);
    const summary = summarize(pkg, runs[i]);
    console.log(`  wasm: ${summary.wasm_bytes} bytes, ${summary.wasm_gzip_bytes} gzipped`);
    console.log(JSON.stringify(summary));
  });
}
