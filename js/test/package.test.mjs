// The packed tarball, installed into throwaway Node projects: CommonJS,
// ES modules, TypeScript (type-checked strictly, then run) and `npx
// kql-detect`. Each must find the same alerts in the same sample.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

import { NOW, consumer, expectedAlerts, installed, pack, root, samplesPath, workDirectory } from './consumers.mjs';

const run = (directory, ...args) => execFileSync(process.execPath, args, { cwd: directory, encoding: 'utf8' });

/** The same program for every Node consumer: the batch API, the per-event API and both streams. */
const program = (load) => `${load}
const summary = (alerts) => alerts.map((alert) => [alert.kibana.alert.uuid, alert.kibana.alert.original_time]);
const input = readFileSync(process.argv[2]);
const now = process.argv[3];
const lines = input.toString('utf8').split('\\n').filter(Boolean);
const streamed = [];
const stream = createFilterStream({ now, output: 'objects' });
stream.on('data', (alert) => streamed.push(alert));
stream.on('end', () => console.log(JSON.stringify({
  batch: summary(new Engine({ now }).evaluateNdjson(input).outputs),
  events: summary(lines.flatMap((line) => evaluate(line))),
  stream: summary(streamed),
})));
stream.end(input);
`;

test('the tarball ships the builds, the entries and their types, and nothing else', (t) => {
  const packed = pack(workDirectory(t, 'pack'));
  const files = packed.files.map((file) => file.path).sort();
  assert.deepEqual(files, [
    'LICENSE', 'NOTICE', 'README.md', 'bin/kql-detect.js',
    'js/browser.js', 'js/chunks.cjs', 'js/node.cjs', 'js/object-path.cjs', 'js/pino.cjs', 'js/pino.d.cts', 'js/stream.cjs',
    'js/stream.d.cts', 'js/web.js', 'js/workerd.js',
    'package.json',
    'pkg/node/kql_detect.d.ts', 'pkg/node/kql_detect.js', 'pkg/node/package.json',
    'pkg/web/kql_detect.d.ts', 'pkg/web/kql_detect.js', 'pkg/web/kql_detect_bg.wasm', 'pkg/web/kql_detect_bg.wasm.d.ts',
  ]);
  // One wasm file, which Node reads from disk and browsers fetch; npm gzips the tarball.
  // The bound catches a second copy of the wasm (over 450 KB gzipped) or stray
  // files; the wasm's own size is tracked against its target in BENCHMARKS.md.
  assert.ok(packed.size < 560_000, `the tarball is ${packed.size} bytes`);
});

test('CommonJS, ES module and TypeScript consumers find the same alerts; npx kql-detect prints what the repository\'s CLI prints', (t) => {
  const work = workDirectory(t, 'consumers');
  const { tarball } = pack(work);
  const expected = expectedAlerts();
  assert.equal(expected.length, 4);
  const everywhere = JSON.stringify({ batch: expected, events: expected, stream: expected });

  const cjs = consumer(work, 'cjs', tarball, {
    type: 'commonjs',
    files: { 'index.js': program("const { Engine, evaluate } = require('kql-detect');\nconst { createFilterStream } = require('kql-detect/stream');\nconst { readFileSync } = require('node:fs');") },
  });
  assert.equal(run(cjs, 'index.js', samplesPath, NOW).trim(), everywhere);

  const esm = consumer(work, 'esm', tarball, {
    files: { 'index.js': program("import { Engine, evaluate } from 'kql-detect';\nimport { createFilterStream } from 'kql-detect/stream';\nimport { readFileSync } from 'node:fs';") },
  });
  assert.equal(run(esm, 'index.js', samplesPath, NOW).trim(), everywhere);

  const ts = consumer(work, 'typescript', tarball, {
    files: {
      'index.ts': TYPESCRIPT_CONSUMER,
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', outDir: 'dist', types: ['node'] } }),
    },
    dependencies: [installed('@types/node')],
  });
  const tsc = spawnSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', ts], { cwd: ts, encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  assert.equal(run(ts, 'dist/index.js', samplesPath, NOW).trim(), JSON.stringify(expected));

  const cli = (directory, args) => execFileSync(path.join(directory, 'node_modules/.bin/kql-detect'), args, { cwd: root, encoding: 'utf8' });
  const repositoryCli = (args) => run(root, 'bin/kql-detect.js', ...args);
  for (const args of [['--now', NOW, samplesPath], ['normalize', samplesPath], ['--explain', samplesPath]]) {
    assert.equal(cli(cjs, args), repositoryCli(args), `kql-detect ${args.join(' ')}`);
  }
});

/** Uses every entry and most of the API, so `tsc --strict` checks the declarations users get. */
const TYPESCRIPT_CONSUMER = `
import { readFileSync } from 'node:fs';
import { Engine, evaluate, explain, normalize, type Alert, type EngineOptions, type Explanation, type KqlDetectError, type NdjsonResult } from 'kql-detect';
import { createFilterStream, type FilterCounters, type FilterStream } from 'kql-detect/stream';
import kqlDetectTransport, { type PinoTransportOptions } from 'kql-detect/pino';
import type * as Web from 'kql-detect/web';

const ADDED = { rule_id: 'r-added', name: 'User added', description: 'Adds of users.', type: 'query', query: 'event.action:"Add user"', severity: 'low', risk_score: 21 };
const input = readFileSync(process.argv[2]);
const options: EngineOptions = { now: process.argv[3], mode: 'alerts', input: 'auto', rules: [{ origin: 'rules/added.json', text: JSON.stringify(ADDED) }, 'user.name:alice*'] };
const engine = new Engine({ now: options.now });
const result: NdjsonResult<Alert[]> = engine.evaluateNdjson(input, { firstLine: 1, final: true });
const text: string = engine.evaluateNdjson(input, { output: 'ndjson' }).outputs;
const explained: Explanation[] = engine.explainNdjson(input).outputs;
const documents: object[] = engine.normalizeNdjson(input).outputs;
const single: Alert[] = evaluate(input.toString('utf8').split('\\n')[0]);
const why = explain('{"event":{"outcome":"success"}}');
const normalized: object[] = normalize('{"a":1}', { input: 'ecs' });
const replayed = new Engine(options).run(input.toString('utf8').split('\\n').filter(Boolean), { output: 'ndjson' });
const replayText: string = replayed.alerts;
const invalid: KqlDetectError[] = result.invalid;
try {
  new Engine({ rules: ['a:cannot be'] });
} catch (error) {
  const typed = error as KqlDetectError;
  const where: [number | null, number | null, string] = [typed.line, typed.column, typed.type];
  void where;
}
const stream: FilterStream = createFilterStream({ ...options, objectMode: true });
stream.on('invalid', (error: KqlDetectError) => console.error(error.rendered));
const counters: FilterCounters = stream.counters();
const transportOptions: PinoTransportOptions = { destination: 2, pipeline: false, now: options.now };
const makeTransport: (options?: PinoTransportOptions) => Promise<unknown> = kqlDetectTransport;
const init: typeof Web.default = async () => { throw new Error('not in Node'); };
void [text, explained, documents, single, why, normalized, replayText, invalid, counters, transportOptions, makeTransport, init];
console.log(JSON.stringify(result.outputs.map((alert) => [alert.kibana.alert['uuid'], alert.kibana.alert['original_time']])));
`;
