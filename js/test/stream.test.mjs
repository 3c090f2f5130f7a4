// kql-detect/stream as a log shipper uses it: raw chunks in, cut anywhere.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { createFilterStream } from 'kql-detect/stream';

const NOW = '2026-11-27T10:00:00Z';
const samples = readFileSync(new URL('../../examples/azure-auditlogs.ndjson', import.meta.url));
const sampleLines = samples.toString('utf8').split('\n').filter(Boolean);

/** Writes `chunks` to a fresh stream; returns what came out, the invalid lines and the final counters. */
async function run(chunks, options = {}) {
  const stream = createFilterStream({ now: NOW, ...options });
  const invalid = [];
  stream.on('invalid', (error) => invalid.push([error.line, error.kind]));
  const outputs = [];
  await pipeline(Readable.from(chunks, { objectMode: options.objectMode ?? false }), stream, new Writable({
    objectMode: true,
    write(output, _encoding, callback) {
      outputs.push(output);
      callback();
    },
  }));
  const text = options.objectMode || options.output === 'objects' ? null : Buffer.concat(outputs).toString('utf8');
  return { outputs: text ?? outputs, invalid, counters: stream.counters() };
}

/** The input cut into pieces at `cuts`. */
function cut(input, cuts) {
  const pieces = [];
  let start = 0;
  for (const end of [...cuts, input.length]) {
    pieces.push(input.subarray(start, end));
    start = end;
  }
  return pieces;
}

const uuids = (ndjson) => ndjson.split('\n').filter(Boolean).map((line) => JSON.parse(line).kibana.alert.uuid);

test('the sample alerts four times, and the counters add up', async () => {
  const { outputs, invalid, counters } = await run([samples]);
  assert.equal(uuids(outputs).length, 4);
  assert.deepEqual(invalid, []);
  assert.deepEqual(counters, { lines: 12, blank: 0, eventLines: 12, invalidLines: 0, emptyLines: 0, skippedLines: 0, events: 12, matched: 4, alerts: 4, deduplicated: 0, invalid: 0, truncated: 0 });
});

test('lines split across chunks at every byte boundary give identical results', async () => {
  // A byte order mark, CRLF, a blank line, multi-byte characters, bad UTF-8, a malformed line, a raw Azure
  // record (line 10 of the sample: dotted keys) and no final newline. A small mapping keeps the
  // thousands of engines this test creates cheap.
  const input = Buffer.concat([
    Buffer.from('\ufeff{"user":{"name":"zoë"},"event":{"outcome":"success"}}\r\n\r\n'),
    Buffer.from('{"event":{"outcome":"failure"},"emoji":"\u{1F600}"}\n'),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]),
    Buffer.from(`{"event":\n${sampleLines[9]}`),
  ]);
  const options = { rules: ['event.outcome:success'], fieldTypes: { 'event.outcome': 'keyword' } };
  const whole = await run([input], options);
  assert.equal(uuids(whole.outputs).length, 2);
  assert.deepEqual(whole.invalid, [[4, 'malformed_json'], [5, 'malformed_json']]);
  assert.deepEqual(whole.counters, { lines: 6, blank: 1, eventLines: 3, invalidLines: 2, emptyLines: 0, skippedLines: 0, events: 3, matched: 2, alerts: 2, deduplicated: 0, invalid: 2, truncated: 0 });
  for (let at = 0; at <= input.length; at += 1) {
    assert.deepEqual(await run(cut(input, [at]), options), whole, `cut at byte ${at}`);
  }
  const everyByte = Array.from({ length: input.length - 1 }, (_, index) => index + 1);
  assert.deepEqual(await run(cut(input, everyByte), options), whole);
});

test('the whole sample, one byte per chunk, alerts as in one chunk', async () => {
  const everyByte = Array.from({ length: samples.length - 1 }, (_, index) => index + 1);
  assert.deepEqual(await run(cut(samples, everyByte)), await run([samples]));
});

test('a malformed line is reported with its number and reason, and the stream goes on', async () => {
  const input = [sampleLines[0], 'this is not JSON', '[1, 2]', '', sampleLines[7]].join('\n');
  const stream = createFilterStream({ now: NOW, origin: 'shipper' });
  const errors = [];
  stream.on('invalid', (error) => errors.push(error));
  let output = '';
  stream.on('data', (chunk) => { output += chunk; });
  stream.end(input);
  await new Promise((resolve) => stream.on('end', resolve));
  assert.equal(uuids(output).length, 2, 'the lines after the bad ones still alert');
  assert.deepEqual(errors.map((error) => [error.line, error.type, error.kind]), [[2, 'event_invalid', 'malformed_json'], [3, 'event_invalid', 'not_an_object']]);
  assert.ok(errors.every((error) => error instanceof Error));
  assert.match(errors[0].rendered, /--> shipper, line 2, column 2/);
  assert.equal(errors[1].message, 'an event must be a JSON object, not an array');
  const counters = stream.counters();
  assert.equal(counters.lines, counters.events + counters.invalid + counters.blank);
  assert.deepEqual(counters, { lines: 5, blank: 1, eventLines: 2, invalidLines: 2, emptyLines: 0, skippedLines: 0, events: 2, matched: 2, alerts: 2, deduplicated: 0, invalid: 2, truncated: 0 });
});

test('validate "candidates" leaves the lines no rule can match unread, and alerts the same', async () => {
  const input = Buffer.from([...sampleLines, 'this is not JSON', '', sampleLines[0]].join('\n'));
  const all = await run([input], { input: 'ecs' });
  const candidates = await run([input], { input: 'ecs', validate: 'candidates' });
  assert.ok(uuids(all.outputs).length > 0);
  assert.equal(candidates.outputs, all.outputs, 'the same alerts, in the same order');
  assert.deepEqual(all.invalid, [[13, 'malformed_json']]);
  assert.deepEqual(candidates.invalid, [], 'the malformed line holds no literal of the rule: unread');
  const { lines, blank, eventLines, invalidLines, emptyLines, skippedLines } = candidates.counters;
  assert.ok(skippedLines > 0 && skippedLines < sampleLines.length);
  assert.equal(lines, all.counters.lines);
  assert.equal(lines, blank + eventLines + invalidLines + emptyLines + skippedLines, 'every line has one outcome');
  // Object mode: strings (and bytes) are batches too.
  const items = [...sampleLines, 'this is not JSON'];
  const objects = await run(items, { objectMode: true, input: 'ecs', validate: 'candidates' });
  assert.deepEqual(objects.invalid, []);
  assert.ok(objects.counters.skippedLines > 0);
  assert.deepEqual(objects.outputs, (await run(items, { objectMode: true, input: 'ecs' })).outputs);
  // In auto input a line may be a raw Azure record, whose literals differ from its document's: all are read.
  const auto = await run([input], { validate: 'candidates' });
  assert.deepEqual([auto.counters.skippedLines, auto.invalid], [0, [[13, 'malformed_json']]]);
});

test('counters are there at any time, and final on finish', async () => {
  const stream = createFilterStream({ now: NOW });
  stream.resume();
  stream.write(`${sampleLines[0]}\n${sampleLines[1]}\n${sampleLines[2].slice(0, 10)}`);
  assert.deepEqual([stream.counters().lines, stream.counters().alerts], [2, 1], 'the incomplete third line waits');
  const finished = new Promise((resolve) => stream.on('finish', () => resolve(stream.counters())));
  stream.end(sampleLines[2].slice(10));
  const counters = await finished;
  assert.deepEqual([counters.lines, counters.events, counters.invalid], [3, 3, 0]);
});

test('filter mode passes matching lines on; tag mode passes every event, tagged', async () => {
  const filtered = await run([samples], { rules: ['event.outcome:failure'], mode: 'filter' });
  const passed = filtered.outputs.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  assert.deepEqual(passed.map((event) => event.event.outcome), ['failure']);
  assert.equal(filtered.counters.alerts, 1);
  const tagged = await run([samples], { rules: ['event.outcome:failure'], mode: 'tag', output: 'objects' });
  assert.equal(tagged.outputs.length, 12);
  assert.deepEqual(tagged.outputs.filter((event) => event.rule).map((event) => event.rule.id), ['ad-hoc-1']);
  assert.deepEqual([tagged.counters.matched, tagged.counters.alerts], [1, 12]);
});

test('a re-sent batch does not alert twice', async () => {
  const { outputs, counters } = await run([samples, samples]);
  assert.equal(uuids(outputs).length, 4);
  assert.deepEqual([counters.events, counters.matched, counters.alerts, counters.deduplicated], [24, 8, 4, 4]);
});

test('object mode takes objects and JSON strings, and reports what it cannot serialise', async () => {
  const cyclic = {};
  cyclic.self = cyclic;
  const events = [JSON.parse(sampleLines[0]), cyclic, sampleLines[7], 42, JSON.parse(sampleLines[1])];
  const { outputs, invalid, counters } = await run(events, { objectMode: true });
  assert.deepEqual(outputs.map((alert) => alert.kibana.alert.original_time), ['2026-11-26T09:02:11.418Z', '2026-11-26T10:40:18.250Z']);
  assert.deepEqual(invalid, [[2, 'not_serializable'], [4, 'not_an_object']]);
  assert.deepEqual([counters.lines, counters.events, counters.invalid, counters.alerts], [5, 3, 2, 2]);
});

test('a line longer than maxLineBytes is invalid, and the stream goes on', async () => {
  const long = `{"padding":"${'x'.repeat(5000)}"}`;
  const input = Buffer.from(`${sampleLines[0]}\n${long}\n${sampleLines[7]}\n`);
  const pieces = cut(input, Array.from({ length: Math.floor(input.length / 700) }, (_, index) => (index + 1) * 700));
  const { outputs, invalid, counters } = await run(pieces, { maxLineBytes: 4096 });
  assert.equal(uuids(outputs).length, 2);
  assert.deepEqual(invalid, [[2, 'too_long']]);
  assert.deepEqual([counters.lines, counters.events, counters.invalid], [3, 2, 1]);
});

test('a JSON array or pretty-printed records envelope is read whole at the end', async () => {
  const records = JSON.stringify({ records: [JSON.parse(sampleLines[8])] }, null, 2);
  const array = `[\n${sampleLines[0]},\n${sampleLines[1]}\n]\n`;
  for (const input of [records, array]) {
    const { outputs, counters } = await run(cut(Buffer.from(input), [5, 50, 500]));
    assert.equal(uuids(outputs).length, 1);
    assert.equal(counters.invalid, 0);
  }
});

test('backpressure: a slow reader holds the writer back, and nothing is lost', async () => {
  const stream = createFilterStream({ now: NOW, rules: ['event.outcome:*'], mode: 'tag', output: 'objects' });
  const batches = 40;
  let refused = 0;
  const writer = (async () => {
    for (let batch = 0; batch < batches; batch += 1) {
      if (!stream.write(samples)) {
        refused += 1;
        await new Promise((resolve) => stream.once('drain', resolve));
      }
    }
    stream.end();
  })();
  let read = 0;
  let mostBuffered = 0;
  for await (const event of stream) {
    assert.ok(event['@timestamp']);
    read += 1;
    mostBuffered = Math.max(mostBuffered, stream.readableLength);
    if (read % 50 === 0) await sleep(5);
  }
  await writer;
  assert.equal(read, batches * 12, 'every event came out');
  assert.ok(refused > 0, 'the writer was told to wait');
  // The readable side holds at most its high-water mark plus one chunk's outputs.
  assert.ok(mostBuffered <= stream.readableHighWaterMark + 12, `at most ${mostBuffered} events were buffered`);
});

test("the readers' batch options: written once when every value is a plain primitive, else a new object each call, with the same outcome", async () => {
  const { batchOptions } = await import('../chunks.cjs');
  const { Engine } = await import('kql-detect');
  const line = Buffer.from(`${sampleLines[0]}\n`);
  /** What a new engine's evaluateNdjson makes of these options (an alert), or the error it throws, as text. */
  const outcome = (options) => {
    try {
      return JSON.stringify(new Engine({ now: NOW }).evaluateNdjson(line, options));
    } catch (error) {
      return `${error.name}: ${error.message}`;
    }
  };
  const withToJSON = { output: 'ndjson', toJSON: () => ({ output: 5 }) };
  const cases = [
    // [name, options, written as text once]
    ['the byte stream\'s', { output: 'ndjson', maxLineBytes: 1024, origin: undefined, validate: undefined }, true],
    ['none', {}, true],
    ['an origin with a quote and a lone surrogate', { origin: 'a"\ud800' }, true],
    ['null values', { origin: null, validate: null }, true],
    ['an unknown key', { output: 'ndjson', outptu: 'x' }, true],
    ['NaN', { maxLineBytes: NaN }, true],
    ['Infinity', { maxLineBytes: Infinity }, true],
    ['a fraction', { maxLineBytes: 1.5 }, true],
    ['a limit out of range', { maxJsonDepth: 100000 }, true],
    ['a wrong type', { output: 5, origin: false }, true],
    ['its own firstLine and final, replaced', { firstLine: 'x', final: 'y', origin: 'o' }, true],
    ['a nested object', { origin: { name: 'x' } }, false],
    ['an array value', { origin: ['x'] }, false],
    ['a value with toJSON', { origin: { toJSON: () => 'named' } }, false],
    ['toJSON of its own', withToJSON, false],
    ['a BigInt', { maxLineBytes: 10n }, false],
    ['a Date', { origin: new Date(0) }, false],
    ['a getter', { get origin() { return 'got'; } }, false],
    ['a null prototype', Object.assign(Object.create(null), { output: 'ndjson' }), false],
    ['a class instance', new (class Options { output = 'ndjson'; })(), false],
  ];
  const check = (name, options, asText) => {
    for (const [firstLine, final] of [[1, true], [3, false], [7, undefined]]) {
      const given = batchOptions(options)(firstLine, final);
      assert.equal(typeof given === 'string', asText, name);
      assert.equal(outcome(given), outcome({ ...options, firstLine, final }), `${name}, line ${firstLine}, final ${final}`);
    }
  };
  for (const [name, options, asText] of cases) check(name, options, asText);
  // A toJSON every object inherits (JSON.stringify calls it on the options object too).
  Object.defineProperty(Object.prototype, 'toJSON', { value: () => ({ output: 5 }), configurable: true });
  try {
    check('an inherited toJSON', { output: 'ndjson' }, false);
  } finally {
    delete Object.prototype.toJSON;
  }
  // A getter runs on every call, as it did when each call spread the options.
  let reads = 0;
  const counted = batchOptions({ get origin() { reads += 1; return `read ${reads}`; } });
  counted(1, true);
  counted(2, true);
  assert.equal(reads, 2);
});
