// Hostile inputs (js/test/hostile-inputs.mjs) against the npm package, in
// Node and in headless Chromium: every call returns a documented result or
// throws a kql-detect error, and the same engine (and a fresh one) still finds
// the sample's alerts afterwards.
//
// In Chromium the table runs against the packed tarball, installed and
// bundled with esbuild as a web app would use it (the harness of
// browser.test.mjs): what must survive there is the package's own JavaScript
// (js/browser.js and wasm-bindgen's glue) as much as the wasm, and the table's
// Proxies, getters, symbols and BigInts exist only in JavaScript.
// wasm-bindgen-test would call the Rust functions through Rust's bindings
// instead, and need the table written again in Rust.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import * as kql from 'kql-detect';

import { consumer, openBundledPage, pack, samplesPath, workDirectory } from './consumers.mjs';
import { runHostileTable } from './hostile-inputs.mjs';

const TABLE = new URL('./hostile-inputs.mjs', import.meta.url);

/** Asserts a report of `runHostileTable` is clean, printing each case's outcome and time. */
function assertSurvived(t, report) {
  assert.equal(report.baseline.alerts, 4, 'a fresh engine finds the sample\'s four alerts');
  assert.ok(report.results.length > 50, 'the whole table ran');
  for (const result of report.results) {
    t.diagnostic(`${result.group}: ${result.what}: ${result.outcome} (${Math.round(result.ms)} ms)`);
  }
  const failed = report.results.filter((result) => result.problems.length > 0).map((result) => `${result.group}: ${result.what}: ${result.problems.join('; ')}`);
  assert.deepEqual(failed, []);
  assert.deepEqual(report.fresh, []);
}

test('Node: hostile queries, rules and events leave the engine working', (t) => {
  assertSurvived(t, runHostileTable(kql, readFileSync(samplesPath, 'utf8')));
});

test('Chromium: the same table against the packed package in a browser bundle', async (t) => {
  const work = workDirectory(t, 'hostile');
  const entry = `
import * as kql from 'kql-detect';
import { runHostileTable } from './hostile-inputs.mjs';
const sample = await (await fetch('azure-auditlogs.ndjson')).text();
try {
  window.report = JSON.stringify(runHostileTable(kql, sample));
} catch (error) {
  window.report = JSON.stringify({ crashed: String(error?.stack ?? error) });
}
`;
  const directory = consumer(work, 'hostile', pack(work).tarball, {
    files: {
      'entry.js': entry,
      'hostile-inputs.mjs': readFileSync(TABLE, 'utf8'),
      'index.html': '<!doctype html><link rel="icon" href="data:,"><script type="module" src="dist/entry.js"></script>',
    },
  });
  const { page, errors, url } = await openBundledPage(t, directory, ['entry.js']);
  await page.goto(url);
  await page.waitForFunction(() => window.report !== undefined, null, { timeout: 300_000, polling: 500 });
  const report = JSON.parse(await page.evaluate(() => window.report));
  assert.equal(report.crashed, undefined, report.crashed);
  assert.deepEqual(errors, []);
  assertSurvived(t, report);
});
