// A file stream's way of feeding the engine, for the benches: the input in
// 64 KB chunks (Node's `fs.createReadStream` default), cut wherever the
// chunk ends, through the package's own ChunkReader made as the byte stream
// of stream.cjs makes it, with the options it passes (a package from before
// `ChunkReader.evaluating` gets a reader over `evaluateNdjson`, as its
// stream did). Besides its lines, each call pays a fixed cost (options in,
// the result object out) that one call over the whole input pays once.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const CHUNK_BYTES = 64 * 1024;

/** A function that evaluates `buffer` chunk by chunk with `engine`, as a file stream of the package at `packageRoot` would. */
export function chunkedRun(packageRoot, engine, buffer) {
  const { ChunkReader } = require(path.join(packageRoot, 'js', 'chunks.cjs'));
  const { DEFAULT_MAX_LINE_BYTES } = require(path.join(packageRoot, 'js', 'stream.cjs'));
  const chunks = [];
  for (let at = 0; at < buffer.length; at += CHUNK_BYTES) chunks.push(buffer.subarray(at, at + CHUNK_BYTES));
  const read = (input, batchOptions) => engine.evaluateNdjson(input, batchOptions);
  const options = { output: 'ndjson', maxLineBytes: DEFAULT_MAX_LINE_BYTES, origin: undefined, validate: undefined };
  const newReader = ChunkReader.evaluating ? () => ChunkReader.evaluating(engine, options) : () => new ChunkReader(read, options);
  return () => {
    const reader = newReader();
    for (const chunk of chunks) reader.push(chunk);
    reader.end();
  };
}
