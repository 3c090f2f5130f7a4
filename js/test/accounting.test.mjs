// Nothing lost: every line of hostile input (tests/accounting/hostile.json) has exactly one outcome
// through every streaming path of the package — engine.evaluateNdjson, createFilterStream in byte and
// object mode, cut into chunks anywhere — and the counters add up:
// lines = blank + eventLines + invalidLines + emptyLines.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Engine } from 'kql-detect';
import { createFilterStream } from 'kql-detect/stream';

const require = createRequire(import.meta.url);
const { ChunkReader } = require('../chunks.cjs');

const NOW = '2026-11-27T10:00:00Z';
const fixture = JSON.parse(readFileSync(new URL('../../tests/accounting/hostile.json', import.meta.url), 'utf8'));
const lineBytes = fixture.lines.map((line) => (line.hex === undefined ? Buffer.from(line.text) : Buffer.from(line.hex, 'hex')));
const input = Buffer.concat(lineBytes);
// A complete mapping of the fields the query reads keeps the thousands of engines below cheap.
const OPTIONS = { now: NOW, rules: [fixture.query], fieldTypes: { 'event.action': 'keyword' } };

/** What the fixture says every path must give. */
const expected = (() => {
  const alerts = [];
  const invalid = [];
  const counters = { lines: 0, blank: 0, eventLines: 0, invalidLines: 0, emptyLines: 0, events: 0, invalid: 0, alerts: 0 };
  fixture.lines.forEach(({ expect }, index) => {
    const line = index + 1;
    counters.lines += 1;
    if (expect === 'blank') {
      counters.blank += 1;
      return;
    }
    const bad = expect.filter((part) => part.startsWith('invalid '));
    for (const part of bad) invalid.push([line, part.slice('invalid '.length)]);
    const events = expect.length - bad.length;
    alerts.push(...expect.filter((part) => part === 'alert').map(() => line));
    counters.events += events;
    counters.invalid += bad.length;
    if (events > 0) counters.eventLines += 1;
    else if (bad.length > 0) counters.invalidLines += 1;
    else counters.emptyLines += 1;
  });
  counters.alerts = alerts.length;
  return { alerts, invalid, counters };
})();

const COUNTED = Object.keys(expected.counters);
const pick = (counters) => Object.fromEntries(COUNTED.map((key) => [key, counters[key]]));

function assertIdentity(counters) {
  assert.equal(counters.lines, counters.blank + counters.eventLines + counters.invalidLines + counters.emptyLines, 'every line has one outcome');
}

test('the fixture covers what it claims', () => {
  assert.ok(expected.invalid.length > 10 && expected.alerts.length >= 3);
  assert.ok(input.includes(Buffer.from('\r\n')) && input.includes(0) && input.includes(0xff), 'CRLF, NUL, bad UTF-8');
  assert.ok(input.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'a byte order mark');
  assert.notEqual(input.at(-1), 0x0a, 'no final newline');
  assertIdentity(expected.counters);
});

test('evaluateNdjson accounts for every line of one batch', () => {
  const engine = new Engine(OPTIONS);
  const result = engine.evaluateNdjson(input);
  assert.deepEqual(result.outputs.map((alert) => alert.id), expected.alerts);
  assert.deepEqual(result.invalid.map((error) => [error.line, error.kind]), expected.invalid);
  assert.ok(result.invalid.every((error) => error instanceof Error && error.type === 'event_invalid'));
  assert.deepEqual(pick({ ...result, invalid: result.invalid.length, alerts: result.outputs.length }), expected.counters);
  assertIdentity(result);
  assert.equal(result.consumed, input.length);
});

/** Streams `chunks` through a fresh filter stream; what came out, per line, and the counters. */
async function stream(chunks, options = {}) {
  const filter = createFilterStream({ ...OPTIONS, output: 'objects', ...options });
  const invalid = [];
  filter.on('invalid', (error) => invalid.push([error.line, error.kind]));
  const alerts = [];
  await pipeline(Readable.from(chunks, { objectMode: true }), filter, new Writable({
    objectMode: true,
    write(alert, _encoding, callback) {
      alerts.push(alert.id);
      callback();
    },
  }));
  const counters = filter.counters();
  assertIdentity(counters);
  return { alerts, invalid, counters: pick(counters) };
}

/** The input cut at `cuts` (increasing byte offsets). */
function cut(cuts) {
  const ends = [...cuts, input.length];
  return ends.map((end, index) => input.subarray(index === 0 ? 0 : ends[index - 1], end));
}

/** A small deterministic generator, so a failing split can be reproduced. */
function random(seed) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

test('createFilterStream gives every line its outcome however the bytes are cut', async () => {
  const whole = await stream([input]);
  assert.deepEqual(whole, expected);
  for (let at = 1; at < input.length; at += 1) {
    assert.deepEqual(await stream(cut([at])), expected, `cut at byte ${at}`);
  }
  assert.deepEqual(await stream(cut(Array.from({ length: input.length - 1 }, (_, index) => index + 1))), expected, 'a byte per chunk');
  const next = random(42);
  for (let run = 0; run < 200; run += 1) {
    const count = 1 + Math.floor(next() * 40);
    const cuts = [...new Set(Array.from({ length: count }, () => 1 + Math.floor(next() * (input.length - 1))))].sort((a, b) => a - b);
    assert.deepEqual(await stream(cut(cuts)), expected, `cuts at ${cuts.join(',')}`);
  }
});

test('object mode: each item written is a line, with the same outcome', async () => {
  const items = lineBytes.map((bytes, index) => (fixture.lines[index].hex === undefined ? bytes.toString('utf8') : bytes));
  assert.deepEqual(await stream(items, { objectMode: true }), expected);
  // An empty string is an item too: a blank line, not a lost one.
  const { counters } = await stream(['', items[2]], { objectMode: true });
  assert.deepEqual([counters.lines, counters.blank, counters.eventLines], [2, 1, 1]);
});

test('lines over maxLineBytes are invalid lines, whatever the chunks', async () => {
  const long = Buffer.from(`{"id":2,"event":{"action":"hostile-hit"},"pad":"${'é'.repeat(600)}"}\n`);
  const bytes = Buffer.concat([lineBytes[0], long, lineBytes.at(-1)]);
  const options = { maxLineBytes: 1000 };
  const pieces = (size) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, index) => bytes.subarray(index * size, (index + 1) * size));
  for (const size of [1, 7, 100, 999, 1000, 1001, bytes.length]) {
    const { alerts, invalid, counters } = await stream(pieces(size), options);
    assert.deepEqual(alerts, [1, 26], `chunks of ${size}`);
    assert.deepEqual(invalid, [[2, 'too_long']], `chunks of ${size}`);
    assert.deepEqual([counters.lines, counters.eventLines, counters.invalidLines], [3, 2, 1]);
  }
});

test('an array larger than maxWholeInputBytes is read line by line as it arrives, not held to its end', () => {
  const engine = new Engine(OPTIONS);
  const event = '{"event":{"action":"other"}}';
  const array = Buffer.from(`[\n${Array.from({ length: 2000 }, () => event).join(',\n')}\n]\n`);
  const reader = new ChunkReader((chunk, options) => engine.evaluateNdjson(chunk, options), { maxWholeInputBytes: 4096 });
  let mostHeld = 0;
  let linesBeforeEnd = 0;
  for (let at = 0; at < array.length; at += 256) {
    const result = reader.push(array.subarray(at, at + 256));
    linesBeforeEnd += result?.lines ?? 0;
    mostHeld = Math.max(mostHeld, reader.pendingBytes);
  }
  const end = reader.end();
  assert.ok(linesBeforeEnd > 1900, `${linesBeforeEnd} lines read before the end`);
  assert.ok(mostHeld <= 2 * 4096 + 256, `at most ${mostHeld} bytes held`);
  // Its first line is reported too large; every line after it is judged alone.
  assert.equal(linesBeforeEnd + end.lines, 2002);
});

test('a batch result has its properties in order, each counted from its own tally', () => {
  const matching = JSON.stringify({ '@timestamp': NOW, event: { action: 'hostile-hit' } });
  const other = '{"event":{"action":"other"}}';
  const record = JSON.stringify({ category: 'AuditLogs', time: NOW, operationName: 'other', properties: {} });
  const envelope = `{"records":[${record},${record},5]}`;
  // [input, options, the result with `invalid` as [line, kind] pairs]
  const cases = [
    ['', undefined, { outputs: [], lines: 0, blank: 0, eventLines: 0, invalidLines: 0, emptyLines: 0, skippedLines: 0, events: 0, matched: 0, deduplicated: 0, invalid: [], consumed: 0, wholeInputNeeded: false, restOfLineSkipped: false }],
    [`${other}\n\n\n{"records":[]}\nnot json\n[1]\n${envelope}\n${other}\n{"ev`, { firstLine: 7, final: false, output: 'ndjson' },
      { outputs: '', lines: 8, blank: 2, eventLines: 3, invalidLines: 2, emptyLines: 1, skippedLines: 0, events: 4, matched: 0, deduplicated: 0, invalid: [[11, 'malformed_json'], [12, 'not_an_object'], [13, 'not_an_object']], consumed: 2 * other.length + envelope.length + 33, wholeInputNeeded: false, restOfLineSkipped: false }],
    [`${matching}\n${matching}\n`, { output: 'ndjson' }, { outputs: 'ALERTS 1', lines: 2, blank: 0, eventLines: 2, invalidLines: 0, emptyLines: 0, skippedLines: 0, events: 2, matched: 2, deduplicated: 1, invalid: [], consumed: 2 * matching.length + 2, wholeInputNeeded: false, restOfLineSkipped: false }],
    [`${other}\n${matching}\n`, { validate: 'candidates', output: 'ndjson' }, { outputs: 'ALERTS 1', lines: 2, blank: 0, eventLines: 1, invalidLines: 0, emptyLines: 0, skippedLines: 1, events: 1, matched: 1, deduplicated: 0, invalid: [], consumed: other.length + matching.length + 2, wholeInputNeeded: false, restOfLineSkipped: false }],
    ['[\n{}', { final: false }, { outputs: [], lines: 0, blank: 0, eventLines: 0, invalidLines: 0, emptyLines: 0, skippedLines: 0, events: 0, matched: 0, deduplicated: 0, invalid: [], consumed: 0, wholeInputNeeded: true, restOfLineSkipped: false }],
    [`${'x'.repeat(40)}`, { final: false, maxLineBytes: 10 }, { outputs: [], lines: 1, blank: 0, eventLines: 0, invalidLines: 1, emptyLines: 0, skippedLines: 0, events: 0, matched: 0, deduplicated: 0, invalid: [[1, 'too_long']], consumed: 40, wholeInputNeeded: false, restOfLineSkipped: true }],
  ];
  for (const [batch, options, want] of cases) {
    const engine = new Engine({ ...OPTIONS, input: options?.validate ? 'ecs' : 'auto' });
    const result = engine.evaluateNdjson(batch, options);
    const alerts = typeof result.outputs === 'string' && result.outputs !== '' ? `ALERTS ${result.outputs.trim().split('\n').length}` : result.outputs;
    const got = { ...result, outputs: alerts, invalid: result.invalid.map((error) => [error.line, error.kind]) };
    assert.deepEqual(Object.keys(result), Object.keys(want), `order: ${batch}`);
    assert.deepEqual(got, want, batch);
  }
});

/** Every result a reader gives for `chunks`, with errors as [line, kind, message]. */
function readerResults(reader, chunks) {
  const results = [...chunks.map((chunk) => reader.push(chunk)), reader.end()];
  return results.map((result) => result && { ...result, invalid: result.invalid.map((error) => [error.line, error.kind, error.message]) });
}

test("the byte stream's reader (the engine's chunk call) gives what evaluateNdjson gives, call by call, however the bytes are cut", () => {
  // The hostile lines (CRLF, NUL, bad UTF-8, a byte order mark) and lines of two-
  // and four-byte UTF-8, CRLF endings, blank lines and matches, for cuts inside
  // a UTF-8 sequence and between \r and \n.
  const matching = JSON.stringify({ id: 'é', event: { action: 'hostile-hit' }, note: '𝄞 ü' });
  const other = JSON.stringify({ event: { action: 'other' }, user: 'ÿ𝄞' });
  const mix = Buffer.from(`${other}\r\n${matching}\n\r\n${other}\n${matching}\r\n{"bad":\n${other}`);
  // [what, input, reader options]
  const cases = [
    ['hostile lines', input, { output: 'objects' }],
    ['hostile lines, NDJSON out, named', input, { output: 'ndjson', origin: 'hostile.ndjson', maxLineBytes: 200 }],
    ['a mix with multi-byte UTF-8 and CRLF', mix, { output: 'ndjson' }],
    ['an array, read whole', Buffer.from(`[\n${other},\n${matching}\n]\n`), {}],
  ];
  const cutsOf = (bytes) => {
    const single = Array.from({ length: bytes.length - 1 }, (_, index) => [index + 1]);
    const next = random(7);
    const many = Array.from({ length: 50 }, () => [...new Set(Array.from({ length: 8 }, () => 1 + Math.floor(next() * (bytes.length - 1))))].sort((a, b) => a - b));
    return [[], ...single, ...many];
  };
  const within = (bytes, cuts) => [...cuts, bytes.length].map((end, index, ends) => bytes.subarray(index === 0 ? 0 : ends[index - 1], end));
  assert.ok(mix.includes(Buffer.from('\r\n')) && mix.some((byte) => byte >= 0xf0), 'CRLF and four-byte UTF-8');
  for (const [what, bytes, options] of cases) {
    for (const cuts of cutsOf(bytes)) {
      const chunks = within(bytes, cuts);
      const overEvaluateNdjson = new Engine(OPTIONS);
      const read = (chunk, batch) => overEvaluateNdjson.evaluateNdjson(chunk, batch);
      const want = readerResults(new ChunkReader(read, options), chunks);
      const got = readerResults(ChunkReader.evaluating(new Engine(OPTIONS), options), chunks);
      assert.deepEqual(got, want, `${what}, cut at ${cuts.join(',')}`);
      for (const result of got.filter(Boolean)) assert.deepEqual(Object.keys(result), Object.keys(want.find(Boolean)), 'the properties in order');
    }
  }
});

test("the byte stream's reader in chunks counts what one evaluateNdjson call over the whole input counts", () => {
  const whole = new Engine(OPTIONS).evaluateNdjson(input, { output: 'ndjson' });
  const reader = ChunkReader.evaluating(new Engine(OPTIONS), { output: 'ndjson' });
  const results = [...cut([5, 64, 65, 300, 301, 1024]).map((chunk) => reader.push(chunk)), reader.end()].filter(Boolean);
  const sum = (key) => results.reduce((total, result) => total + result[key], 0);
  for (const key of ['lines', 'blank', 'eventLines', 'invalidLines', 'emptyLines', 'skippedLines', 'events', 'matched', 'deduplicated']) {
    assert.equal(sum(key), whole[key], key);
  }
  assert.equal(results.map((result) => result.outputs).join(''), whole.outputs);
  assert.deepEqual(results.flatMap((result) => result.invalid.map((error) => error.rendered)), whole.invalid.map((error) => error.rendered));
});

test("the engine's chunk call refuses what its reader never passes, before reading anything, and the engine lives on", () => {
  // The call is internal but reachable: a panic in wasm, or an exception thrown
  // through it while the engine is borrowed, would leave the engine unusable.
  const engine = new Engine(OPTIONS);
  const options = engine.__chunkOptions({ output: 'ndjson' });
  const line = Buffer.from(`${JSON.stringify({ event: { action: 'hostile-hit' } })}\n`);
  const none = new Uint8Array();
  const call = (carried, chunk, counts = new Float64Array(12), invalid = []) =>
    engine.__evaluateChunk(carried, chunk, options, 1, true, counts, invalid);
  for (const length of [0, 11, 13]) assert.throws(() => call(none, line, new Float64Array(length)), /counts must be a Float64Array of 12 numbers/);
  assert.throws(() => call(none, line, Array(12).fill(0)), /counts must be a Float64Array/);
  for (const notBytes of [{ length: -1 }, { length: 3e9 }, [1, 2], 'text', null]) {
    assert.throws(() => call(notBytes, line), /the bytes must be Uint8Arrays/, String(notBytes));
    assert.throws(() => call(none, notBytes), /the bytes must be Uint8Arrays/, String(notBytes));
  }
  assert.throws(() => call(none, Buffer.from('{"bad":\n'), undefined, Object.freeze([])), /invalid must be a writable array/);
  const counts = new Float64Array(12);
  const invalid = [];
  const outputs = call(none, Buffer.concat([line, Buffer.from('{"bad":\n')]), counts, invalid);
  assert.equal(outputs.trim().split('\n').length, 1, 'the first call that is read alerts');
  assert.deepEqual([counts[0], counts[7], invalid.length], [2, 1, 1], 'two lines, one match, one invalid');
});
