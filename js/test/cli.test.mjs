// `npx kql-detect` (bin/kql-detect.js, the WebAssembly build) against the native binary: the same
// arguments must give the same stdout, stderr and exit code.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const native = path.join(root, 'target/debug/kql-detect');
const npmCli = path.join(root, 'bin/kql-detect.js');
const samples = 'examples/azure-auditlogs.ndjson';
const NOW = ['--now', '2026-11-27T10:00:00Z'];
const work = mkdtempSync(path.join(tmpdir(), 'kql-detect-cli-'));

before(() => {
  execFileSync('cargo', ['build', '--quiet', '--bin', 'kql-detect'], { cwd: root, stdio: 'inherit' });
});
test.after(() => rmSync(work, { recursive: true, force: true }));

function run(command, args, input) {
  const result = spawnSync(command[0], [...command.slice(1), ...args], { cwd: root, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs both command lines; asserts they agree, and returns what they printed. */
function same(args, input) {
  const expected = run([native], args, input);
  const actual = run([process.execPath, npmCli], args, input);
  assert.deepEqual(actual, expected, `kql-detect ${args.join(' ')}`);
  return expected;
}

const lines = readFileSync(path.join(root, samples), 'utf8').split('\n').filter(Boolean);
function file(name, text) {
  const at = path.join(work, name);
  writeFileSync(at, text);
  return at;
}

test('alerts on the sample', () => {
  const { stdout, stderr, status } = same([...NOW, samples]);
  assert.equal(stdout.split('\n').filter(Boolean).length, 4);
  assert.equal(stderr, 'events 12, alerts 4, invalid 0; lines 12: 12 with events, 0 invalid, 0 empty, 0 blank\n');
  assert.equal(status, 0);
});

test('filter and tag modes, with rules from a directory and a query', () => {
  same(['--mode', 'filter', '--query', 'event.outcome:failure', samples]);
  same([...NOW, '--mode', 'tag', '--rules', 'examples/rules', '--query', 'event.outcome:failure', samples]);
  same([...NOW, '--index', 'logs-okta.system-default', samples]);
});

test('--validate candidates leaves lines no rule can match unread, as the native binary does', () => {
  const input = file('unread.ndjson', `${lines.join('\n')}\n{"not":"json"\n`);
  const { stderr, status } = same([...NOW, '--input', 'ecs', '--validate', 'candidates', input]);
  assert.match(stderr, /, \d+ skipped, 0 blank\n$/);
  assert.equal(status, 0, 'the malformed line holds no literal of the rule: unread');
  assert.equal(same([...NOW, '--input', 'ecs', input]).status, 1);
});

test('explanations as text and as JSON', () => {
  same(['--explain', samples]);
  same(['--explain=json', '--keep-original', samples]);
});

test('normalize and replay', () => {
  same(['normalize', samples]);
  same(['normalize', '--keep-original', '--input', 'azure', samples]);
  const summary = (name) => path.join(work, name);
  same(['replay', ...NOW, '--start', '2026-11-26T09:00:00Z', '--summary', summary('native.json'), samples]);
  run([process.execPath, npmCli], ['replay', ...NOW, '--start', '2026-11-26T09:00:00Z', '--summary', summary('npm.json'), samples]);
  assert.equal(readFileSync(summary('npm.json'), 'utf8'), readFileSync(summary('native.json'), 'utf8'));
});

test('stdin with a byte order mark, CRLF, blank and invalid lines: reported, and exit code 1', () => {
  const input = `\ufeff${lines[0]}\r\n\r\nnot json\n[1]\n${lines[7]}\n{"records":[{"hello":1}]}`;
  const { status, stderr } = same([...NOW], input);
  assert.equal(status, 1);
  assert.match(stderr, /stdin, line 3, column 2/);
  same([...NOW, '-'], input);
});

test('JSON arrays and pretty-printed documents, as files', () => {
  const array = file('array.json', `[\n${lines[0]},\n${lines[1]}\n]\n`);
  const pretty = file('pretty.json', `${JSON.stringify(JSON.parse(lines[8]), null, 2)}\n${JSON.stringify(JSON.parse(lines[9]), null, 2)}\n`);
  const broken = file('broken.json', '[{"a":1},\n{"b":');
  same([...NOW, array, pretty, broken]);
  same(['normalize', array, pretty]);
});

test('bad usage, queries and rules exit with 2 and the same message', () => {
  const { status, stderr } = same(['--query', 'user.name:cannot be', samples]);
  assert.equal(status, 2);
  assert.match(stderr, /\^\^\^/);
  same(['--rules', file('bad.toml', '[rule\nname = 1\n'), samples]);
  same(['--rules', file('eql.json', JSON.stringify({ rule_id: 'r', name: 'EQL', description: 'd', type: 'eql', language: 'eql', query: 'any where true', severity: 'low', risk_score: 21 })), samples]);
});

test('hostile input: every line has the same outcome, counts and exit code in both', () => {
  const fixture = JSON.parse(readFileSync(path.join(root, 'tests/accounting/hostile.json'), 'utf8'));
  const input = Buffer.concat(fixture.lines.map((line) => (line.hex === undefined ? Buffer.from(line.text) : Buffer.from(line.hex, 'hex'))));
  const hostile = file('hostile.ndjson', input);
  for (const args of [['--query', fixture.query], ['--mode', 'tag', '--query', fixture.query], ['normalize']]) {
    const { status, stderr } = same([...(args[0] === 'normalize' ? [] : NOW), ...args, hostile]);
    assert.equal(status, 1);
    assert.match(stderr, /; lines 26: 8 with events, 15 invalid, 1 empty, 2 blank\n$/);
  }
  same([...NOW, '--query', fixture.query], input);
});

test('a line over 16 MiB is invalid in both, and the next line is read', () => {
  const input = `${lines[0]}\n{"padding":"${'x'.repeat(16 * 1024 * 1024)}"}\n${lines[7]}\n`;
  const { status, stderr } = same([...NOW], input);
  assert.equal(status, 1);
  assert.match(stderr, /events 2, alerts 2, invalid 1; lines 3: 2 with events, 1 invalid, 0 empty, 0 blank\n$/);
});
