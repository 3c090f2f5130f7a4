// The worst case alone (every line a candidate the lazy reader must read),
// several builds alternating in one Node process, for changes to the reader
// too small to see through `compare.mjs`'s noise on a shared machine:
// `node benches/worst-race.mjs [--rounds N] [--file mix] DIR...` (each DIR
// holds a package's js/ and pkg/). Prints, for `evaluateNdjson` with the
// seed rule over target/bench-data/worst.ndjson (or FILE.ndjson), each
// build's speed against `JSON.parse` of the same lines in the same rounds
// (its time over the build's best and median time: higher is faster), and
// its speed against the first build's, the median over rounds of the ratio
// of their times in each round (paired, so that load that comes and goes
// weighs on both alike). With `--validate candidates`, each engine reads ECS
// input and leaves the lines no rule can match unread, writing NDJSON (as
// `npm run bench`'s candidates row does). With `--rules68`, each engine holds
// the 68 Azure rules of the shared corpus instead of the seed rule (the
// issue's target row: `--rules68 --file mix`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusRules } from './corpus-rules.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const roundsAt = argv.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(argv.splice(roundsAt, 2)[1]) : 60;
if (!(rounds >= 1)) throw new Error('--rounds needs a number of rounds, at least 1');
const fileAt = argv.indexOf('--file');
const file = fileAt >= 0 ? argv.splice(fileAt, 2)[1] : 'worst';
const validateAt = argv.indexOf('--validate');
const validate = validateAt >= 0 ? argv.splice(validateAt, 2)[1] : 'all';
if (!['all', 'candidates'].includes(validate)) throw new Error('--validate is all or candidates');
const rules68At = argv.indexOf('--rules68');
const rules = rules68At >= 0 ? corpusRules(root) : undefined;
if (rules68At >= 0) argv.splice(rules68At, 1);
if (rules === null) throw new Error('--rules68 needs the shared corpus (../shared/corpus)');
const packages = argv.map((dir) => path.resolve(dir));
const now = '2026-11-26T12:00:00Z';

const buffer = readFileSync(path.join(root, 'target', 'bench-data', `${file}.ndjson`));
const lines = buffer.toString('utf8').split('\n').filter((line) => line !== '');
const runs = packages.map((dir) => {
  const { Engine } = require(path.join(dir, 'js', 'node.cjs'));
  if (validate === 'all') {
    const engine = new Engine({ now, rules });
    return () => engine.evaluateNdjson(buffer);
  }
  const engine = new Engine({ now, rules, input: 'ecs' });
  const options = { output: 'ndjson', validate };
  return () => engine.evaluateNdjson(buffer, options);
});
const parse = [];
const times = runs.map(() => []);
for (let round = 0; round < rounds; round++) {
  let start = performance.now();
  for (const line of lines) JSON.parse(line);
  parse.push(performance.now() - start);
  // Each build goes first in turn: with a fixed order, an A/A race (two
  // identical builds) put the second 1.7-2.7% ahead, perhaps because it
  // found the input in the cache, warm from the first one's copy.
  for (let step = 0; step < runs.length; step++) {
    const index = (round + step) % runs.length;
    start = performance.now();
    runs[index]();
    times[index].push(performance.now() - start);
  }
}
const best = (values) => Math.min(...values);
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const ruleSet = rules === undefined ? 'seed rule' : `${rules.length} rule files`;
console.log(`${file}, evaluateNdjson, ${ruleSet}, validate ${validate}, ${rounds} rounds`);
packages.forEach((dir, index) => {
  console.log(
    `  ${dir}: best ${(best(parse) / best(times[index])).toFixed(3)}x JSON.parse, ` +
      `median ${(median(parse) / median(times[index])).toFixed(3)}x; ` +
      `speed against the first build ${(1 / median(times[index].map((time, round) => time / times[0][round]))).toFixed(3)}`,
  );
});
