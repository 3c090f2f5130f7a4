// The packed tarball in a web app: bundled with esbuild for browsers, loaded in
// headless Chromium (Debian's, driven by playwright-core). `kql-detect` there
// is the web build initialised on import; `kql-detect/web` is initialised
// explicitly, as the README's browser example shows.
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

import { NOW, consumer, expectedAlerts, pack, root, samplesPath, workDirectory } from './consumers.mjs';

/** Debian's Chromium, without the background connections a closed network refuses. */
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/** The README's browser example and the output it shows. */
function readmeExample() {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const example = readme.match(/<!-- tested in Chromium by js\/test\/browser\.test\.mjs -->\s*```js\n([\s\S]*?)```\s*```text\n([\s\S]*?)```/);
  assert.ok(example, 'README has a browser example followed by its output');
  return { code: example[1], output: example[2] };
}

const AUTO = `
import { Engine } from 'kql-detect';
const input = await (await fetch('azure-auditlogs.ndjson')).text();
const { outputs } = new Engine({ now: '${NOW}' }).evaluateNdjson(input);
window.auto = outputs.map((alert) => [alert.kibana.alert.uuid, alert.kibana.alert.original_time]);
`;

/** Serves `directory` on a loopback port, with the content types browsers need. */
async function serve(directory) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.ndjson': 'application/x-ndjson' };
  const server = createServer((request, response) => {
    const file = path.join(directory, path.normalize(new URL(request.url, 'http://host').pathname));
    if (!file.startsWith(directory)) return response.writeHead(403).end();
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

test('a browser bundle finds the same alerts, initialised on import or explicitly', async (t) => {
  const work = workDirectory(t, 'browser');
  const example = readmeExample();
  const directory = consumer(work, 'browser', pack(work).tarball, {
    files: {
      'auto.js': AUTO,
      'explicit.js': example.code,
      'index.html': '<!doctype html><link rel="icon" href="data:,"><script type="module" src="dist/auto.js"></script><script type="module" src="dist/explicit.js"></script>',
    },
  });
  await build({
    entryPoints: ['auto.js', 'explicit.js'].map((entry) => path.join(directory, entry)),
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outdir: path.join(directory, 'dist'), logLevel: 'silent',
  });
  // esbuild leaves `new URL('kql_detect_bg.wasm', import.meta.url)` alone: the module goes beside the bundle.
  copyFileSync(path.join(directory, 'node_modules/kql-detect/pkg/web/kql_detect_bg.wasm'), path.join(directory, 'dist/kql_detect_bg.wasm'));
  copyFileSync(samplesPath, path.join(directory, 'azure-auditlogs.ndjson'));

  const server = await serve(directory);
  t.after(() => server.close());
  const browser = await chromium.launch(launchOptions);
  t.after(() => browser.close());
  const page = await browser.newPage();
  const logged = [];
  const errors = [];
  page.on('console', (message) => (message.type() === 'log' ? logged.push(message.text()) : errors.push(message.text())));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.waitForFunction(() => window.auto !== undefined, null, { timeout: 20_000 });
  assert.deepEqual(await page.evaluate(() => window.auto), expectedAlerts());
  const expectedLines = example.output.trimEnd().split('\n').length;
  for (const deadline = Date.now() + 20_000; logged.length < expectedLines && Date.now() < deadline;) await page.waitForTimeout(50);
  assert.deepEqual(errors, []);
  assert.equal(`${logged.join('\n')}\n`, example.output);
});
