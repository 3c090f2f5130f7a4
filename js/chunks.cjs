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
  const fixed = Object.entries(options)
    .filter(([key, value]) => value !== undefined && !PER_CALL_KEYS.has(key))
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)},`)
    .join('');
  return (firstLine, final) =>
    `{${fixed}"firstLine":${JSON.stringify(firstLine)}${final === undefined ? '' : `,"final":${JSON.stringify(final)}`}}`;
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
    this.read = read;
    this.batchOptions = batchOptions(options);
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
    this.joined = Buffer.alloc(0);
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

  #readPending(final) {
    const input = this.pending.length === 1 ? this.pending[0] : this.#joinPending();
    const result = this.read(input, this.batchOptions(this.line, final));
    this.line += result.lines;
    this.wholeInput = result.wholeInputNeeded;
    this.offered = input.length;
    this.skipping = result.restOfLineSkipped;
    if (result.wholeInputNeeded) {
      // Held as it is, even in the reused buffer: it starts there, and the next
      // join copies it first, onto itself, before anything after it.
      this.pending = [input];
    } else {
      // A copy, so the rest of a large chunk is not kept alive by its tail.
      this.pending = result.consumed === input.length ? [] : [Buffer.from(input.subarray(result.consumed))];
    }
    this.pendingBytes = this.pending.reduce((bytes, buffer) => bytes + buffer.length, 0);
    return result;
  }

  /** The pending buffers as one; in the reused buffer when they fit its limit. */
  #joinPending() {
    if (this.pendingBytes > REUSED_JOIN_BYTES) return Buffer.concat(this.pending, this.pendingBytes);
    if (this.joined.length < this.pendingBytes) this.joined = Buffer.allocUnsafeSlow(Math.min(2 * this.pendingBytes, REUSED_JOIN_BYTES));
    let at = 0;
    for (const buffer of this.pending) at += buffer.copy(this.joined, at);
    return this.joined.subarray(0, at);
  }
}

module.exports = { ChunkReader, batchOptions };
