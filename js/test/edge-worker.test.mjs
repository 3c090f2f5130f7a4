// examples/edge-worker, with the packed tarball installed, bundled as Wrangler
// bundles a worker (esbuild, the `workerd` export condition, `.wasm` imports
// kept as modules) and run in the real workerd runtime through Miniflare.
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

import { consumer, copy, expectedAlerts, pack, samplesPath, summary, workDirectory } from './consumers.mjs';

/** Bundles the worker; each imported `.wasm` file is copied beside the bundle and left as a module import. */
async function bundle(directory) {
  const outdir = path.join(directory, 'dist');
  mkdirSync(outdir, { recursive: true });
  const wasmModules = {
    name: 'wasm-modules',
    setup(esbuild) {
      esbuild.onResolve({ filter: /\.wasm$/ }, (args) => {
        const file = path.resolve(args.resolveDir, args.path);
        copyFileSync(file, path.join(outdir, path.basename(file)));
        return { path: `./${path.basename(file)}`, external: true };
      });
    },
  };
  await build({
    entryPoints: [path.join(directory, 'src/index.js')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    outdir,
    plugins: [wasmModules],
    logLevel: 'silent',
  });
  return outdir;
}

test('the edge worker answers POSTed logs with their alerts, under workerd', async (t) => {
  const work = workDirectory(t, 'edge-worker');
  const directory = path.join(work, 'edge-worker');
  copy('examples/edge-worker', directory);
  consumer(work, 'edge-worker', pack(work).tarball);
  const outdir = await bundle(directory);
  const worker = new Miniflare({
    modules: true,
    scriptPath: path.join(outdir, 'index.js'),
    modulesRoot: outdir,
    modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }, { type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: '2026-04-01',
  });
  t.after(() => worker.dispose());
  const post = async (body) => (await worker.dispatchFetch('http://worker/', { method: 'POST', body })).json();

  const samples = readFileSync(samplesPath, 'utf8');
  const ndjson = await post(samples);
  assert.deepEqual(summary(ndjson.alerts), expectedAlerts(), 'the same alerts as every other consumer');
  assert.deepEqual([ndjson.events, ndjson.invalid], [12, []]);
  assert.equal((await post(samples)).alerts.length, 0, 'events POSTed again do not alert twice');

  // Events not seen before (a label changes their ids): a JSON array, and a pretty-printed Azure envelope.
  const lines = samples.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const relabelled = (event) => ({ ...event, labels: { batch: 'second' } });
  const array = await post(JSON.stringify([relabelled(lines[0]), relabelled(lines[1]), relabelled(lines[7])], null, 2));
  assert.deepEqual(array.alerts.map((alert) => alert.kibana.alert.original_time), ['2026-11-26T09:02:11.418Z', '2026-11-26T10:40:18.250Z']);
  const record = { ...lines[8], correlationId: '00000000-0000-4000-8000-000000000001' };
  const envelope = await post(JSON.stringify({ records: [record] }, null, 2));
  assert.deepEqual(envelope.alerts.map((alert) => alert.kibana.alert.rule.name), ['Azure External Guest User Invitation']);

  const invalid = await post(`${JSON.stringify(relabelled(lines[11]))}\nnot JSON\n`);
  assert.deepEqual(invalid.invalid.map(({ line, kind }) => [line, kind]), [[2, 'malformed_json']]);
  const refused = await worker.dispatchFetch('http://worker/');
  assert.equal(refused.status, 405);
});
