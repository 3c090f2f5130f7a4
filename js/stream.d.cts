import type { Transform } from 'node:stream';
import type { EngineOptions, KqlDetectError } from '../pkg/node/kql_detect.js';

/** Options for `createFilterStream`: the engine's options, and how the stream reads and writes. */
export interface FilterStreamOptions extends EngineOptions {
  /** Objects (or JSON strings, one event each) in, instead of raw bytes. Default false. */
  objectMode?: boolean;
  /** "ndjson" (default for bytes in: NDJSON text out) or "objects" (default in object mode). */
  output?: 'ndjson' | 'objects';
  /** Bytes in: a longer line is reported as invalid ("too_long") and never held whole. Default 10 MiB. */
  maxLineBytes?: number;
  /** The input's name in the errors' `rendered` text. */
  origin?: string;
  /**
   * "all" (default) reads every line (every string or bytes item in object mode), reporting malformed ones;
   * "candidates" leaves lines no rule can match unread (with `input: "ecs"`, outside tag mode), counted in
   * `skippedLines`. See `NdjsonOptions.validate`.
   */
  validate?: 'all' | 'candidates';
}

/**
 * What a filter stream has seen so far. Every line has one outcome: lines = blank + eventLines + invalidLines +
 * emptyLines + skippedLines (in object mode, each written item is a line). When each line holds one event, lines =
 * events + invalid + blank + skippedLines.
 */
export interface FilterCounters {
  /** Lines read (in object mode, items written; a string holding several lines counts each). */
  lines: number;
  blank: number;
  /** Lines that held at least one event. */
  eventLines: number;
  /** Lines that held no event and something invalid (each reported as an 'invalid' event). */
  invalidLines: number;
  /** Lines that held neither: JSON with no events in it, such as `{"records": []}`. */
  emptyLines: number;
  /** Lines left unread because no rule can match them (`validate: "candidates"`). */
  skippedLines: number;
  /** Events read; a line holding an envelope of records counts each record. */
  events: number;
  /** Events that matched at least one rule. */
  matched: number;
  /** What the stream emitted: alerts, or in filter and tag mode, events. */
  alerts: number;
  /** Alerts not created again because the stream created them recently (a re-sent batch). */
  deduplicated: number;
  invalid: number;
  /** Always 0: Kibana's max_signals caps a scheduled execution, and a stream evaluates each event as it arrives. */
  truncated: number;
}

/** A Transform: events in, alerts (or passed or tagged events) out. */
export interface FilterStream extends Transform {
  /** The counts so far; final once 'finish' is emitted. */
  counters(): FilterCounters;
  /** A line or event that is not an event: its `line` and the reason. The stream goes on. */
  on(event: 'invalid', listener: (error: KqlDetectError) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

export function createFilterStream(options?: FilterStreamOptions): FilterStream;

/** The default `maxLineBytes`: Filebeat's default `max_bytes`, 10 MiB. */
export const DEFAULT_MAX_LINE_BYTES: number;
