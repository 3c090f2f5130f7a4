// Packs the npm package, installs the tarball into a fresh project, and loads it
// from there with require and import: what a user of the published package gets.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('the packed tarball installs and loads with require and import', (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'kql-detect-pack-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root));
  const files = packed.files.map((file) => file.path).sort();
  for (const expected of ['LICENSE', 'NOTICE', 'README.md', 'package.json', 'pkg/node/kql_detect.js', 'pkg/node/kql_detect_bg.wasm', 'pkg/node/kql_detect.d.ts', 'pkg/node/package.json', 'pkg/web/kql_detect.js', 'pkg/web/kql_detect_bg.wasm']) {
    assert.ok(files.includes(expected), `the tarball contains ${expected}`);
  }
  assert.ok(files.every((file) => !file.startsWith('src/') && !file.startsWith('target/')), 'no sources or build trees ship');

  const consumer = path.join(work, 'consumer');
  execFileSync('mkdir', [consumer]);
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  npm(['install', '--no-audit', '--no-fund', '--offline', path.join(work, packed.filename)], consumer);
  assert.ok(readdirSync(path.join(consumer, 'node_modules')).includes('kql-detect'));

  const event = JSON.stringify({
    event: { dataset: 'azure.auditlogs', outcome: 'success' },
    azure: { auditlogs: { operation_name: 'Invite external user', properties: { target_resources: { 0: { display_name: 'guest' } } } } },
  });
  const script = (load) => `${load}\nconst alerts = evaluate(${JSON.stringify(event)});\nconsole.log(alerts.length, alerts[0].kibana.alert.rule.rule_id);`;
  const expected = '1 141e9b3a-ff37-4756-989d-05d7cbf35b0e\n';
  const run = (inputType, code) => execFileSync(process.execPath, [`--input-type=${inputType}`, '-e', code], { cwd: consumer, encoding: 'utf8' });
  assert.equal(run('commonjs', script("const { evaluate } = require('kql-detect');")), expected);
  assert.equal(run('module', script("import { evaluate } from 'kql-detect';")), expected);
});
