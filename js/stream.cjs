'use strict';
// kql-detect/stream: Node streams for log shippers.
//
// The byte stream takes raw chunks (lines may be split across them) and hands
// them to WebAssembly whole, where lines are framed, parsed and evaluated; it
// never splits or parses a line itself. The object stream is for pipelines
// that already hold events as objects. Both are Transforms, so backpressure is
// Node's own: a chunk is taken only when the reader has room for the last
// one's output.

const { Transform } = require('node:stream');
const { Engine } = require('../pkg/node/kql_detect.js');
const { ChunkReader, batchOptions } = require('./chunks.cjs');

/** Filebeat's default `max_bytes`: a longer line is invalid, and is never held whole. */
const DEFAULT_MAX_LINE_BYTES = 10 * 1024 * 1024;

/**
 * A Transform that evaluates events against rules and emits alerts (or, in
 * `mode: "filter"`, the matching events; in `mode: "tag"`, every event tagged).
 */
function createFilterStream(options = {}) {
  const {
    objectMode = false,
    output = objectMode ? 'objects' : 'ndjson',
    maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    origin,
    validate,
    ...engineOptions
  } = options;
  const engine = new Engine(engineOptions);
  const readableObjectMode = output === 'objects';
  if (objectMode) return new FilterStream(new EventReader(engine, { output, origin, validate }), { writableObjectMode: true, readableObjectMode });
  return new FilterStream(ChunkReader.evaluating(engine, { output, maxLineBytes, origin, validate }), { readableObjectMode });
}

/** A Transform around a reader that turns what is written into batch results (`push`, then `end`). */
class FilterStream extends Transform {
  #reader;
  #counters = {
    lines: 0, blank: 0, eventLines: 0, invalidLines: 0, emptyLines: 0, skippedLines: 0,
    events: 0, matched: 0, alerts: 0, deduplicated: 0, invalid: 0, truncated: 0,
  };

  constructor(reader, streamOptions) {
    super(streamOptions);
    this.#reader = reader;
  }

  /**
   * What the stream has seen so far. Every line has one outcome: `lines =
   * blank + eventLines + invalidLines + emptyLines + skippedLines` (in object mode, a line
   * is a written item). `events` and `invalid` are totals besides, since a
   * line can hold an envelope of many records. `alerts` counts what it
   * emitted (in filter and tag mode, events). `truncated` stays 0: Kibana's
   * `max_signals` caps one scheduled execution, and a stream evaluates each
   * event as it arrives, with no executions (`engine.run` replays them).
   */
  counters() {
    return { ...this.#counters };
  }

  _transform(chunk, _encoding, callback) {
    settle(callback, () => this.#take(this.#reader.push(chunk)));
  }

  _flush(callback) {
    settle(callback, () => this.#take(this.#reader.end()));
  }

  /** Counts a batch result, reports its invalid inputs and emits its outputs. */
  #take(result) {
    if (!result) return;
    const counters = this.#counters;
    for (const count of ['lines', 'blank', 'eventLines', 'invalidLines', 'emptyLines', 'skippedLines']) counters[count] += result[count];
    counters.events += result.events;
    counters.matched += result.matched;
    counters.deduplicated += result.deduplicated;
    counters.invalid += result.invalid.length;
    for (const error of result.invalid) this.emit('invalid', error);
    if (typeof result.outputs === 'string') {
      counters.alerts += countLines(result.outputs);
      if (result.outputs !== '') this.push(result.outputs);
    } else {
      counters.alerts += result.outputs.length;
      for (const output of result.outputs) this.push(output);
    }
  }
}

/** Events one at a time (objects, or JSON strings), each evaluated as one batch. */
class EventReader {
  #engine;
  #batchOptions;
  #line = 1;

  constructor(engine, options) {
    this.#engine = engine;
    this.#batchOptions = batchOptions(options);
  }

  push(event) {
    const text = jsonText(event, this.#line);
    const result = text instanceof Error
      ? { ...NOTHING_READ, lines: 1, invalidLines: 1, invalid: [text] }
      : this.#engine.evaluateNdjson(text, this.#batchOptions(this.#line));
    // An empty string has no lines, but as an item written it is one, blank.
    const counted = result.lines === 0 ? { ...result, lines: 1, blank: 1 } : result;
    this.#line += counted.lines;
    return counted;
  }

  end() {
    return null;
  }
}

const NOTHING_READ = {
  outputs: [], lines: 0, blank: 0, eventLines: 0, invalidLines: 0, emptyLines: 0, skippedLines: 0, events: 0, matched: 0, deduplicated: 0, invalid: [],
};

/** An event as JSON text (strings and bytes are already), or the error saying why it cannot be. */
function jsonText(event, line) {
  if (typeof event === 'string' || event instanceof Uint8Array) return event;
  let text;
  let reason = 'JSON.stringify returned undefined';
  try {
    text = JSON.stringify(event);
  } catch (error) {
    reason = error.message;
  }
  if (typeof text === 'string') return text;
  // Shaped like the engine's own errors for an event it cannot serialise.
  const message = `an event must be an object or a JSON string: ${reason}`;
  return Object.assign(new Error(message), {
    type: 'event_invalid', kind: 'not_serializable', span: null, line, column: null, rendered: `error: ${message}`,
  });
}

function countLines(text) {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines += 1;
  return lines;
}

/** Runs `work`, then calls the stream callback with the error it threw, if any. */
function settle(callback, work) {
  try {
    work();
  } catch (error) {
    callback(error);
    return;
  }
  callback();
}

module.exports = { createFilterStream, DEFAULT_MAX_LINE_BYTES };
