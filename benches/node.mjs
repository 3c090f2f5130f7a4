// The Node benchmark of the npm package (the wasm build): `npm run bench [-- --quick] [-- --package DIR]`.
//
// Every figure is measured in this process next to its baselines, on the
// same bytes: JSON.parse of each line, JSON.parse plus a hand-written
// predicate for the seed rule, that predicate alone on parsed objects, and a
// Buffer.indexOf('\n') line scan (the cost of looking at the bytes at all).
// The data is generated deterministically by `cargo run --example bench-data`
// (benches/data.rs): ~1.3 KB Azure audit and sign-in events, 1% seed-rule
// invitations of which half match (the mix), and every line an invitation
// (the worst case, where no line can be skipped unread); the seed rule and
// the 68 rules also with `validate: "candidates"` (ECS input), where lines
// no rule can match are left unread; and the seed rule over the input in
// 64 KB chunks, as a file stream feeds it (benches/chunked.mjs). The last line
// printed is one JSON object with the headline ratios (higher is faster).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkedRun } from './chunked.mjs';
import { corpusRules } from './corpus-rules.mjs';
import { seedRule } from './seed-predicate.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
// `--package DIR` measures another copy of the package (its js/ and pkg/),
// e.g. a build of the previous commit, on the same data.
const packageAt = process.argv.indexOf('--package');
const packageRoot = packageAt === -1 ? root : path.resolve(process.argv[packageAt + 1]);
const lines = quick ? 5000 : 20000;
const budgetMs = quick ? 400 : 2000;

const dataDir = path.join(root, 'target', 'bench-data');
execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench-data', '--', dataDir, String(lines)], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
// The package's Node entry, as users load it (with the `evaluate(object)` fast path).
const { Engine } = require(path.join(packageRoot, 'js', 'node.cjs'));
const now = '2026-11-26T12:00:00Z';

/** Best seconds per run of `work` over about `budgetMs` (at least 3 runs). */
function best(work) {
  let bestSeconds = Infinity;
  const started = performance.now();
  for (let runs = 0; runs < 3 || performance.now() - started < budgetMs; runs++) {
    const start = performance.now();
    work();
    bestSeconds = Math.min(bestSeconds, (performance.now() - start) / 1000);
  }
  return bestSeconds;
}

function measureFile(name, rules68) {
  const buffer = readFileSync(path.join(dataDir, `${name}.ndjson`));
  const text = buffer.toString('utf8');
  const strings = text.split('\n').filter((line) => line !== '');
  const objects = strings.map((line) => JSON.parse(line));
  const bytes = buffer.length;
  const events = strings.length;
  const rows = [];
  const add = (label, seconds) => rows.push({ label, seconds });

  const parseAll = () => { for (const line of strings) JSON.parse(line); };
  let parse = best(parseAll);
  add('JSON.parse (baseline)', parse);
  add('JSON.parse + hand-written predicate', best(() => { for (const line of strings) seedRule(JSON.parse(line)); }));
  const handwritten = best(() => { for (const event of objects) seedRule(event); });
  add('hand-written predicate on objects', handwritten);
  const lineScan = best(() => {
    for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1));
  });
  add("Buffer.indexOf('\\n') line scan", lineScan);

  const seed = new Engine({ now });
  const ecs = new Engine({ now, input: 'ecs' });
  const ndjson = best(() => seed.evaluateNdjson(buffer, { output: 'ndjson' }));
  add('engine.evaluateNdjson, seed rule', ndjson);
  const ndjsonEcs = best(() => ecs.evaluateNdjson(buffer, { output: 'ndjson' }));
  add('engine.evaluateNdjson, seed rule, input ecs', ndjsonEcs);
  // As a file stream feeds it: a call per 64 KB chunk, each with its fixed cost.
  const ndjsonChunked = best(chunkedRun(packageRoot, seed, buffer));
  add('engine.evaluateNdjson, seed rule, in 64 KB chunks (a stream)', ndjsonChunked);
  // Lines no rule can match left unread (`validate: "candidates"`, ECS input);
  // null for a package without the option (`--package` of an older build).
  const candidates = (engine) => supportsUnreadLines(engine)
    ? best(() => engine.evaluateNdjson(buffer, { output: 'ndjson', validate: 'candidates' }))
    : null;
  const ndjsonCandidates = candidates(ecs);
  if (ndjsonCandidates) add('engine.evaluateNdjson, seed rule, input ecs, validate candidates', ndjsonCandidates);
  const evaluateString = best(() => { for (const line of strings) seed.evaluate(line); });
  add('engine.evaluate(string), seed rule', evaluateString);
  const evaluateObject = best(() => { for (const event of objects) seed.evaluate(event); });
  add('engine.evaluate(object), seed rule', evaluateObject);
  let rules = null;
  let rulesCandidates = null;
  if (rules68) {
    const engine = new Engine({ now, rules: rules68 });
    rules = best(() => engine.evaluateNdjson(buffer, { output: 'ndjson' }));
    add(`engine.evaluateNdjson, ${rules68.length} rules`, rules);
    rulesCandidates = candidates(new Engine({ now, rules: rules68, input: 'ecs' }));
    if (rulesCandidates) add(`  the same, input ecs, validate candidates`, rulesCandidates);
  }

  // The baseline once more, the better of its two windows kept: measured in
  // one window, it was at times far below its usual speed, which raises every
  // ratio (a quick run gave the worst case 2.26× with `JSON.parse` at 233 MB/s,
  // against 311–315 in the runs around it). A second window can only lower
  // the ratios.
  parse = Math.min(parse, best(parseAll));
  rows[0].seconds = parse;

  console.log(`\n${name}: ${events} events, ${(bytes / 1e6).toFixed(1)} MB`);
  for (const { label, seconds } of rows) {
    const mbPerSecond = bytes / seconds / 1e6;
    console.log(
      `  ${label.padEnd(62)} ${mbPerSecond.toFixed(1).padStart(9)} MB/s ${(events / seconds / 1e3).toFixed(0).padStart(7)} k events/s` +
        `  ${(parse / seconds).toFixed(2).padStart(6)}x JSON.parse  ${(lineScan / seconds).toFixed(3).padStart(6)}x line scan`,
    );
  }
  return { parse, handwritten, lineScan, ndjson, ndjsonEcs, ndjsonChunked, ndjsonCandidates, evaluateString, evaluateObject, rules, rulesCandidates };
}

/** Whether the package knows the batch option `validate` (older builds refuse it). */
function supportsUnreadLines(engine) {
  try {
    engine.evaluateNdjson('', { validate: 'candidates' });
    return true;
  } catch {
    return false;
  }
}

/** `baseline / seconds` to `digits`, or null when not measured. */
const ratio = (baseline, seconds, digits) => (seconds ? +(baseline / seconds).toFixed(digits) : null);

/**
 * Median milliseconds to load the package and make the seed rule's engine, in
 * fresh processes: through the entry `require('kql-detect')` loads in Node
 * (js/node.cjs, which adds the object screen's module to the bindings).
 */
function instantiateMs() {
  const script = `const t = performance.now(); const { Engine } = require(${JSON.stringify(path.join(packageRoot, 'js', 'node.cjs'))}); new Engine(); console.log(performance.now() - t);`;
  const times = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, ['-e', script]).toString()));
  return times.sort((a, b) => a - b)[2];
}

const rules68 = corpusRules(root);
if (!rules68) console.log('SKIPPED: ../shared/corpus is absent, so the 68-rule run is not measured');
const mix = measureFile('mix', rules68);
const worst = measureFile('worst', null);
const wasm = readFileSync(path.join(packageRoot, 'pkg', 'web', 'kql_detect_bg.wasm'));
const summary = {
  ndjson_mix_vs_json_parse: +(mix.parse / mix.ndjson).toFixed(2),
  ndjson_mix_ecs_vs_json_parse: +(mix.parse / mix.ndjsonEcs).toFixed(2),
  ndjson_mix_64k_chunks_vs_json_parse: +(mix.parse / mix.ndjsonChunked).toFixed(2),
  ndjson_worst_vs_json_parse: +(worst.parse / worst.ndjson).toFixed(2),
  ndjson_mix_vs_line_scan: +(mix.lineScan / mix.ndjson).toFixed(3),
  ndjson_mix_candidates_vs_json_parse: ratio(mix.parse, mix.ndjsonCandidates, 2),
  ndjson_mix_candidates_vs_line_scan: ratio(mix.lineScan, mix.ndjsonCandidates, 3),
  evaluate_object_vs_handwritten: +(mix.handwritten / mix.evaluateObject).toFixed(3),
  evaluate_string_vs_json_parse: +(mix.parse / mix.evaluateString).toFixed(2),
  evaluate_string_worst_vs_json_parse: +(worst.parse / worst.evaluateString).toFixed(2),
  rules68_mix_vs_json_parse: ratio(mix.parse, mix.rules, 2),
  rules68_mix_candidates_vs_json_parse: ratio(mix.parse, mix.rulesCandidates, 2),
  wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length,
  instantiate_ms: +instantiateMs().toFixed(1),
};
console.log(`\nwasm: ${wasm.length} bytes, ${summary.wasm_gzip_bytes} gzipped; load + compile the seed rule: ${summary.instantiate_ms} ms`);
printTargets(summary);
console.log(JSON.stringify(summary));

/** Issue 9's targets against this run's figures: each met or not, by the key that measures it. */
function printTargets(figures) {
  const atLeast = (key, target) => ({ key, target, met: figures[key] !== null && figures[key] >= target });
  const atMost = (key, target) => ({ key, target, met: figures[key] !== null && figures[key] <= target });
  const targets = [
    atLeast('ndjson_mix_vs_json_parse', 5),
    atLeast('ndjson_mix_vs_line_scan', 0.1),
    atLeast('ndjson_mix_candidates_vs_json_parse', 5),
    atLeast('ndjson_mix_candidates_vs_line_scan', 0.1),
    atLeast('ndjson_worst_vs_json_parse', 1.5),
    // At most 5x the hand-written predicate's time per event.
    atLeast('evaluate_object_vs_handwritten', 0.2),
    atLeast('evaluate_string_vs_json_parse', 1),
    atLeast('evaluate_string_worst_vs_json_parse', 1),
    atLeast('rules68_mix_vs_json_parse', 2),
    atLeast('rules68_mix_candidates_vs_json_parse', 2),
    atMost('wasm_gzip_bytes', 150 * 1024),
    atMost('instantiate_ms', 5),
  ];
  console.log('\ntargets (issue 9):');
  for (const { key, target, met } of targets) {
    console.log(`  ${met ? 'met    ' : 'not met'}  ${key.padEnd(40)} ${String(figures[key]).padStart(8)}  (target ${target})`);
  }
}
