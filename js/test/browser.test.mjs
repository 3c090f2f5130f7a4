// The packed tarball in a web app: bundled with esbuild for browsers, loaded in
// headless Chromium (Debian's, driven by playwright-core). `kql-detect` there
// is the web build initialised on import; `kql-detect/web` is initialised
// explicitly, as the README's browser example shows.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { NOW, consumer, expectedAlerts, openBundledPage, pack, root, workDirectory } from './consumers.mjs';

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
  const { page, errors, url } = await openBundledPage(t, directory, ['auto.js', 'explicit.js']);
  const logged = [];
  page.on('console', (message) => (message.type() === 'log' ? logged.push(message.text()) : errors.push(message.text())));
  await page.goto(url);
  await page.waitForFunction(() => window.auto !== undefined, null, { timeout: 20_000 });
  assert.deepEqual(await page.evaluate(() => window.auto), expectedAlerts());
  const expectedLines = example.output.trimEnd().split('\n').length;
  for (const deadline = Date.now() + 20_000; logged.length < expectedLines && Date.now() < deadline;) await page.waitForTimeout(50);
  assert.deepEqual(errors, []);
  assert.equal(`${logged.join('\n')}\n`, example.output);
});
