import type { Duplex, Transform } from 'node:stream';
import type { EngineOptions } from '../pkg/node/kql_detect.js';

/** Builds the transport; pino calls it with `options` when it loads `kql-detect/pino` as a target. */
declare function kqlDetectTransport(options?: kqlDetectTransport.PinoTransportOptions): Promise<Transform | Duplex>;

declare namespace kqlDetectTransport {
  /** Options of the `kql-detect/pino` transport: the engine's options, and where alerts go. */
  interface PinoTransportOptions extends EngineOptions {
    /** A file path (appended to) or a file descriptor. Default 1: stdout. */
    destination?: string | number;
    /** Pass the alerts (NDJSON) on to the next transport of a pino `pipeline` instead. Default false. */
    pipeline?: boolean;
  }
}

export = kqlDetectTransport;
