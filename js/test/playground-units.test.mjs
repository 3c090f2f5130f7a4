// The playground's plain-JavaScript parts under Node: how pasted text is split
// into inputs, how rule health is tallied from explanations, dotted paths,
// UTF-8 spans, and share links.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import kqlDetect from 'kql-detect';

import { EventColumns, Events } from '../../www/js/events.js';
import { flips, RuleHealth } from '../../www/js/health.js';
import { shareUrl, sharedState } from '../../www/js/share.js';
import { splitInput } from '../../www/js/split.js';
import { indexOfByte, segments } from '../../www/js/text.js';
import { pathValue } from '../../www/js/values.js';

const SAMPLE = readFileSync(new URL('../../examples/azure-auditlogs.ndjson', import.meta.url), 'utf8');

const inputs = (text) => splitInput(text).inputs.map(({ line, text: input }) => [line, input]);

test('NDJSON: one input per non-blank line, bad lines kept for the engine to judge', () => {
  assert.deepEqual(splitInput('  \n').format, 'empty');
  assert.equal(splitInput('{"a":1}\n\n{"b":2}\r\nbad\n').format, 'ndjson');
  assert.deepEqual(inputs('{"a":1}\n\n{"b":2}\r\nbad\n'), [[1, '{"a":1}'], [3, '{"b":2}'], [4, 'bad']]);
  assert.deepEqual(inputs('\uFEFF{"x":"y"}'), [[1, '{"x":"y"}']]);
  // A first line that is cut short, with more lines after it, is still NDJSON.
  assert.deepEqual(inputs('{"a":"b\n{"c":1}'), [[1, '{"a":"b'], [2, '{"c":1}']]);
});

test('JSON arrays: one input per element, with the line it starts on', () => {
  const split = splitInput('[{"a":"x]"},\n {"b":[1,2]},\n 3]');
  assert.equal(split.format, 'array');
  assert.deepEqual(split.inputs, [{ line: 1, text: '{"a":"x]"}' }, { line: 2, text: '{"b":[1,2]}' }, { line: 3, text: '3' }]);
  assert.deepEqual(splitInput('[{"a":1}').problems, [{ line: 1, message: 'malformed JSON: the array is never closed with `]`' }]);
  assert.deepEqual(splitInput('[1 2]').problems, [{ line: 1, message: 'malformed JSON: expected `,` or `]` after an array element' }]);
  assert.deepEqual(splitInput('[ ] x').problems, [{ line: 1, message: 'malformed JSON: unexpected text after the closing `]`' }]);
});

test('pretty-printed documents, one after another; NDJSON again when they do not parse', () => {
  const split = splitInput('{\n "a": "x}\\""\n}\n{\n"b":1\n}');
  assert.equal(split.format, 'documents');
  assert.deepEqual(split.inputs.map(({ line }) => line), [1, 4]);
  assert.equal(splitInput('{\n"a":1\n}\n{"oops"').format, 'ndjson');
});

test('rule health: what alone kept the seed rule silent on the sample, and what it saw there', () => {
  const engine = new kqlDetect.Engine();
  const health = new RuleHealth();
  let event = 0;
  for (const line of SAMPLE.trim().split('\n')) {
    for (const explanation of [].concat(engine.explain(line))) {
      for (const rule of explanation.rules) health.add(rule, event);
      event += 1;
    }
  }
  const [rule] = health.report();
  assert.deepEqual([rule.events, rule.matched, rule.excepted], [12, 4, 0]);
  const byText = Object.fromEntries(rule.clauses.map((row) => [row.text, row]));
  const guest = byText['azure.auditlogs.properties.target_resources.*.display_name:guest'];
  assert.deepEqual([guest.matched, guest.decisive, guest.decisiveEvents], [5, 2, [1, 11]]);
  assert.deepEqual(guest.values, [['Zeus Theboss', 1], ['Guest', 1]]);
  assert.equal(guest.fields[0].field, 'azure.auditlogs.properties.target_resources.0.display_name');
  const outcome = byText['event.outcome:(Success or success)'];
  assert.deepEqual([outcome.decisive, outcome.values, outcome.parent.kind], [1, [['failure', 1]], 'and']);
  // The sign-in on line 11 has no operation name.
  assert.equal(byText['azure.auditlogs.operation_name:"Invite external user"'].withoutValue, 1);
});

test('a clause decides its parent when flipping it alone flips the parent', () => {
  const clause = (kind, ...matched) => ({ kind, children: matched.map((value) => ({ matched: value })) });
  assert.equal(flips(clause('and', false, true, true), 0), true);
  assert.equal(flips(clause('and', false, false, true), 0), false);
  assert.equal(flips(clause('or', false, false), 1), true);
  assert.equal(flips(clause('or', true, false), 1), false);
  assert.equal(flips(clause('not', true), 0), true);
});

test('events cross from the worker as columns and read back as objects', () => {
  const columns = new EventColumns();
  columns.push({ input: 0, doc: 0, line: 1, shape: 'ecs', fired: [] });
  columns.push({ input: 1, doc: 0, line: 2, shape: 'azure_records', fired: [0, 2] });
  columns.push({ input: 1, doc: 1, line: 2, shape: 'azure_records', fired: [1] });
  const events = new Events(structuredClone(columns.pack()));
  assert.equal(events.length, 3);
  assert.deepEqual(events.at(1), { index: 1, input: 1, doc: 0, line: 2, shape: 'azure_records', fired: [0, 2] });
  assert.deepEqual([0, 1, 2].map((index) => events.hasFired(index)), [false, true, true]);
  assert.deepEqual(events.ofInput(1), [1, 2]);
  assert.equal(new Events().length, 0);
});

test('dotted paths read nested objects, dotted keys and mixes of both', () => {
  assert.equal(pathValue({ event: { dataset: 'a' } }, 'event.dataset'), 'a');
  assert.equal(pathValue({ 'event.dataset': 'b' }, 'event.dataset'), 'b');
  assert.equal(pathValue({ azure: { 'auditlogs.properties': { id: 'c' } } }, 'azure.auditlogs.properties.id'), 'c');
  assert.equal(pathValue({ event: 'x' }, 'event.dataset'), undefined);
});

test('UTF-8 byte offsets become string indices; spans cut text into marked segments', () => {
  const text = 'é:"😀" x';
  assert.equal(indexOfByte(text, 2), 1);
  assert.equal(indexOfByte(text, 4), 3);
  assert.equal(indexOfByte(text, 8), 5);
  assert.equal(indexOfByte(text, 100), text.length);
  assert.deepEqual(segments('a and b', [{ start: 0, end: 7, mark: 'outer' }, { start: 6, end: 7, mark: 'inner' }]), [
    { text: 'a and ', mark: 'outer' },
    { text: 'b', mark: 'inner' },
  ]);
});

test('share links round-trip, and leave out logs that would make them too long', async () => {
  const rules = { builtin: false, files: [], query: 'user.name:"ä b"' };
  const small = await shareUrl('http://127.0.0.1:8080/', { rules, logs: '{"a":1}\n' });
  assert.equal(small.withLogs, true);
  assert.deepEqual(await sharedState(new URL(small.url).hash), { v: 1, rules, logs: '{"a":1}\n' });
  // Random printable text: deflate cannot shrink it much.
  const noise = String.fromCharCode(...randomBytes(40_000).map((byte) => 33 + (byte % 90)));
  const big = await shareUrl('http://127.0.0.1:8080/', { rules, logs: noise });
  assert.equal(big.withLogs, false);
  assert.equal((await sharedState(new URL(big.url).hash)).logs, '');
  assert.equal(await sharedState('#s=damaged'), null);
  assert.equal(await sharedState(''), null);
});
