// kql-detect/pino: alerts raised from an application's own logs, in pino's transport worker.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';

const NOW = '2026-11-27T10:00:00Z';
// The sample's ECS events, as an application logging in ECS (with @elastic/ecs-pino-format, say) writes
// them. Its raw Azure record is left out: pino's own `time` would collide with the record's.
const sampleLines = readFileSync(new URL('../../examples/azure-auditlogs.ndjson', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('{"@timestamp"'));

/** Logs every sample event (and a plain message) through `transport`, and waits for the transport to close. */
async function logSamples(transport) {
  // pino's worker does not keep the event loop alive, and an application's would: this timer stands in.
  const alive = setInterval(() => {}, 1000);
  try {
    const logger = pino(transport);
    for (const line of sampleLines) logger.info(JSON.parse(line));
    logger.info('a plain message, which no rule matches');
    const closed = once(transport, 'close');
    transport.end();
    await closed;
  } finally {
    clearInterval(alive);
  }
}

function alertTimes(file) {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean)
    .map((line) => JSON.parse(line).kibana.alert.original_time);
}

const EXPECTED = ['2026-11-26T09:02:11.418Z', '2026-11-26T10:40:18.250Z', '2026-11-26T11:05:47.332Z'];

test('the transport writes the alerts of an application\'s logs to its destination', async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'kql-detect-pino-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const destination = path.join(work, 'alerts.ndjson');
  await logSamples(pino.transport({ target: 'kql-detect/pino', options: { now: NOW, destination } }));
  assert.deepEqual(alertTimes(destination), EXPECTED);
});

test('in a pino pipeline, the alerts go on to the next transport', async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'kql-detect-pino-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const destination = path.join(work, 'alerts.ndjson');
  await logSamples(pino.transport({
    pipeline: [
      { target: 'kql-detect/pino', options: { now: NOW, pipeline: true } },
      { target: 'pino/file', options: { destination } },
    ],
  }));
  assert.deepEqual(alertTimes(destination), EXPECTED);
});

test('a line that is not an event is reported on stderr with its number, and the log goes on', async (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'kql-detect-pino-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const destination = path.join(work, 'alerts.ndjson');
  // The worker's stderr reaches this process's, written through process.stderr.write.
  const reported = [];
  const write = process.stderr.write;
  process.stderr.write = function capture(chunk, ...rest) {
    reported.push(String(chunk));
    return write.call(this, chunk, ...rest);
  };
  t.after(() => { process.stderr.write = write; });
  const transport = pino.transport({ target: 'kql-detect/pino', options: { now: NOW, destination } });
  // pino writes JSON only, but a destination can be shared with another writer.
  transport.write('{"truncated":\n');
  await logSamples(transport);
  assert.deepEqual(alertTimes(destination), EXPECTED);
  assert.match(reported.join(''), /malformed JSON[^]*--> pino, line 1, column 14/);
});
