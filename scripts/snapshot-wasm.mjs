// Runs a no-argument export of a wasm module at build time and ships the
// memory and globals it leaves (binaryen's wasm-ctor-eval), so that no host
// runs, or compiles, that work again. Fails unless the export was evaluated
// to its end: a build that silently lost the snapshot would start slower.
//
//   node scripts/snapshot-wasm.mjs <module.wasm> <export>
//
// wasm-ctor-eval stops at `memory.grow`, and the Rust allocator grows memory
// for its first allocation. So the module is evaluated in a form whose
// `memory.grow` is a function handing out pages of a larger memory, counting
// them in a global; the result gets `memory.grow` back, and a memory of
// exactly the pages the allocator was handed, so it carries on from there as
// if it had grown the memory itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [wasmFile, exportName] = process.argv.slice(2);
if (!wasmFile || !exportName) {
  throw new Error('usage: node scripts/snapshot-wasm.mjs <module.wasm> <export>');
}
const tools = join(import.meta.dirname, '..', 'node_modules', '.bin');
// Standard error is kept for the exception a failing tool throws.
const run = (tool, args) =>
  execFileSync(join(tools, tool), args, {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

// Pages the evaluation may grow into; the shared state takes two or three.
const EVALUATION_HEADROOM_PAGES = 4096;
// Zeros between data segments below which they are written as one.
const DATA_GAP_JOINED = 16;
const GROW = '$snapshot_grow';
const PAGES = '$snapshot_pages';
const MEMORY = /^ \(memory (\$\S+) (\d+)\)$/m;
const MEMORY_GROW = /\(memory\.grow(?=\s)/g;

// Text has no features section: the module's own features are passed along.
const features = run('wasm-opt', [wasmFile, '--print-features'])
  .split('\n')
  .filter((line) => line.startsWith('--enable-'));

const work = mkdtempSync(join(tmpdir(), 'kql-detect-snapshot-'));
try {
  const original = run('wasm-dis', [wasmFile]);
  const before = join(work, 'before.wat');
  const after = join(work, 'after.wat');
  writeFileSync(before, withCountedGrowth(original));
  const log = run('wasm-ctor-eval', [
    before, ...features, '--ctors', exportName, '--kept-exports', exportName, '-g', '-S', '-o', after,
  ]);
  if (!log.includes(`success on ${exportName}.`)) {
    throw new Error(`wasm-ctor-eval did not evaluate ${exportName} to its end:\n${log}`);
  }
  const restored = join(work, 'restored.wat');
  writeFileSync(restored, withRealGrowth(readFileSync(after, 'utf8'), lowestDataOffset(original)));
  run('wasm-opt', [restored, ...features, '--emit-target-features', '-o', wasmFile]);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The module with every `memory.grow` a call handing out pages of a larger memory. */
function withCountedGrowth(text) {
  const memory = text.match(MEMORY);
  if (!memory) throw new Error('expected one memory, declared without a maximum');
  if (!text.match(MEMORY_GROW)) throw new Error('expected the allocator to grow memory');
  const [declaration, name, pages] = memory;
  const grow = `
 (global ${PAGES} (mut i32) (i32.const ${pages}))
 (func ${GROW} (param $delta i32) (result i32)
  (local $old i32)
  (local.set $old (global.get ${PAGES}))
  (if (i32.gt_u (i32.add (local.get $old) (local.get $delta)) (memory.size ${name}))
   (then (return (i32.const -1))))
  (global.set ${PAGES} (i32.add (local.get $old) (local.get $delta)))
  (local.get $old))`;
  return text
    .replace(declaration, ` (memory ${name} ${Number(pages) + EVALUATION_HEADROOM_PAGES})${grow}`)
    .replace(MEMORY_GROW, `(call ${GROW}`);
}

/**
 * The evaluated module with `memory.grow` back, a memory of the pages handed
 * out, and its data packed.
 */
function withRealGrowth(text, dataStart) {
  const pages = text.match(new RegExp(`^ \\(global \\${PAGES} \\(mut i32\\) \\(i32\\.const (\\d+)\\)\\)$`, 'm'));
  const grow = text.match(new RegExp(`^ \\(func \\${GROW} [^]*?\\n \\)\\n`, 'm'));
  if (!pages || !grow) throw new Error('the evaluated module lost its page count');
  return packedData(
    text
      .replace(pages[0] + '\n', '')
      .replace(grow[0], '')
      .replaceAll(`(call ${GROW}`, '(memory.grow')
      .replace(MEMORY, (_, name) => ` (memory ${name} ${pages[1]})`),
    dataStart,
  );
}

/**
 * The module's active data segments without what evaluation left on the
 * stack (below the linker's data, where the stack lives, nothing is read
 * before it is written), and joined where fewer than `DATA_GAP_JOINED` zeros
 * part them: wasm-ctor-eval cuts the heap at every few zeros (allocator
 * headers), and thousands of segment headers cost more, gzipped, than the
 * zeros.
 */
function packedData(text, dataStart) {
  if (/\((memory\.init|data\.drop)\s/.test(text)) throw new Error('expected active data segments only');
  const SEGMENT = /^ \(data (\S+) \(i32\.const (\d+)\) "((?:[^"\\]|\\.)*)"\)\n/gm;
  const segments = [];
  for (const [, name, offset, bytes] of text.matchAll(SEGMENT)) {
    const start = Number(offset);
    const end = start + byteLength(bytes);
    const last = segments.at(-1);
    if (end <= dataStart) continue;
    // Zeros written between two segments would overwrite any other below them.
    if (last && start < last.end) throw new Error('expected data segments in address order');
    if (last && start - last.end < DATA_GAP_JOINED) {
      last.bytes += '\\00'.repeat(start - last.end) + bytes;
      last.end = end;
    } else {
      segments.push({ name, start, end, bytes });
    }
  }
  const first = text.search(SEGMENT);
  const rest = text.replace(SEGMENT, '');
  const data = segments.map(({ name, start, bytes }) => ` (data ${name} (i32.const ${start}) "${bytes}")\n`);
  return rest.slice(0, first) + data.join('') + rest.slice(first);
}

/** The length of a string as the text format escapes it (`\hh`, `\n`, …). */
function byteLength(escaped) {
  return Buffer.byteLength(escaped.replace(/\\(?:[0-9a-fA-F]{2}|.)/g, 'x'));
}

/** Where the linker put the module's data: the stack lies below it. */
function lowestDataOffset(text) {
  const offsets = [...text.matchAll(/^ \(data \S+ \(i32\.const (\d+)\)/gm)].map((match) => Number(match[1]));
  if (offsets.length === 0) throw new Error('expected the module to have data');
  return Math.min(...offsets);
}
