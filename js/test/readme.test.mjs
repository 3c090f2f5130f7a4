// Runs the README's JavaScript examples for Node and checks the output the README shows for each. (The
// browser example runs in Chromium, in browser.test.mjs; the edge worker is examples/edge-worker.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const samples = readFileSync(new URL('../../examples/azure-auditlogs.ndjson', import.meta.url));

/** Every example marked as tested here: its code, and the output the README shows after it, if any. */
const examples = [...readme.matchAll(/<!-- tested by js\/test\/readme\.test\.mjs -->\s*```js\n([\s\S]*?)```(?:\s*```text\n([\s\S]*?)```)?/g)]
  .map(([, code, output]) => ({ code, output }));

/**
 * Runs an example from the repository root, where `kql-detect` resolves to this package, with the sample on
 * stdin. It runs from a file (in the git-ignored target/) since pino resolves transports from the caller's file.
 */
function run(code, index) {
  const directory = path.join(root, 'target/readme-examples');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `example-${index + 1}.${/^import /m.test(code) ? 'mjs' : 'cjs'}`);
  writeFileSync(file, code);
  return execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8', input: samples });
}

test('the README has tested examples, the first one short', () => {
  assert.ok(examples.length >= 5, `found ${examples.length}`);
  assert.ok(examples[0].output, 'the first example shows its output');
  assert.ok(examples[0].code.trim().split('\n').length <= 5, 'the first example stays five lines or fewer');
});

for (const [index, { code, output }] of examples.entries()) {
  test(`README example ${index + 1} (${code.split('\n')[0]}) runs and prints ${output ? 'what the README says' : 'its alerts'}`, () => {
    const printed = run(code, index);
    if (output) assert.equal(printed, output);
    else assert.notEqual(printed, '', 'it prints what it found');
  });
}
