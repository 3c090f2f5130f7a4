// The fixed cost of one `evaluateNdjson` call, several builds in one process,
// each going first in turn: `node benches/call-cost.mjs DIR...` (each DIR
// holds a package's js/ and pkg/). Microseconds a call, best of 10 rounds of
// 10,000 calls: no input, then the options the byte stream passes
// (stream.cjs) with no input and with one line of the mix (run `npm run
// bench` once to generate it), after the first line and at it (whose first
// line is parsed whole to tell NDJSON from an array or pretty-printed documents),
// and a blank line pushed through each package's own ChunkReader (chunks.cjs)
// made as its byte stream makes it (`ChunkReader.evaluating`, where the
// package has it), with the byte stream's options, after a mix line.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const packages = process.argv.slice(2).map((dir) => path.resolve(dir));
const rounds = 10;
const callsPerRound = 10000;

const mix = readFileSync(path.join(root, 'target', 'bench-data', 'mix.ndjson'));
const firstLine = mix.subarray(0, mix.indexOf(10) + 1);
const nothing = new Uint8Array(0);
const engines = packages.map((dir) => new (require(path.join(dir, 'js', 'node.cjs')).Engine)({ now: '2026-11-26T12:00:00Z' }));
const streamOptions = (packageDir) => {
  const { DEFAULT_MAX_LINE_BYTES } = require(path.join(packageDir, 'js', 'stream.cjs'));
  return { output: 'ndjson', maxLineBytes: DEFAULT_MAX_LINE_BYTES, origin: undefined, validate: undefined };
};
const options = streamOptions(packages[0]);
const blankLine = Buffer.from('\n');
const readers = packages.map((dir, index) => {
  const { ChunkReader } = require(path.join(dir, 'js', 'chunks.cjs'));
  const engine = engines[index];
  const reader = ChunkReader.evaluating
    ? ChunkReader.evaluating(engine, streamOptions(dir))
    : new ChunkReader((input, batchOptions) => engine.evaluateNdjson(input, batchOptions), streamOptions(dir));
  // Past the first line, which tells NDJSON from an input read whole (blank lines alone never do).
  reader.push(firstLine);
  return reader;
});
const cases = [
  ['no input, no options', (engine) => engine.evaluateNdjson(nothing)],
  ["no input, the stream's options, firstLine 2", (engine) => engine.evaluateNdjson(nothing, { ...options, firstLine: 2, final: false })],
  ["a mix line, the stream's options, firstLine 2", (engine) => engine.evaluateNdjson(firstLine, { ...options, firstLine: 2, final: false })],
  ["a mix line, the stream's options, firstLine 1", (engine) => engine.evaluateNdjson(firstLine, { ...options, firstLine: 1, final: false })],
  ["a blank line through the package's ChunkReader", (engine) => readers[engines.indexOf(engine)].push(blankLine)],
];
for (const [name, call] of cases) {
  const best = engines.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < engines.length; step++) {
      const index = (round + step) % engines.length;
      const start = performance.now();
      for (let calls = 0; calls < callsPerRound; calls++) call(engines[index]);
      best[index] = Math.min(best[index], performance.now() - start);
    }
  }
  console.log(name);
  packages.forEach((dir, index) => console.log(`  ${dir}: ${((best[index] * 1000) / callsPerRound).toFixed(2)} µs a call`));
}
