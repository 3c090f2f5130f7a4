// Bounded memory: streams about 1 GB of NDJSON, generated on the fly and sent
// through a pipe (nothing is written to disk), into (a) the native command
// line (release build) and (b) a Node process piping stdin through
// createFilterStream, sampling each one's resident memory (VmRSS) every
// second from this process. Prints start, peak and end RSS per path and the
// line accounting, and fails (exit 1) if any line is unaccounted for.
//
//   cargo build --release --bin kql-detect && npm run build
//   node benches/memory.mjs [--mb 1024] [--only cli|stream]
//
// The lines are the examples' events, each made unique by a sequence number;
// one in four raises an alert nobody raised before, so the memory of recent
// alerts (RecentAlerts, 100,000 ids) fills up and must stay there. One line
// in 100,000 is truncated JSON, one in 50,000 blank: both must be counted,
// not lost.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: { mb: { type: 'string', default: '1024' }, only: { type: 'string' }, 'filter-stdin': { type: 'boolean' } },
});
const totalBytes = Number(values.mb) * 1024 * 1024;
const NOW = '2026-11-27T10:00:00Z';
const MiB = 1024 * 1024;

// Each line is `{` + a template; a sequence number goes in between. The sample's
// ECS events that alert and those that do not, apart.
const sample = readFileSync(path.join(root, 'examples/azure-auditlogs.ndjson'), 'utf8').split('\n').filter(Boolean);
const ALERTING = [0, 7, 9];
const alerting = ALERTING.map((index) => sample[index].slice(1));
const quiet = sample.filter((line, index) => !ALERTING.includes(index) && line.startsWith('{"@timestamp"')).map((line) => line.slice(1));

/** What was generated: lines in all, and the blank and invalid ones among them. */
function generated() {
  return { bytes: 0, lines: 0, blank: 0, invalid: 0 };
}

/** About `totalBytes` of NDJSON in chunks of about 1 MiB, counted into `made`. */
function* ndjson(made) {
  while (made.bytes < totalBytes) {
    const lines = [];
    let size = 0;
    while (size < MiB) {
      const seq = made.lines + lines.length + 1;
      let line;
      if (seq % 100_000 === 0) {
        line = '{"truncated":';
        made.invalid += 1;
      } else if (seq % 50_000 === 0) {
        line = '';
        made.blank += 1;
      } else {
        const templates = seq % 4 === 0 ? alerting : quiet;
        line = `{"seq":${seq},${templates[seq % templates.length]}`;
      }
      lines.push(line);
      size += line.length + 1;
    }
    made.lines += lines.length;
    const chunk = Buffer.from(`${lines.join('\n')}\n`);
    made.bytes += chunk.length;
    yield chunk;
  }
}

/** Samples `rss()` (bytes) every second until stopped; returns start, peak and end in MiB. */
function sampler(rss) {
  const samples = [rss()];
  const timer = setInterval(() => {
    const value = rss();
    if (value > 0) samples.push(value);
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      const last = rss();
      if (last > 0) samples.push(last);
      const mib = (bytes) => Math.round((bytes / MiB) * 10) / 10;
      const at = (fraction) => mib(samples[Math.floor((samples.length - 1) * fraction)]);
      return {
        samples: samples.length, start: mib(samples[0]), peak: mib(Math.max(...samples)), end: mib(samples.at(-1)),
        quarters: [0.25, 0.5, 0.75].map(at),
      };
    },
  };
}

function vmRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
  } catch {
    return 0; // the process has exited
  }
}

/** Checks the line identity; returns a description, and whether it holds. */
function account(made, counts) {
  const sum = counts.eventLines + counts.invalidLines + counts.emptyLines + counts.blank;
  const holds = counts.lines === made.lines && sum === made.lines
    && counts.blank === made.blank && counts.invalidLines === made.invalid;
  const text = `lines ${counts.lines} of ${made.lines} generated: ${counts.eventLines} with events, `
    + `${counts.invalidLines} invalid (${made.invalid} generated), ${counts.emptyLines} empty, `
    + `${counts.blank} blank (${made.blank} generated)`;
  return { holds, text };
}

async function throughCli() {
  const binary = path.join(root, 'target/release/kql-detect');
  const child = spawn(binary, ['--now', NOW], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => { stderr += text.length < 4096 ? text : ''; });
  const exited = once(child, 'exit');
  const rss = sampler(() => vmRss(child.pid));
  const made = generated();
  const started = performance.now();
  await pipeline(Readable.from(ndjson(made)), child.stdin);
  const [code] = await exited;
  const seconds = (performance.now() - started) / 1000;
  const memory = rss.stop();
  const summary = stderr.trim().split('\n').at(-1);
  const match = /lines (\d+): (\d+) with events, (\d+) invalid, (\d+) empty, (\d+) blank/.exec(summary);
  const [lines, eventLines, invalidLines, emptyLines, blank] = match ? match.slice(1).map(Number) : [NaN, NaN, NaN, NaN, NaN];
  return { path: 'cli (release)', made, seconds, memory, summary: `${summary} (exit ${code})`, ...account(made, { lines, eventLines, invalidLines, emptyLines, blank }) };
}

/** What the child of (b) runs: stdin through createFilterStream, alerts discarded, counters printed as JSON. */
async function filterStdin() {
  const { createFilterStream } = require(path.join(root, 'js/stream.cjs'));
  const stream = createFilterStream({ now: NOW });
  stream.on('invalid', () => {});
  let output = 0;
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      output += chunk.length;
      callback();
    },
  });
  await pipeline(process.stdin, stream, sink);
  process.stdout.write(`${JSON.stringify({ ...stream.counters(), output })}\n`);
}

async function throughStream() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--filter-stdin'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text) => { stdout += text; });
  const exited = once(child, 'exit');
  const rss = sampler(() => vmRss(child.pid));
  const made = generated();
  const started = performance.now();
  await pipeline(Readable.from(ndjson(made)), child.stdin);
  const [code] = await exited;
  const seconds = (performance.now() - started) / 1000;
  const memory = rss.stop();
  const counters = JSON.parse(stdout);
  const summary = `events ${counters.events}, alerts ${counters.alerts}, invalid ${counters.invalid}, `
    + `deduplicated ${counters.deduplicated}, output ${(counters.output / MiB).toFixed(0)} MiB (exit ${code})`;
  return { path: 'createFilterStream (Node)', made, seconds, memory, summary, ...account(made, counters) };
}

const runs = { cli: throughCli, stream: throughStream };
let failed = false;
if (values['filter-stdin']) await filterStdin();
else for (const [name, run] of Object.entries(runs)) {
  if (values.only && values.only !== name) continue;
  const result = await run();
  const mb = result.made.bytes / MiB;
  console.log(`${result.path}: ${mb.toFixed(0)} MiB, ${result.made.lines} lines in ${result.seconds.toFixed(1)} s `
    + `(${(mb / result.seconds).toFixed(1)} MiB/s)`);
  const { memory } = result;
  console.log(`  RSS MiB: start ${memory.start}, at 1/4, 1/2, 3/4 of the run ${memory.quarters.join(', ')}, `
    + `peak ${memory.peak}, end ${memory.end} (${memory.samples} samples)`);
  console.log(`  ${result.summary}`);
  console.log(`  ${result.text}: ${result.holds ? 'every line accounted for' : 'LINES UNACCOUNTED FOR'}`);
  failed ||= !result.holds;
}
process.exitCode = failed ? 1 : 0;
