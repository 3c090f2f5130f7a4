#!/usr/bin/env node
// `npx kql-detect`: the command line on the WebAssembly build, with the native
// binary's options and output. The engine writes every output line itself
// (`output: "ndjson"`), so what is printed is byte for byte what the native
// binary prints; this file only reads files, parses arguments and writes.
// `kql-detect test` runs in the native binary only.

import { createReadStream, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { Engine } from '../pkg/node/kql_detect.js';
import { ChunkReader } from '../js/chunks.cjs';

const USAGE = `Evaluate Elastic Security KQL detection rules against JSON events (WebAssembly build).

Usage: kql-detect [FILE...] [--rules PATH]... [--query KQL]... [--field-types FILE]
                  [--extra-field-types FILE] [--input auto|ecs|azure] [--keep-original]
                  [--mode alerts|filter|tag] [--index NAME] [--explain[=text|json]] [--now TIME]
                  [--exceptions FILE]... [--value-lists FILE] [--validate all|candidates]
       kql-detect normalize [FILE...] [--input auto|ecs|azure] [--keep-original]
       kql-detect replay [FILE...] [--start TIME] [--end TIME] [--summary FILE]   (+ rule options)

Reads NDJSON, a JSON array or pretty-printed JSON documents from the files (or stdin, or -);
writes alerts as NDJSON on stdout and diagnostics and a summary on stderr. Exit codes: 0 success,
1 some input lines were invalid, 2 bad usage, query or rule. \`kql-detect test\` needs the native
binary (cargo install kql-detect).`;

const RULE_OPTIONS = {
  rules: { type: 'string', multiple: true, default: [] },
  query: { type: 'string', multiple: true, default: [] },
  exceptions: { type: 'string', multiple: true, default: [] },
  'value-lists': { type: 'string' },
  'field-types': { type: 'string' },
  'extra-field-types': { type: 'string' },
  index: { type: 'string' },
  now: { type: 'string' },
};
const INPUT_OPTIONS = {
  input: { type: 'string', default: 'auto' },
  'keep-original': { type: 'boolean', default: false },
};
const CHOICES = { input: ['auto', 'ecs', 'azure'], mode: ['alerts', 'filter', 'tag'], explain: ['text', 'json'], validate: ['all', 'candidates'] };

const COMMANDS = {
  evaluate: {
    options: { ...RULE_OPTIONS, ...INPUT_OPTIONS, mode: { type: 'string', default: 'alerts' }, explain: { type: 'string' }, validate: { type: 'string', default: 'all' } },
    run: evaluate,
  },
  normalize: { options: INPUT_OPTIONS, run: normalize },
  replay: { options: { ...RULE_OPTIONS, ...INPUT_OPTIONS, start: { type: 'string' }, end: { type: 'string' }, summary: { type: 'string' } }, run: replay },
};

/** A usage error: exit code 2, the message as given. */
class UsageError extends Error {}

process.stdout.on('error', (error) => {
  // A closed pipe (`kql-detect … | head`) is not an error.
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

async function main(args) {
  if (args.includes('--help') || args.includes('-h')) return print(USAGE);
  if (args.includes('--version') || args.includes('-V')) {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return print(`kql-detect ${version}`);
  }
  if (args[0] === 'test') throw new UsageError('`kql-detect test` runs in the native binary only (cargo install kql-detect)');
  const name = args[0] in COMMANDS && args[0] !== 'evaluate' ? args.shift() : 'evaluate';
  const command = COMMANDS[name];
  // `--explain` takes its format only after `=`, so a bare `--explain` leaves the next file alone.
  const argv = args.map((arg) => (arg === '--explain' ? '--explain=text' : arg));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error.message);
  }
  for (const [option, allowed] of Object.entries(CHOICES)) {
    const value = parsed.values[option];
    if (value !== undefined && !allowed.includes(value)) {
      throw new UsageError(`invalid value '${value}' for '--${option}': possible values are ${allowed.join(', ')}`);
    }
  }
  return command.run(parsed.values, parsed.positionals);
}

function print(text) {
  console.log(text);
  return 0;
}

/** The engine the rule and input options describe; loading diagnostics become warnings. */
function engineFor(values, extra = {}) {
  const rules = [...ruleFiles(values.rules).map(named), ...values.query];
  const options = { input: values.input, keepOriginal: values['keep-original'], ...extra };
  if (rules.length > 0) options.rules = rules;
  if (values.exceptions.length > 0) options.exceptions = values.exceptions.map(named);
  if (values['value-lists'] !== undefined) options.valueLists = readJson(values['value-lists']);
  if (values['field-types'] !== undefined) options.fieldTypes = readJson(values['field-types']);
  if (values['extra-field-types'] !== undefined) options.extraFieldTypes = readJson(values['extra-field-types']);
  if (values.index !== undefined) options.index = values.index;
  if (values.now !== undefined) options.now = values.now;
  const engine = new Engine(options);
  for (const diagnostic of engine.diagnostics) console.error(diagnostic.rendered.replace('error:', 'warning:'));
  return engine;
}

/** Rule files: files as given, directories searched recursively for .toml, .json and .ndjson files, in name order. */
function ruleFiles(paths) {
  return paths.flatMap((file) => {
    if (!isDirectory(file)) return [file];
    const entries = readdirSync(file).sort().map((entry) => (file.endsWith('/') ? file + entry : `${file}/${entry}`));
    return entries.flatMap((entry) => {
      if (isDirectory(entry)) return ruleFiles([entry]);
      const isRuleFile = /\.(toml|json|ndjson)$/.test(entry) && !/\.(positive|negative)\./.test(entry.split('/').pop());
      return isRuleFile ? [entry] : [];
    });
  });
}

function isDirectory(file) {
  try {
    return statSync(file).isDirectory();
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error.message}`);
  }
}

function named(file) {
  return { origin: file, text: readText(file) };
}

function readText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error.message}`);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readText(file));
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError(`${file}: ${error.message}`);
  }
}

/** The inputs named on the command line (stdin when none, or for `-`), each with its name. */
function inputs(files) {
  const names = files.length === 0 ? ['-'] : files;
  return names.map((file) => (file === '-' ? ['stdin', process.stdin] : [file, createReadStream(file)]));
}

/** Feeds every input to a reader made by `newReader(options)`, and `handle`s each result. */
async function readInputs(files, newReader, options, handle) {
  for (const [name, stream] of inputs(files)) {
    const reader = newReader({ ...options, origin: name });
    try {
      for await (const chunk of stream) {
        const result = reader.push(chunk);
        if (result) await handle(result, name);
      }
    } catch (error) {
      throw error.type ? error : new UsageError(`cannot read ${name}: ${error.message}`);
    }
    await handle(reader.end(), name);
  }
}

async function write(text) {
  if (text !== '' && !process.stdout.write(text)) await once(process.stdout, 'drain');
}

function reportInvalid(result) {
  for (const error of result.invalid) console.error(error.rendered);
  return result.invalid.length;
}

function countLines(text) {
  return text === '' ? 0 : text.split('\n').length - 1;
}

const LINE_COUNTS = ['lines', 'blank', 'eventLines', 'invalidLines', 'emptyLines', 'skippedLines'];

/** Adds a batch result's line counts to `counts`. */
function countLineOutcomes(counts, result) {
  for (const count of LINE_COUNTS) counts[count] = (counts[count] ?? 0) + result[count];
}

/** The end of the summary line, as the native binary prints it: every line and its outcome, which add up. */
function linesSummary(counts) {
  const count = (name) => counts[name] ?? 0;
  const skipped = count('skippedLines') === 0 ? '' : `, ${count('skippedLines')} skipped`;
  return `lines ${count('lines')}: ${count('eventLines')} with events, ${count('invalidLines')} invalid, `
    + `${count('emptyLines')} empty${skipped}, ${count('blank')} blank`;
}

/** `kql-detect [FILE...]`: alerts (or filtered or tagged events), or explanations. */
async function evaluate(values, files) {
  const engine = engineFor(values, { mode: values.mode });
  const counts = { events: 0, alerts: 0, invalid: 0 };
  const { newReader, output, print } = EVALUATE_OUTPUTS[values.explain ?? 'alerts'](engine);
  // Explanations read every line; `validate` is evaluateNdjson's option.
  const options = values.explain === undefined ? { output, validate: values.validate } : { output };
  await readInputs(files, newReader, options, async (result, name) => {
    counts.invalid += reportInvalid(result);
    counts.events += result.events;
    countLineOutcomes(counts, result);
    counts.alerts += await print(result, name);
  });
  console.error(`events ${counts.events}, alerts ${counts.alerts}, invalid ${counts.invalid}; ${linesSummary(counts)}`);
  return counts.invalid > 0 ? 1 : 0;
}

/**
 * Per output of the main command: a reader over its batch method (alerts as
 * the byte stream reads them), its output form, and how a result is printed;
 * `print` returns the alerts it counts (for explanations, the rules that
 * matched, as the native binary counts them).
 */
const EVALUATE_OUTPUTS = {
  alerts: (engine) => ({
    newReader: (options) => ChunkReader.evaluating(engine, options),
    output: 'ndjson',
    print: async (result) => {
      await write(result.outputs);
      return countLines(result.outputs);
    },
  }),
  text: (engine) => ({
    newReader: (options) => new ChunkReader((input, batch) => engine.explainNdjson(input, batch), options),
    output: 'objects',
    print: async (result, name) => {
      for (const explanation of result.outputs) await write(`${name}, line ${explanation.line}:\n${explanation.rendered}\n`);
      return matchedRules(result.outputs);
    },
  }),
  json: (engine) => ({
    newReader: (options) => new ChunkReader((input, batch) => engine.explainNdjson(input, batch), options),
    output: 'ndjson',
    print: async (result) => {
      await write(result.outputs);
      return matchedRules(result.outputs.split('\n').filter(Boolean).map((line) => JSON.parse(line)));
    },
  }),
};

function matchedRules(explanations) {
  return explanations.reduce((count, explanation) => count + explanation.rules.filter((rule) => rule.matched).length, 0);
}

/** `kql-detect normalize [FILE...]`: the ECS documents the inputs become. */
async function normalize(values, files) {
  const engine = new Engine({ input: values.input, keepOriginal: values['keep-original'] });
  const counts = { documents: 0, invalid: 0 };
  const newReader = (options) => new ChunkReader((input, batch) => engine.normalizeNdjson(input, batch), options);
  await readInputs(files, newReader, { output: 'ndjson' }, async (result) => {
    counts.invalid += reportInvalid(result);
    counts.documents += result.events;
    countLineOutcomes(counts, result);
    await write(result.outputs);
  });
  console.error(`documents ${counts.documents}, invalid ${counts.invalid}; ${linesSummary(counts)}`);
  return counts.invalid > 0 ? 1 : 0;
}

/** `kql-detect replay [FILE...]`: the rules' scheduled executions over the whole input. */
async function replay(values, files) {
  const engine = engineFor(values);
  const data = [];
  for (const [origin, stream] of inputs(files)) {
    const chunks = [];
    try {
      for await (const chunk of stream) chunks.push(chunk);
    } catch (error) {
      throw new UsageError(`cannot read ${origin}: ${error.message}`);
    }
    data.push({ origin, data: Buffer.concat(chunks) });
  }
  const times = Object.fromEntries(['start', 'end'].filter((key) => values[key] !== undefined).map((key) => [key, values[key]]));
  const result = engine.runNdjson(data, { ...times, output: 'ndjson' });
  const invalid = reportInvalid(result);
  await write(result.alerts);
  reportReplay(result, invalid);
  if (values.summary !== undefined) {
    const { executions, gaps, untimed } = result;
    try {
      writeFileSync(values.summary, `${JSON.stringify({ executions, gaps, untimed }, null, 2)}\n`);
    } catch (error) {
      throw new UsageError(`cannot write ${values.summary}: ${error.message}`);
    }
  }
  return invalid > 0 ? 1 : 0;
}

/** Warnings, gaps and untimed matches, then one summary line, as the native binary prints them. */
function reportReplay(result, invalid) {
  for (const execution of result.executions) {
    for (const warning of execution.warnings) {
      console.error(`warning: rule ${execution.rule_id} at ${execution.time}: ${warning} (${execution.truncated} matches not alerted)`);
    }
  }
  for (const gap of result.gaps) {
    console.error(`warning: rule ${gap.rule_id}: no execution searched ${gap.from} to ${gap.to} (${gap.missed_matches} matches missed)`);
  }
  for (const untimed of result.untimed) {
    console.error(`warning: rule ${untimed.rule_id}: ${untimed.events} matching events have no time field, so no execution finds them`);
  }
  const sum = (key) => result.executions.reduce((total, execution) => total + execution[key], 0);
  console.error(`events ${result.events}, executions ${result.executions.length}, alerts ${countLines(result.alerts)}, `
    + `deduplicated ${sum('deduplicated')}, truncated ${sum('truncated')}, gaps ${result.gaps.length}, invalid ${invalid}`);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    console.error(error.rendered ?? `error: ${error.message}`);
    process.exitCode = 2;
  },
);
