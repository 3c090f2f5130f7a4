// The differential test of the legacy query DSL: Kibana 7.3's own translation
// (the npm package @cybernetex/kbn-es-query, an unchanged copy of Kibana 7.3's
// kbn-es-query) against kql-detect's `toElasticsearchQuery(query, { legacy: true })`,
// for every query of every case file (and of every corpus rule a case names),
// with the same field list on both sides. Where Kibana 7.3 parses a query, the
// two must be the same JSON, key order included; where it cannot, the legacy
// form must be a syntax error too.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

import { dataView, toElasticsearchQuery } from 'kql-detect';

const require = createRequire(import.meta.url);
const kibana7 = require('@cybernetex/kbn-es-query');

const casesRoot = new URL('../../tests/cases/', import.meta.url);
const corpus = new URL('../../../shared/corpus/detection-rules-azure/', import.meta.url);

/** Every `.cases` file below tests/cases, as [name, text]. */
function caseFiles(directory = casesRoot, prefix = '') {
  return readdirSync(directory).sort().flatMap((name) => {
    const path = new URL(name, directory);
    if (statSync(path).isDirectory()) return caseFiles(new URL(`${name}/`, directory), `${prefix}${name}/`);
    return name.endsWith('.cases') ? [[`${prefix}${name}`, readFileSync(path, 'utf8')]] : [];
  });
}

/** The case-file format of tests/common/cases.rs: `---` between cases, `key: value`, two-space continuations. */
function parseCases(file, text) {
  const cases = [];
  let current = { line: 1, entries: {} };
  let last = null;
  text.split('\n').forEach((line, index) => {
    if (line === '---') {
      if (Object.keys(current.entries).length > 0) cases.push(current);
      current = { line: index + 2, entries: {} };
      last = null;
    } else if (line.startsWith('#') || (line.trim() === '' && last === null)) {
      // a comment, or a blank line before the first key
    } else if (last !== null && (line.startsWith('  ') || line.trim() === '')) {
      current.entries[last] += `\n${line.slice(2)}`;
    } else {
      const colon = line.indexOf(':');
      last = line.slice(0, colon);
      if (Object.keys(current.entries).length === 0) current.line = index + 1;
      current.entries[last] = line.slice(colon + 1).replace(/^ /, '');
    }
  });
  if (Object.keys(current.entries).length > 0) cases.push(current);
  return cases.map((found) => ({ file, ...found }));
}

/** The `query` of a detection-rules TOML file: a ''' literal string, as every corpus rule writes it. */
function tomlQuery(text) {
  return text.match(/^query\s*=\s*'''\n?([\s\S]*?)'''/m)?.[1] ?? null;
}

/** The case's query, and the options that give kql-detect the case's mapping. */
function queryAndMapping(found) {
  const { entries } = found;
  let query = entries.query ?? (entries['query-json'] !== undefined ? JSON.parse(entries['query-json']) : undefined);
  if (query === undefined && entries['rule-file'] !== undefined) {
    const path = new URL(entries['rule-file'], corpus);
    query = existsSync(path) ? tomlQuery(readFileSync(path, 'utf8')) : undefined;
  }
  if (query === undefined || query === null) return null;
  if (entries.fields !== undefined) return { query, options: { fieldTypes: JSON.parse(entries.fields) } };
  const builtin = entries.schema === 'builtin' || (entries.schema === undefined && entries['rule-file'] !== undefined);
  // The dynamic mapping declares no field, so its field list is empty.
  return { query, options: builtin ? {} : { fieldTypes: {} } };
}

/**
 * How deep parentheses nest. Kibana 7.3's PEG parser backtracks on every
 * unfinished `(` and takes exponential time on deep nesting, so such queries
 * (only the nesting-limit case) are left out.
 */
function nestingDepth(query) {
  let depth = 0;
  let deepest = 0;
  for (const c of query) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/** Kibana 7.3's index pattern for the field list kql-detect uses. */
function indexPattern(options) {
  const { fields } = dataView(options);
  return { title: 'index', fields: fields.map(({ name, type, esTypes }) => ({ name, type, esTypes, scripted: false })) };
}

test('the legacy query DSL is Kibana 7.3\'s, and a syntax error where 7.3 cannot parse', () => {
  const patterns = new Map();
  let compared = 0;
  let unparsed = 0;
  for (const [file, text] of caseFiles()) {
    for (const found of parseCases(file, text)) {
      const input = queryAndMapping(found);
      if (input === null || nestingDepth(input.query) > 20) continue;
      const key = JSON.stringify(input.options);
      if (!patterns.has(key)) patterns.set(key, indexPattern(input.options));
      let expected;
      try {
        const ast = kibana7.fromKueryExpression(input.query);
        expected = kibana7.toElasticsearchQuery(ast, patterns.get(key), { dateFormatTZ: 'Zulu' });
      } catch (error) {
        // What Kibana 7.3 cannot parse, the legacy form cannot either.
        assert.throws(
          () => toElasticsearchQuery(input.query, { ...input.options, legacy: true }),
          { type: 'kql_syntax' },
          `${found.file}:${found.line}: Kibana 7.3 says ${error.message.split('\n')[0]}: ${JSON.stringify(input.query)}`,
        );
        unparsed += 1;
        continue;
      }
      const actual = toElasticsearchQuery(input.query, { ...input.options, legacy: true });
      assert.equal(
        JSON.stringify(actual),
        JSON.stringify(expected),
        `${found.file}:${found.line}: ${JSON.stringify(input.query)}`,
      );
      compared += 1;
    }
  }
  console.log(`compared ${compared} queries with Kibana 7.3; ${unparsed} it cannot parse`);
  assert.ok(compared > 300, `only ${compared} queries were compared`);
});
