// Several builds of the package measured in one Node process, alternating, so
// that load weighs on all of them alike: `node benches/compare.mjs DIR...`
// (each DIR holds a package's js/ and pkg/, e.g. a checkout of another commit
// after `npm run build`). For each build, on the bench data (run `npm run
// bench` once to generate it): `evaluateNdjson` with the seed rule over the mix
// and the worst case, over the mix in 64 KB chunks as a file stream
// feeds it (benches/chunked.mjs), with the 68 Azure rules over the mix (when the shared
// corpus is present), with `validate: "candidates"` over ECS input (builds
// that have the option), and `evaluate(string)` line by line, each as a ratio to
// `JSON.parse` of the same lines measured in the same rounds. Best of 25 rounds.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkedRun } from './chunked.mjs';
import { corpusRules } from './corpus-rules.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const packages = process.argv.slice(2).map((dir) => path.resolve(dir));
const now = '2026-11-26T12:00:00Z';
const rounds = 25;

/** Best milliseconds of `parse` and of each build's `run`, alternating, over `rounds` rounds. */
function race(lines, runs) {
  let parse = Infinity;
  const best = runs.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    for (const line of lines) JSON.parse(line);
    parse = Math.min(parse, performance.now() - start);
    // Each build goes first in turn: with a fixed order, the second of two
    // identical builds came out ahead (see worst-race.mjs).
    for (let step = 0; step < runs.length; step++) {
      const index = (round + step) % runs.length;
      if (runs[index] === null) continue;
      start = performance.now();
      runs[index]();
      best[index] = Math.min(best[index], performance.now() - start);
    }
  }
  return { parse, best };
}

const rules68 = corpusRules(root);
if (rules68 === null) console.log('SKIPPED: ../shared/corpus is absent, so the 68 rules are not measured');
for (const file of ['mix', 'worst']) {
  const buffer = readFileSync(path.join(root, 'target', 'bench-data', `${file}.ndjson`));
  const lines = buffer.toString('utf8').split('\n').filter((line) => line !== '');
  const cases = [['evaluateNdjson, seed rule', (Engine) => { const engine = new Engine({ now }); return () => engine.evaluateNdjson(buffer); }]];
  if (file === 'mix') {
    cases.push(['evaluateNdjson, seed rule, in 64 KB chunks as stream.cjs feeds it', (Engine, dir) => chunkedRun(dir, new Engine({ now }), buffer)]);
    cases.push(['evaluateNdjson, seed rule, input ecs, validate candidates', (Engine) => {
      const engine = new Engine({ now, input: 'ecs' });
      const options = { validate: 'candidates' };
      try {
        engine.evaluateNdjson('', options);
      } catch {
        return null; // a build without the option
      }
      return () => engine.evaluateNdjson(buffer, options);
    }]);
  }
  if (file === 'mix' && rules68 !== null) {
    cases.push(['evaluateNdjson, 68 rules', (Engine) => { const engine = new Engine({ now, rules: rules68 }); return () => engine.evaluateNdjson(buffer); }]);
  }
  cases.push(['evaluate(string), seed rule', (Engine) => { const engine = new Engine({ now }); return () => { for (const line of lines) engine.evaluate(line); }; }]);
  for (const [name, make] of cases) {
    const runs = packages.map((dir) => make(require(path.join(dir, 'js', 'node.cjs')).Engine, dir));
    const { parse, best } = race(lines, runs);
    console.log(`${file}, ${name} (JSON.parse ${(buffer.length / parse / 1e3).toFixed(0)} MB/s)`);
    packages.forEach((dir, index) => {
      if (runs[index] === null) return console.log(`  ${dir}: not supported`);
      const megabytes = buffer.length / best[index] / 1e3;
      console.log(`  ${dir}: ${megabytes.toFixed(0)} MB/s, ${(parse / best[index]).toFixed(2)}x JSON.parse`);
    });
  }
}
