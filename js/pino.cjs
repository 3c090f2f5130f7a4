'use strict';
// kql-detect/pino: a pino transport that raises alerts from an application's
// own logs. pino-abstract-transport splits the log into lines; each line goes
// to WebAssembly as it is (parseLine passes it through, so nothing parses it
// in JavaScript as well) and the alerts come back as NDJSON text.
//
//   pino.transport({ target: 'kql-detect/pino', options: { rules, destination: 'alerts.ndjson' } })
//
// Alerts go to `destination` (a file path, or a file descriptor; default 1,
// stdout). With `pipeline: true` they are passed on instead, to the next
// transport of a pino `pipeline`. A line that is not an event (pino writes
// none, but a destination can be shared) is reported on stderr with its
// number and reason, as the command line reports it, and the log goes on.

const { createWriteStream } = require('node:fs');
const { once } = require('node:events');
const { Transform } = require('node:stream');
const build = require('pino-abstract-transport');
const { Engine } = require('../pkg/node/kql_detect.js');

module.exports = async function kqlDetectTransport(options = {}) {
  const { destination = 1, pipeline = false, ...rest } = options;
  // pino adds `pinoWillSendConfig`, and its worker (thread-stream) `$context`, to a transport's options.
  const ours = ([key]) => key !== 'pinoWillSendConfig' && !key.startsWith('$');
  const engine = new Engine(Object.fromEntries(Object.entries(rest).filter(ours)));
  let line = 0;
  // Log lines in, the alerts they raise out as NDJSON text.
  const alerts = () => new Transform({
    writableObjectMode: true,
    transform(text, _encoding, callback) {
      line += 1;
      const { outputs, invalid } = engine.evaluateNdjson(text, { firstLine: line, output: 'ndjson', origin: 'pino' });
      for (const error of invalid) process.stderr.write(`${error.rendered}\n`);
      callback(null, outputs === '' ? undefined : outputs);
    },
  });
  const lines = { parse: 'lines', parseLine: (text) => text, metadata: false };
  if (pipeline) return build((source) => source.pipe(alerts()), { ...lines, enablePipelining: true });
  const out = typeof destination === 'number'
    ? createWriteStream('', { fd: destination, autoClose: false })
    : createWriteStream(destination, { flags: 'a' });
  const finished = once(out, 'finish');
  return build((source) => {
    source.pipe(alerts()).pipe(out);
  }, {
    ...lines,
    // pino waits for this before the process exits: every alert is written by then.
    async close() {
      await finished;
    },
  });
};
