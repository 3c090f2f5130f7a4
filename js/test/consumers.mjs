// Throwaway consumer projects for the packaging tests: the package is packed
// with `npm pack` and its tarball installed into each project, as a user
// installs the published package. Installs use npm's cache (the repository's
// `npm ci` filled it), so they need the registry only on a cold cache.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const NOW = '2026-11-27T10:00:00Z';
export const samplesPath = path.join(root, 'examples/azure-auditlogs.ndjson');

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A temporary directory, removed after the test. */
export function workDirectory(t, name) {
  const work = mkdtempSync(path.join(tmpdir(), `kql-detect-${name}-`));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  return work;
}

/** Packs the package into `work`; returns `npm pack`'s report (files, sizes) and the tarball's path. */
export function pack(work) {
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root));
  return { ...packed, tarball: path.join(work, packed.filename) };
}

/**
 * A project in `work/name` with `files` (name → text) and the tarball installed, plus `dependencies`
 * (exact versions, taken from npm's cache). Returns its directory.
 */
export function consumer(work, name, tarball, { files = {}, type = 'module', dependencies = [] } = {}) {
  const directory = path.join(work, name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    writeFileSync(path.join(directory, file), text);
  }
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, ...dependencies], directory);
  return directory;
}

/** The version of a development dependency the repository has installed, to install the same in a consumer. */
export function installed(name) {
  return `${name}@${JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version}`;
}

/** Copies a directory of the repository into a consumer project. */
export function copy(from, directory) {
  cpSync(path.join(root, from), directory, { recursive: true });
}

/** What every consumer prints for the sample: each alert's id and source event time, in order. */
export function summary(alerts) {
  return alerts.map((alert) => [alert.kibana.alert.uuid, alert.kibana.alert.original_time]);
}

/** The sample's alerts, computed here with the repository's own build. */
export function expectedAlerts() {
  const { Engine } = createRequire(import.meta.url)('kql-detect');
  return summary(new Engine({ now: NOW }).evaluateNdjson(readFileSync(samplesPath)).outputs);
}

/** Debian's Chromium, without the background connections a closed network refuses. */
export const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/** Serves `directory` on a loopback port, with the content types browsers need. */
export async function serve(directory) {
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

/**
 * Bundles `entries` of a consumer project with esbuild for browsers, serves
 * the project with the wasm module and the bundled samples beside the
 * bundle, and opens a page in headless Chromium. Uncaught page errors are
 * collected in `errors`; the caller opens `url` once its listeners are set.
 */
export async function openBundledPage(t, directory, entries) {
  await build({
    entryPoints: entries.map((entry) => path.join(directory, entry)),
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
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors, url: `http://127.0.0.1:${server.address().port}/index.html` };
}
