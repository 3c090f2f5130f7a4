// The object screen alone (js/object-path.cjs): what `engine.evaluate(object)`
// costs for an object no rule can match, two versions of the screen racing
// in one Node process: `node benches/object-screen.mjs [--base REF]
// [--rounds N]` (after `npm run build`; reads the bench data `npm run bench`
// generates, or generates it). The base is js/object-path.cjs at git REF
// (`lead` unless told), or the file REF names, the branch is this checkout's; each is installed on a
// subclass of the same wasm Engine, with code generation as in Node.
//
// Rule sets: the seed rule, 32 and 1000 generated rules (keyword terms over
// the fields of the mix, value sets of 1 to 12 values, so that both the
// specialised readers and the shared ones run), and Elastic's Azure rules
// from the shared corpus (those with keyword terms: one rule without any
// would leave the engine no screen). Objects: the lines of the mix, as they
// are and with their datasets renamed (most corpus rules would take every
// line of the mix as it is, for its dataset), that both screens reject, so no
// call reaches wasm. Prints ns per object (medians over
// rounds, base and branch alternating within each round) and the branch's
// speed against the base (the median over rounds of base time / branch time).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusRules } from './corpus-rules.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const argument = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const baseRef = argument('base', 'lead');
const rounds = Number(argument('rounds', 15));
if (!(rounds >= 1)) throw new Error('--rounds needs a number of rounds, at least 1');
const now = '2026-11-26T12:00:00Z';

const dataDir = path.join(root, 'target', 'bench-data');
if (!existsSync(path.join(dataDir, 'mix.ndjson'))) {
  execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench-data', '--', dataDir, '2000'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const mix = readFileSync(path.join(dataDir, 'mix.ndjson'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

/** The same event from a dataset no rule reads. */
function elsewhere(object) {
  const renamed = structuredClone(object);
  if (renamed.event?.dataset !== undefined) renamed.event.dataset = 'azure.elsewhere';
  if (renamed.data_stream?.dataset !== undefined) renamed.data_stream.dataset = 'azure.elsewhere';
  return renamed;
}
const candidates = [...mix, ...mix.map(elsewhere)];

const { Engine } = require(path.join(root, 'pkg', 'node', 'kql_detect.js'));

/** An Engine class whose `evaluate(object)` runs the given object-path module's screen. */
function engineWith(objectPath) {
  class ScreenedEngine extends Engine {}
  objectPath.installObjectFastPath(ScreenedEngine, { generateCode: true });
  return ScreenedEngine;
}

function baseModule() {
  if (existsSync(baseRef)) return require(path.resolve(baseRef));
  const directory = mkdtempSync(path.join(tmpdir(), 'object-screen-base-'));
  const file = path.join(directory, 'object-path.cjs');
  writeFileSync(file, execFileSync('git', ['show', `${baseRef}:js/object-path.cjs`], { cwd: root }));
  return require(file);
}

const versions = [
  { name: `base (${baseRef})`, Engine: engineWith(baseModule()) },
  { name: 'branch', Engine: engineWith(require(path.join(root, 'js', 'object-path.cjs'))) },
];

/**
 * `count` rules, each a keyword term over a field of the mix with 1 to 12
 * values (now and then one the mix holds, so that reading goes on to the
 * next term), the dataset, and now and then the outcome.
 */
function generatedRules(count) {
  const fields = [
    ['azure.auditlogs.operation_name', 'azure.auditlogs', 'Invite external user'],
    ['azure.signinlogs.properties.app_display_name', 'azure.signinlogs', 'Microsoft Teams'],
    ['azure.signinlogs.properties.client_app_used', 'azure.signinlogs', 'Browser'],
    ['azure.auditlogs.properties.category', 'azure.auditlogs', 'UserManagement'],
    ['event.action', 'azure.activitylogs', 'MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE'],
    ['azure.platformlogs.properties.log.verb', 'azure.platformlogs', 'create'],
    ['user.name', 'azure.signinlogs', 'dave.dev@contoso.onmicrosoft.com'],
    ['source.geo.country_iso_code', 'azure.signinlogs', 'US'],
  ];
  return Array.from({ length: count }, (_, index) => {
    const [field, dataset, known] = fields[index % fields.length];
    const size = 1 + ((index * 7) % 12);
    const values = Array.from({ length: size }, (__, at) => `"value ${index % 251} ${at}"`);
    if (index % 5 === 0) values[size - 1] = `"${known}"`;
    const outcome = index % 3 === 0 ? ' and event.outcome:(success or Success)' : '';
    return `event.dataset:${dataset} and ${field}:(${values.join(' or ')})${outcome}`;
  });
}

function ruleSets() {
  const sets = [
    ['seed rule', undefined],
    ['32 generated rules', generatedRules(32)],
  ];
  const corpus = corpusRules(root);
  if (corpus === null) {
    console.log('SKIPPED: ../shared/corpus is absent, so the corpus rules are not measured');
  } else {
    const screened = corpus.filter((rule) => new Engine({ now, rules: [rule] }).objectScreen() !== null);
    sets.push([`${screened.length} of the ${corpus.length} corpus rules (those with terms)`, screened]);
  }
  sets.push(['1000 generated rules', generatedRules(1000)]);
  return sets;
}

/** What an engine answers, or its error's type. */
function outcome(engine, object) {
  try {
    return JSON.stringify(engine.evaluate(object));
  } catch (error) {
    return `error ${error.type ?? error.name}`;
  }
}

/** Whether the engine answered in JavaScript: a BigInt no rule reads throws once anything serialises it. */
function rejectedInJavaScript(engine, object) {
  try {
    return engine.evaluate({ ...object, unreadProbe: 1n }).length === 0;
  } catch {
    return false;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

console.log(`${rounds} rounds; ns per object the screen rejects (median); speed = base time / branch time`);
for (const [label, rules] of ruleSets()) {
  const options = rules === undefined ? { now } : { now, rules };
  const engines = versions.map((version) => new version.Engine(options));
  const objects = candidates.filter((object) => engines.every((engine) => rejectedInJavaScript(engine, object)));
  for (const object of candidates) {
    const [base, branch] = engines.map((engine) => outcome(engine, object));
    if (base !== branch) throw new Error(`${label}: base and branch answer differently`);
  }
  const times = engines.map(() => []);
  const repeats = Math.max(1, Math.round(20000 / Math.max(objects.length, 1)));
  for (let round = -1; round < rounds; round++) {
    // Alternate which goes first, so a round's drift weighs on both alike.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const engine = engines[which];
      const start = performance.now();
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (let index = 0; index < objects.length; index++) engine.evaluate(objects[index]);
      }
      // Round -1 warms up.
      if (round >= 0) times[which].push(((performance.now() - start) * 1e6) / (repeats * objects.length));
    }
  }
  const speed = median(times[0].map((time, round) => time / times[1][round]));
  console.log(`  ${label}: ${objects.length} of ${candidates.length} objects rejected`);
  versions.forEach((version, which) => {
    console.log(`    ${version.name.padEnd(16)} ${median(times[which]).toFixed(1).padStart(8)} ns/object`);
  });
  console.log(`    branch speed against base: ${speed.toFixed(3)}x`);
}
