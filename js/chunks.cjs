'use strict';
// Feeds a stream's raw chunks to one of the engine's batch methods
// (evaluateNdjson, explainNdjson, normalizeNdjson). Lines are framed and
// parsed inside WebAssembly; this side only carries the bytes of an
// incomplete last line into the next call. It looks for a newline before
// calling, so a long line split over many chunks is copied once, not once per
// chunk, and drops what is left of a line the engine found too long.
//
// Memory stays bounded: an incomplete line is held up to `maxLineBytes`, and
// an input the engine reads whole (an array, pretty-printed documents) is
// offered again each time it doubles, so the engine can switch to reading it
// line by line once it outgrows `maxWholeInputBytes`, instead of this side
// holding an endless input until its end.

const NEWLINE = 0x0a;
/** The engine's own default line limit (src/limits.rs), for callers that set none. */
const ENGINE_MAX_LINE_BYTES = 16 * 1024 * 1024;
/**
 * Pending bytes up to this size are joined into one buffer kept from call to
 * call, not a new one each time: allocating it cost more than copying into it
 * (a 64 KB chunk after a line's tail: about 7 µs against 1.5 µs). Larger
 * ones get a buffer of their own, so the one kept stays small.
 */
const REUSED_JOIN_BYTES = 1024 * 1024;

/** No bytes: the carried part when nothing is carried, the chunk when none is pending. */
const EMPTY = Buffer.alloc(0);

/** The options a reader sets itself on each call, over any the caller gave. */
const PER_CALL_KEYS = new Set(['firstLine', 'final']);

/**
 * The batch options a reader passes on each call: its fixed `options` with
 * `firstLine` (and `final`, when given) set. When every fixed value is a
 * primitive JSON.stringify writes the same way every time (no object, no
 * BigInt, getter or `toJSON`), their JSON text is written once and each call
 * passes that text with the line (and `final`) added: the engine reads a
 * string as the JSON text of its options, and serialising a new object each
 * call was about a third of an empty call's cost. The two go last, where the
 * caller's own would have stood in a spread: the engine reports the first bad
 * value in key order, and the reader's are never bad. Anything else is passed
 * as a new object each call, serialised by the engine as before, with
 * whatever that runs.
 * @param {object} options
 * @returns {(firstLine: number, final?: boolean) => object | string}
 */
function batchOptions(options) {
  if (!writtenAlike(options)) return (firstLine, final) => ({ ...options, firstLine, final });
  const fixed = fixedMembers(options);
  return (firstLine, final) =>
    `{${fixed}"firstLine":${JSON.stringify(firstLine)}${final === undefined ? '' : `,"final":${JSON.stringify(final)}`}}`;
}

/** The JSON text of `options`' members but the per-call ones, each followed by a comma. */
function fixedMembers(options) {
  return Object.entries(options)
    .filter(([key, value]) => value !== undefined && !PER_CALL_KEYS.has(key))
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)},`)
    .join('');
}

/**
 * A reader's call for `engine.evaluateNdjson` through the engine's internal
 * chunk call: the options are read once (on the first call, so that bad ones
 * throw from the call, as they do from evaluateNdjson, every time), the
 * carried bytes and the chunk are copied into wasm memory as one input
 * without being joined here first, and the counts come back as numbers in an
 * array the reader keeps. The engine reads the same options and the same
 * bytes as from evaluateNdjson, and the result has the same properties in the
 * same order. Only for options whose JSON text is fixed (`writtenAlike`);
 * null otherwise.
 * @returns {((carried: Uint8Array, chunk: Uint8Array, firstLine: number, final: boolean) => object) | null}
 */
function evaluatedChunks(engine, options) {
  if (!writtenAlike(options)) return null;
  const text = `{${fixedMembers(options).slice(0, -1)}}`;
  let chunkOptions = null;
  const counts = new Float64Array(CHUNK_COUNTS);
  return (carried, chunk, firstLine, final) => {
    chunkOptions ??= engine.__chunkOptions(text);
    const invalid = [];
    const outputs = engine.__evaluateChunk(carried, chunk, chunkOptions, firstLine, final, counts, invalid);
    return chunkResult(outputs, invalid, counts);
  };
}

/** How many counts the engine's chunk call writes (src/wasm.rs, `chunk_counts`). */
const CHUNK_COUNTS = 12;

/** evaluateNdjson's result object from what the engine's chunk call gave. */
function chunkResult(outputs, invalid, counts) {
  return {
    outputs,
    lines: counts[0],
    blank: counts[1],
    eventLines: counts[2],
    invalidLines: counts[3],
    emptyLines: counts[4],
    skippedLines: counts[5],
    events: counts[6],
    matched: counts[7],
    deduplicated: counts[8],
    invalid,
    consumed: counts[9],
    wholeInputNeeded: counts[10] === 1,
    restOfLineSkipped: counts[11] === 1,
  };
}

/** Whether JSON.stringify writes `options` the same way every time, key by key. */
function writtenAlike(options) {
  return Object.getPrototypeOf(options) === Object.prototype
    && options.toJSON === undefined
    && Object.values(Object.getOwnPropertyDescriptors(options)).every(({ get, value }) =>
      get === undefined && (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)));
}

class ChunkReader {
  /**
   * @param {(input: Uint8Array, options: object) => object} read a batch method, bound to its engine
   * @param {object} options passed with every batch: `origin`, `output`, `maxLineBytes`
   */
  constructor(read, options = {}) {
    const fixedOptions = batchOptions(options);
    // The carried bytes and the chunk, joined into one input for `read`.
    this.readParts = (carried, chunk, firstLine, final) =>
      read(carried.length === 0 ? chunk : this.#join([carried, chunk]), fixedOptions(firstLine, final));
    // Past this, an incomplete line is handed over anyway: the engine reports it too long and
    // says to drop the rest, so it is never held whole.
    this.maxLineBytes = options.maxLineBytes ?? ENGINE_MAX_LINE_BYTES;
    this.line = 1;
    this.pending = [];
    this.pendingBytes = 0;
    // The input is an array or pretty-printed documents: it is read whole, at the end,
    // unless it outgrows what an input read whole may hold; `offered` is its size when last offered.
    this.wholeInput = false;
    this.offered = 0;
    // The rest of a line the engine found too long, up to its newline, is dropped.
    this.skipping = false;
    this.joined = EMPTY;
  }

  /**
   * A reader for `engine.evaluateNdjson` with `options`, as the byte stream
   * reads: through the engine's chunk call when the options allow it
   * (`evaluatedChunks`).
   */
  static evaluating(engine, options = {}) {
    const reader = new ChunkReader((input, batch) => engine.evaluateNdjson(input, batch), options);
    reader.readParts = evaluatedChunks(engine, options) ?? reader.readParts;
    return reader;
  }

  /** Takes a chunk; returns the batch result it completed, or null. */
  push(chunk) {
    if (this.skipping) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) return null;
      this.skipping = false;
      chunk = chunk.subarray(newline + 1);
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.wholeInput && this.pendingBytes < 2 * this.offered) return null;
    if (chunk.indexOf(NEWLINE) === -1 && this.pendingBytes <= this.maxLineBytes) return null;
    return this.#readPending(false);
  }

  /** Reads what is left at the end of the input. */
  end() {
    return this.#readPending(true);
  }

  /**
   * Reads the pending bytes as two parts: what was carried over (the pending
   * buffers but the last, joined) and the last chunk, which is not copied here.
   */
  #readPending(final) {
    const { pending } = this;
    const chunk = pending.length === 0 ? EMPTY : pending[pending.length - 1];
    const carried = pending.length <= 1 ? EMPTY : pending.length === 2 ? pending[0] : this.#join(pending.slice(0, -1));
    const carriedBytes = carried.length;
    const result = this.readParts(carried, chunk, this.line, final);
    const consumed = result.consumed;
    this.line += result.lines;
    this.wholeInput = result.wholeInputNeeded;
    this.offered = carriedBytes + chunk.length;
    this.skipping = result.restOfLineSkipped;
    if (result.wholeInputNeeded) {
      // Held as they are, the carried part even in the reused buffer: it starts
      // there, and the next join copies it first, onto itself, before anything after it.
      this.pending = carriedBytes === 0 ? [chunk] : [carried, chunk];
    } else if (consumed === this.offered) {
      this.pending = [];
    } else if (consumed >= carriedBytes) {
      // A copy, so the rest of a large chunk is not kept alive by its tail.
      this.pending = [Buffer.from(chunk.subarray(consumed - carriedBytes))];
    } else {
      this.pending = [Buffer.concat([carried.subarray(consumed), chunk])];
    }
    this.pendingBytes = this.pending.reduce((bytes, buffer) => bytes + buffer.length, 0);
    return result;
  }

  /** `buffers` as one; in the reused buffer when they fit its limit. */
  #join(buffers) {
    const bytes = buffers.reduce((total, buffer) => total + buffer.length, 0);
    if (bytes > REUSED_JOIN_BYTES) return Buffer.concat(buffers, bytes);
    if (this.joined.length < bytes) this.joined = Buffer.allocUnsafeSlow(Math.min(2 * bytes, REUSED_JOIN_BYTES));
    let at = 0;
    for (const buffer of buffers) at += buffer.copy(this.joined, at);
    return this.joined.subarray(0, at);
  }
}

module.exports = { ChunkReader, batchOptions };
