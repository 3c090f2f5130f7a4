// Runs the README's JavaScript example and checks the output the README shows for it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the README example prints what the README says', () => {
  const example = readme.match(/<!-- tested by js\/test\/readme\.test\.mjs -->\s*```js\n([\s\S]*?)```\s*```text\n([\s\S]*?)```/);
  assert.ok(example, 'README has a tested js example followed by its output');
  const [, code, expected] = example;
  assert.ok(code.trim().split('\n').length <= 5, 'the example stays five lines or fewer');
  // Evaluated from the repository root, where `kql-detect` resolves to this package.
  const output = execFileSync(process.execPath, ['--input-type=commonjs', '-e', code], { cwd: root, encoding: 'utf8' });
  assert.equal(output, expected);
});
