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
// transport of a pino `pipeline`.

const { createWriteStream } = require('node:fs');
const { once } = require('node:events');
const { Transform } = require('node:stream');
const build = require('pino-abstract-transport');
const { Engine } = require('../pkg/node/kql_detect.js');

module.exports = async function kqlDetectTransport(options = {}) {
  const { destination = 1, pipeline = false, ...engineOptions } = options;
  const engine = new Engine(engineOptions);
  let line = 0;
  const alertsOf = (text) => {
    line += 1;
    return engine.evaluateNdjson(text, { firstLine: line, output: 'ndjson' }).outputs;
  };
  const lines = { parse: 'lines', parseLine: (text) => text, metadata: false };
  if (pipeline) {
    return build((source) => source.pipe(new Transform({
      writableObjectMode: true,
      transform(text, _encoding, callback) {
        callback(null, alertsOf(text) || undefined);
      },
    })), { ...lines, enablePipelining: true });
  }
  const out = typeof destination === 'number'
    ? createWriteStream('', { fd: destination, autoClose: false })
    : createWriteStream(destination, { flags: 'a' });
  let written = Promise.resolve();
  const write = async (source) => {
    try {
      for await (const text of source) {
        const alerts = alertsOf(text);
        if (alerts !== '' && !out.write(alerts)) await once(out, 'drain');
      }
    } finally {
      out.end();
      await once(out, 'finish');
    }
  };
  return build((source) => {
    written = write(source);
    return written;
  }, {
    ...lines,
    // pino waits for this before the process exits: every alert is written by then.
    close: () => written,
  });
};
