#!/usr/bin/env node
// The playground as a static site. MOUNTS says which repository files make it
// up and at which URL, so the page finds them at the same place whether they
// are served from the sources (`serve`, for `npm run playground`) or copied
// into www/dist (`build`, for `npm run build:www`). The browser test imports
// `buildSite` and `serve` from here. No dependencies: node:http and node:fs.
//
//   node scripts/www.mjs build              writes www/dist
//   node scripts/www.mjs serve [--dist] [--port N]

import { createReadStream } from 'node:fs';
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'www', 'dist');

// URL path → repository path. A mount ending in `/` is a folder; the last one catches the rest.
const MOUNTS = [
  ['/pkg/kql_detect.js', 'pkg/web/kql_detect.js'],
  ['/pkg/kql_detect_bg.wasm', 'pkg/web/kql_detect_bg.wasm'],
  ['/sample/azure-auditlogs.ndjson', 'examples/azure-auditlogs.ndjson'],
  ['/', 'www/'],
];
// What of www/ is not part of the site.
const EXCLUDED = new Set(['dist']);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ndjson': 'application/x-ndjson; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Copies the site into `out` (www/dist by default): html, css, js, the wasm build and the sample. */
export async function buildSite(out = DIST) {
  await requireWasmBuild();
  await rm(out, { recursive: true, force: true });
  for (const [url, source] of MOUNTS) {
    const from = path.join(ROOT, source);
    const to = path.join(out, url);
    if (source.endsWith('/')) {
      // Entry by entry: www/ holds dist/ itself, which cp refuses to copy into.
      for (const entry of (await readdir(from)).filter((name) => !excluded(name))) {
        await cp(path.join(from, entry), path.join(to, entry), { recursive: true });
      }
    } else {
      await mkdir(path.dirname(to), { recursive: true });
      await cp(from, to);
    }
  }
  return out;
}

/**
 * Serves the site on 127.0.0.1: from a built folder (`root`), or from the
 * sources through MOUNTS. Resolves to the listening server once bound.
 */
export async function serve({ root = null, port = 0 } = {}) {
  if (!root) await requireWasmBuild();
  const mounts = root ? [['/', `${path.relative(ROOT, root)}/`]] : MOUNTS;
  const server = createServer((request, response) => respond(mounts, request, response));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

async function requireWasmBuild() {
  const wasm = path.join(ROOT, 'pkg', 'web', 'kql_detect_bg.wasm');
  if (!(await isFile(wasm))) {
    throw new Error(`${path.relative(ROOT, wasm)} is missing: run \`npm run build\` first`);
  }
}

async function respond(mounts, request, response) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return send(response, 405, 'method not allowed');
  }
  const file = await resolve(mounts, new URL(request.url, 'http://localhost').pathname);
  if (!file) return send(response, 404, 'not found');
  response.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (request.method === 'HEAD') return response.end();
  createReadStream(file).pipe(response);
}

/** The file a URL path names, or null: never outside its mount, never a dotfile or an excluded folder. */
async function resolve(mounts, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.endsWith('/')) decoded += 'index.html';
  for (const [url, source] of mounts) {
    const isFolder = source.endsWith('/');
    if (isFolder ? !decoded.startsWith(url) : decoded !== url) continue;
    const base = path.resolve(ROOT, source);
    if (!isFolder) return (await isFile(base)) ? base : null;
    const file = path.resolve(base, `.${decoded.slice(url.length - 1)}`);
    const relative = path.relative(base, file);
    if (relative.startsWith('..') || path.isAbsolute(relative) || excluded(relative)) return null;
    if (relative.split(path.sep).some((part) => part.startsWith('.'))) return null;
    return (await isFile(file)) ? file : null;
  }
  return null;
}

function excluded(relative) {
  return EXCLUDED.has(relative.split(path.sep)[0]);
}

async function isFile(file) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function send(response, status, text) {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}

async function main([command, ...args]) {
  if (command === 'build') {
    const out = await buildSite();
    console.log(`wrote ${path.relative(process.cwd(), out) || '.'}/: serve it with any static server`);
    return;
  }
  if (command === 'serve') {
    const portAt = args.indexOf('--port');
    const port = portAt >= 0 ? Number(args[portAt + 1]) : Number(process.env.PORT ?? 0);
    const server = await serve({ root: args.includes('--dist') ? DIST : null, port });
    console.log(`kql-detect playground: http://127.0.0.1:${server.address().port}/  (Ctrl-C stops it)`);
    return;
  }
  console.error('usage: node scripts/www.mjs build | serve [--dist] [--port N]');
  process.exitCode = 2;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
  });
}
