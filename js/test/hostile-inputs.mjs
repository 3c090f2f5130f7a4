// Hostile inputs for the npm package, as one table: bad queries, bad rules and
// bad events, each with what the package must do with it. The same table runs
// in Node (js/test/hostile.test.mjs) and, bundled with the web build, in
// headless Chromium, so both hosts judge the same calls the same way.
//
// Every call must return a documented result or throw a kql-detect error
// ({type, kind, message, span, line, column, rendered}); never a wasm trap
// ("unreachable"), a stack overflow, a borrow failure ("recursive use of an
// object") or a hang. After each call the engine that saw it must still find
// the sample's alerts, and so must a fresh one: one bad input must not poison
// the WebAssembly instance.
//
// This module imports nothing, so esbuild can bundle it for the browser.

export const NOW = '2026-11-27T10:00:00Z';

const KiB = 1024;
const MiB = 1024 * KiB;

const nestedArrays = (depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** `{a: {a: … {}}}` built without recursion, `depth` levels deep. */
function deepObject(depth) {
  let value = {};
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

function deepArray(depth) {
  let value = [];
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
}

function circular(event = { event: { dataset: 'azure.auditlogs' } }) {
  event.self = event;
  return event;
}

/**
 * `fields` plus every term the seed rule requires, so the package's object
 * screen (js/object-path.cjs) cannot answer for it and hands it to wasm.
 */
function seedCandidate(fields) {
  return {
    ...fields,
    event: { dataset: 'azure.auditlogs', outcome: 'success' },
    azure: { auditlogs: { operation_name: 'Invite external user', properties: { target_resources: { 0: { display_name: 'guest' } } } } },
  };
}

/** A Proxy whose every trap throws `thrown`. */
function throwingProxy(target, thrown) {
  const fail = () => {
    throw thrown;
  };
  return new Proxy(target, { get: fail, has: fail, ownKeys: fail, getOwnPropertyDescriptor: fail, getPrototypeOf: fail });
}

function revokedProxy() {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** An object whose `property` getter throws `thrown`. */
function throwingGetter(thrown, base = {}, property = 'event') {
  return Object.defineProperty({ ...base }, property, {
    enumerable: true,
    get() {
      throw thrown;
    },
  });
}

/** An iterable whose iterator throws after its first item. */
function throwingIterable(first) {
  return {
    *[Symbol.iterator]() {
      yield first;
      throw new Error('the iterator failed');
    },
  };
}

/** The seed event with `user.name` set to `json`, the JSON text of a value. */
const withUser = (seed, json) => `${seed.slice(0, -1)},"user":{"name":${json}}}`;

const bytes = (...parts) => {
  const chunks = parts.map((part) => (typeof part === 'string' ? new TextEncoder().encode(part) : Uint8Array.from(part)));
  const all = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
};

/**
 * The table. `call(kql, engine, seed)` makes one hostile call with the
 * package's exports (`kql`), the engine that must survive (`engine`, the
 * built-in rule) and one of the sample's alerting lines (`seed`); `expect` is
 * one of:
 *   error: 'type/kind'     it throws that kql-detect error (or one of a list, where hosts differ); `at: true`: its
 *                          span, line and column point into the text
 *   alerts: n              it returns n alerts (with `of: 'alerts'`, in that property of its result)
 *   documents: n           it returns n documents (normalize)
 *   batch: {…}             a batch result with these counts; `invalid` lists 'type/kind@line' per invalid line
 *   explanation: {matched} an explanation with this verdict
 * `within` bounds the time against another case of the same run (a linear
 * baseline), never against the clock alone.
 */
export function hostileCases() {
  const deepQuery = `${'('.repeat(10_000)}a:b${')'.repeat(10_000)}`;
  const longQuery = `message:${'x'.repeat(256 * KiB)}`;
  const wildcardHostile = `big:${'*a'.repeat(1_000)}*b`;
  const megabyteOfA = JSON.stringify({ big: 'a'.repeat(MiB) });
  // A keyword field with no `ignore_above` (ECS keywords ignore values over 1,024 characters).
  const wildcardEngine = (kql, query) => new kql.Engine({ rules: [query], fieldTypes: { big: 'keyword' }, now: NOW });
  return [
    // Queries.
    { group: 'query', what: 'a field with no value', call: (kql) => new kql.Engine({ rules: ['user.name:'] }), expect: { error: 'kql_syntax/unexpected_end', at: true } },
    { group: 'query', what: 'an unclosed parenthesis', call: (kql) => new kql.Engine({ rules: ['user.name:(a or'] }), expect: { error: 'kql_syntax/unexpected_end', at: true } },
    { group: 'query', what: 'an unclosed quote', call: (kql) => new kql.Engine({ rules: ['user.name:"a'] }), expect: { error: 'kql_syntax/unterminated_string', at: true } },
    { group: 'query', what: 'a query over 256 KiB', call: (kql) => new kql.Engine({ rules: [longQuery] }), expect: { error: 'kql_syntax/too_long', at: true } },
    { group: 'query', what: '10,000 nested parentheses', call: (kql) => new kql.Engine({ rules: [deepQuery] }), expect: { error: 'kql_syntax/too_deep', at: true } },
    { group: 'query', what: '10,000 nested parentheses, to query DSL', call: (kql) => kql.toElasticsearchQuery(deepQuery), expect: { error: 'kql_syntax/too_deep', at: true } },
    { group: 'query', what: '10,000 nested value parentheses', call: (kql) => new kql.Engine({ rules: [`a:${'('.repeat(10_000)}b${')'.repeat(10_000)}`] }), expect: { error: 'kql_syntax/too_deep', at: true } },
    { group: 'query', what: '10,000 nested nots', call: (kql) => new kql.Engine({ rules: [`${'not ('.repeat(10_000)}a:b${')'.repeat(10_000)}`] }), expect: { error: 'kql_syntax/too_deep', at: true } },
    { group: 'query', what: 'a NUL in a value', call: (kql) => new kql.Engine({ rules: ['user.name:"a\u0000b"'] }), expect: { constructed: true } },
    // JSON.stringify writes a lone surrogate as an escape no JSON reader turns back into text.
    { group: 'query', what: 'a lone surrogate in a value', call: (kql) => new kql.Engine({ rules: ['user.name:"\uD800"'] }), expect: { error: 'options_invalid/malformed_options' } },
    { group: 'query', what: 'a query that is not a string or rule', call: (kql) => new kql.Engine({ rules: [42] }), expect: { error: 'rule_invalid/unknown_format' } },
    { group: 'query', what: 'wildcard baseline: big:*b over 1 MiB of "a"', call: (kql) => wildcardEngine(kql, 'big:*b').evaluateNdjson(megabyteOfA), expect: { batch: { events: 1, matched: 0 } } },
    {
      group: 'query',
      what: 'wildcard *a*a…*b (1,000 stars) over 1 MiB of "a"',
      call: (kql) => wildcardEngine(kql, wildcardHostile).evaluateNdjson(megabyteOfA),
      expect: { batch: { events: 1, matched: 0 } },
      within: { of: 'wildcard baseline: big:*b over 1 MiB of "a"', times: 20, plusMs: 2_000 },
    },
    {
      group: 'query',
      what: 'wildcard *a*a…*b (1,000 stars) explained over 1 MiB of "a"',
      call: (kql) => wildcardEngine(kql, wildcardHostile).explain(megabyteOfA),
      expect: { explanation: { matched: false } },
      within: { of: 'wildcard baseline: big:*b over 1 MiB of "a"', times: 20, plusMs: 2_000 },
    },

    // Rules and options.
    { group: 'rule', what: 'malformed TOML', call: (kql) => new kql.Engine({ rules: ['[rule]\nname = "x\n'] }), expect: { error: 'rule_invalid/malformed_toml', at: true } },
    { group: 'rule', what: 'a rule JSON of the wrong shape', call: (kql) => new kql.Engine({ rules: ['{"rule_id": "x", "query": 5}'] }), expect: { error: 'rule_invalid/malformed_rule' } },
    // Text that is not JSON is read as the next format, KQL, which reports where it fails.
    { group: 'rule', what: 'truncated rule JSON', call: (kql) => new kql.Engine({ rules: ['{"rule_id": "x", "query": '] }), expect: { error: 'kql_syntax/unexpected_character', at: true } },
    { group: 'rule', what: 'a TOML array nested 100,000 deep', call: (kql) => new kql.Engine({ rules: [`[rule]\nx = ${nestedArrays(100_000)}\n`] }), expect: { error: 'rule_invalid/too_deep', at: true } },
    { group: 'rule', what: 'a TOML inline table nested 100,000 deep', call: (kql) => new kql.Engine({ rules: [`[rule]\nx = ${'{a='.repeat(100_000)}1${'}'.repeat(100_000)}\n`] }), expect: { error: 'rule_invalid/too_deep', at: true } },
    { group: 'rule', what: 'a TOML dotted key 100,000 deep', call: (kql) => new kql.Engine({ rules: [`[rule]\n${'k.'.repeat(100_000)}k = 1\n`] }), expect: { error: 'rule_invalid/too_deep', at: true } },
    // Too deep for a JSON reader, so read as KQL: a free-text query of brackets.
    { group: 'rule', what: 'a rule JSON array nested 100,000 deep', call: (kql) => new kql.Engine({ rules: [nestedArrays(100_000)] }), expect: { constructed: true } },
    // JSON.stringify runs out of stack on 100,000 levels in Node, not in Chromium: then the text is too deep.
    { group: 'rule', what: 'a rule object nested 100,000 deep', call: (kql) => new kql.Engine({ rules: [deepObject(100_000)] }), expect: { error: ['options_invalid/not_serializable', 'options_invalid/malformed_options'] } },
    { group: 'rule', what: '10,001 rules', call: (kql) => new kql.Engine({ rules: Array.from({ length: 10_001 }, (_, index) => `a:${index}`) }), expect: { error: 'rule_invalid/too_many_rules' } },
    { group: 'rule', what: 'rules that are not an array', call: (kql) => new kql.Engine({ rules: 'a:b' }), expect: { error: 'options_invalid/malformed_options' } },
    { group: 'rule', what: 'an unknown option', call: (kql) => new kql.Engine({ rulez: [] }), expect: { error: 'options_invalid/malformed_options' } },
    { group: 'rule', what: 'a `now` that is not a time', call: (kql) => new kql.Engine({ now: 'yesterday-ish' }), expect: { error: 'options_invalid/malformed_options' } },
    { group: 'rule', what: 'options whose getter throws an Error', call: (kql) => new kql.Engine(throwingGetter(new Error('getter'), {}, 'rules')), expect: { error: 'options_invalid/not_serializable' } },
    { group: 'rule', what: 'options whose getter throws a string', call: (kql) => new kql.Engine(throwingGetter('thrown string', {}, 'rules')), expect: { error: 'options_invalid/not_serializable' } },
    { group: 'rule', what: 'options that are a throwing Proxy', call: (kql) => new kql.Engine(throwingProxy({}, Symbol('thrown'))), expect: { error: 'options_invalid/not_serializable' } },
    { group: 'rule', what: 'options holding a BigInt', call: (kql) => new kql.Engine({ now: 10n }), expect: { error: 'options_invalid/not_serializable' } },
    { group: 'rule', what: 'options that are circular', call: (kql) => new kql.Engine(circular()), expect: { error: 'options_invalid/not_serializable' } },

    // Events as text.
    { group: 'event', what: 'arrays nested 100,000 deep', call: (kql, engine) => engine.evaluate(nestedArrays(100_000)), expect: { error: 'event_invalid/too_deep', at: true } },
    { group: 'event', what: 'objects nested 100,000 deep', call: (kql, engine) => engine.evaluate(nestedObjects(100_000)), expect: { error: 'event_invalid/too_deep', at: true } },
    { group: 'event', what: 'objects nested 100,000 deep, explained', call: (kql, engine) => engine.explain(nestedObjects(100_000)), expect: { error: 'event_invalid/too_deep', at: true } },
    { group: 'event', what: 'objects nested 100,000 deep, normalized', call: (kql) => kql.normalize(nestedObjects(100_000)), expect: { error: 'event_invalid/too_deep', at: true } },
    { group: 'event', what: 'objects nested 100,000 deep, to the built-in evaluate', call: (kql) => kql.evaluate(nestedObjects(100_000)), expect: { error: 'event_invalid/too_deep', at: true } },
    {
      group: 'event',
      what: 'a batch: arrays nested 100,000 deep, then an alerting line',
      call: (kql, engine, seed) => engine.evaluateNdjson(`{"a":${nestedArrays(100_000)}}\n${seed}\n`),
      expect: { batch: { lines: 2, events: 1, matched: 1, invalid: ['event_invalid/too_deep@1'] } },
    },
    {
      // An input that opens with `[` is one JSON array, read whole: what follows it is part of that document.
      group: 'event',
      what: 'a batch opening with arrays nested 100,000 deep',
      call: (kql, engine, seed) => engine.evaluateNdjson(`${nestedArrays(100_000)}\n${seed}\n`),
      expect: { batch: { lines: 2, events: 0, invalid: ['event_invalid/too_deep@1'] } },
    },
    {
      group: 'event',
      what: 'a batch: objects nested 100,000 deep, explained',
      call: (kql, engine, seed) => engine.explainNdjson(`${nestedObjects(100_000)}\n${seed}\n`),
      expect: { batch: { lines: 2, events: 1, invalid: ['event_invalid/too_deep@1'] } },
    },
    { group: 'event', what: 'a 20 MiB string value', call: (kql, engine) => engine.evaluate(JSON.stringify({ message: 'x'.repeat(20 * MiB) })), expect: { alerts: 0 } },
    {
      group: 'event',
      what: 'a batch: a 17 MiB line, then an alerting line',
      call: (kql, engine, seed) => engine.evaluateNdjson(`{"message":"${'x'.repeat(17 * MiB)}"}\n${seed}\n`),
      expect: { batch: { lines: 2, events: 1, matched: 1, invalid: ['event_invalid/too_long@1'] } },
    },
    { group: 'event', what: 'a lone surrogate in a JSON string', call: (kql, engine) => engine.evaluate('{"user":{"name":"\uD800"}}'), expect: { alerts: 0 } },
    { group: 'event', what: 'a lone surrogate escaped in JSON', call: (kql, engine, seed) => engine.evaluate(withUser(seed, '"\\uD800"')), expect: { error: 'event_invalid/malformed_json', at: true } },
    { group: 'event', what: 'a lone surrogate in an object', call: (kql, engine, seed) => engine.evaluate({ ...JSON.parse(seed), user: { name: '\uDC00' } }), expect: { error: 'event_invalid/malformed_json', at: true } },
    {
      group: 'event',
      what: 'a batch: invalid UTF-8 bytes, then an alerting line',
      call: (kql, engine, seed) => engine.evaluateNdjson(bytes('{"user":{"name":"', [0xff, 0xfe, 0xc0, 0x80], '"}}\n', seed, '\n')),
      expect: { batch: { lines: 2, events: 1, matched: 1, invalid: ['event_invalid/malformed_json@1'] } },
    },
    {
      group: 'event',
      what: 'a batch: a truncated UTF-8 sequence at the end',
      call: (kql, engine, seed) => engine.evaluateNdjson(bytes(seed, '\n{"a":"', [0xe2, 0x82])),
      expect: { batch: { lines: 2, events: 1, matched: 1, invalid: ['event_invalid/malformed_json@2'] } },
    },
    {
      group: 'event',
      what: 'a batch: NUL bytes inside and between documents',
      call: (kql, engine, seed) => engine.evaluateNdjson(bytes(withUser(seed, '"\0"'), '\n', [0], '\n{"a":"\\u0000"}\n', seed, '\n')),
      expect: { batch: { lines: 4, events: 2, matched: 1, invalid: ['event_invalid/malformed_json@1', 'event_invalid/malformed_json@2'] } },
    },
    // One event must be JSON text; the batch methods skip a byte order mark opening the input.
    { group: 'event', what: 'a byte order mark before an event', call: (kql, engine, seed) => engine.evaluate(`\uFEFF${seed}`), expect: { error: 'event_invalid/malformed_json', at: true } },
    {
      group: 'event',
      what: 'a batch: a byte order mark before the first line',
      call: (kql, engine, seed) => engine.evaluateNdjson(bytes([0xef, 0xbb, 0xbf], seed, '\n')),
      expect: { batch: { lines: 1, events: 1, matched: 1, invalid: [] } },
    },
    { group: 'event', what: 'the number 1e400', call: (kql, engine) => engine.evaluate('{"event":{"risk_score":1e400}}'), expect: { alerts: 0 } },
    { group: 'event', what: 'the numbers -0 and 2^70', call: (kql, engine) => engine.evaluate('{"a":-0,"b":1180591620717411303424,"c":-1180591620717411303424}'), expect: { alerts: 0 } },
    { group: 'event', what: 'a JSON text that is not an object', call: (kql, engine) => engine.evaluate('"just a string"'), expect: { error: 'event_invalid/not_an_object' } },

    // Events as JavaScript values.
    { group: 'value', what: 'null', call: (kql, engine) => engine.evaluate(null), expect: { error: 'event_invalid/not_an_object' } },
    { group: 'value', what: 'undefined', call: (kql, engine) => engine.evaluate(undefined), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'a number', call: (kql, engine) => engine.evaluate(42), expect: { error: 'event_invalid/not_an_object' } },
    { group: 'value', what: 'NaN', call: (kql, engine) => engine.evaluate(NaN), expect: { error: 'event_invalid/not_an_object' } },
    { group: 'value', what: 'an empty array', call: (kql, engine) => engine.evaluate([]), expect: { error: 'event_invalid/not_an_object' } },
    { group: 'value', what: 'an array of numbers', call: (kql, engine) => engine.evaluate([1, 2]), expect: { error: 'event_invalid/not_an_object' } },
    { group: 'value', what: 'a function', call: (kql, engine) => engine.evaluate(() => 1), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'a symbol', call: (kql, engine) => engine.evaluate(Symbol('event')), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'a BigInt', call: (kql, engine) => engine.evaluate(10n), expect: { error: 'event_invalid/not_serializable' } },
    // The object screen reads only the fields the rules require: what lies
    // elsewhere (a cycle, deep nesting) is not looked at when no rule can
    // match, and the answer is no alert. An object holding the rule's terms
    // goes to wasm, which reports it.
    { group: 'value', what: 'a circular object no rule can match', call: (kql, engine) => engine.evaluate(circular()), expect: { alerts: 0 } },
    { group: 'value', what: 'a circular object holding the rule\'s terms', call: (kql, engine) => engine.evaluate(circular(seedCandidate({}))), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'an object 100,000 deep no rule can match', call: (kql, engine) => engine.evaluate(deepObject(100_000)), expect: { alerts: 0 } },
    { group: 'value', what: 'an object 100,000 deep holding the rule\'s terms', call: (kql, engine) => engine.evaluate(seedCandidate({ deep: deepObject(100_000) })), expect: { error: ['event_invalid/not_serializable', 'event_invalid/too_deep'] } },
    { group: 'value', what: 'an array 100,000 deep', call: (kql, engine) => engine.evaluate(deepArray(100_000)), expect: { error: ['event_invalid/not_serializable', 'event_invalid/too_deep'] } },
    { group: 'value', what: 'an object 600 deep no rule can match', call: (kql, engine) => engine.evaluate(deepObject(600)), expect: { alerts: 0 } },
    { group: 'value', what: 'an object 600 deep holding the rule\'s terms', call: (kql, engine) => engine.evaluate(seedCandidate({ deep: deepObject(600) })), expect: { error: 'event_invalid/too_deep', at: true } },
    { group: 'value', what: 'toJSON throwing an Error', call: (kql, engine) => engine.evaluate({ toJSON() { throw new TypeError('no'); } }), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'toJSON throwing a string', call: (kql, engine) => engine.evaluate({ toJSON() { throw 'no'; } }), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'toJSON throwing null', call: (kql, engine) => engine.evaluate({ toJSON() { throw null; } }), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'a getter throwing an Error', call: (kql, engine) => engine.evaluate(throwingGetter(new RangeError('getter'))), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'a getter throwing a number', call: (kql, engine) => engine.evaluate(throwingGetter(7)), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'a Proxy whose traps throw', call: (kql, engine) => engine.evaluate(throwingProxy({}, new Error('trap'))), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'a Proxy whose traps throw a symbol', call: (kql, engine) => engine.explain(throwingProxy({}, Symbol('trap'))), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'a revoked Proxy', call: (kql, engine) => engine.evaluate(revokedProxy()), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'a batch that is a number', call: (kql, engine) => engine.evaluateNdjson(42), expect: { error: 'event_invalid/not_text' } },
    { group: 'value', what: 'a batch that is a Proxy whose traps throw', call: (kql, engine) => engine.evaluateNdjson(throwingProxy({}, 'trap')), expect: { error: 'event_invalid/not_text' } },
    {
      group: 'value',
      what: 'a batch that is a Proxy of bytes whose traps throw',
      call: (kql, engine, seed) => engine.evaluateNdjson(throwingProxy(bytes(seed), new Error('trap'))),
      expect: { error: 'event_invalid/not_text' },
    },
    { group: 'value', what: 'a batch with options whose getter throws a string', call: (kql, engine, seed) => engine.evaluateNdjson(seed, throwingGetter('no', {}, 'final')), expect: { error: 'options_invalid/not_serializable' } },
    { group: 'value', what: 'a batch with a depth limit too high', call: (kql, engine, seed) => engine.evaluateNdjson(seed, { maxJsonDepth: 1e9 }), expect: { error: 'options_invalid/limit_out_of_range' } },
    // JSON.stringify writes the lone surrogate as an escape; it reaches messages as U+FFFD, as TextEncoder passes any other string.
    { group: 'value', what: 'a batch whose origin holds a lone surrogate', call: (kql, engine, seed) => engine.evaluateNdjson(`x\n${seed}\n`, { origin: 'logs\uD800' }), expect: { batch: { lines: 2, events: 1, matched: 1, invalid: ['event_invalid/malformed_json@1'] } } },
    { group: 'value', what: 'a batch starting at line 2^32 - 1', call: (kql, engine, seed) => engine.evaluateNdjson(`x\n${seed}\nx\n`, { firstLine: 2 ** 32 - 1 }), expect: { batch: { lines: 3, events: 1, matched: 1 } } },
    { group: 'value', what: 'run over an iterable that throws', call: (kql, engine, seed) => engine.run(throwingIterable(seed)), expect: { error: 'event_invalid/not_iterable' } },
    // Array.from(42) is [], as for any value that is neither iterable nor array-like.
    { group: 'value', what: 'run over a number', call: (kql, engine) => engine.run(42), expect: { alerts: 0, of: 'alerts' } },
    { group: 'value', what: 'run over events that are symbols', call: (kql, engine) => engine.run([Symbol('a')]), expect: { error: 'event_invalid/not_serializable' } },
    { group: 'value', what: 'runNdjson over inputs whose getter throws a string', call: (kql, engine) => engine.runNdjson([throwingGetter('no', {}, 'data')]), expect: { error: 'event_invalid/not_text' } },
  ];
}


/**
 * Runs the table with the package's exports `kql` over `sample` (the bundled
 * NDJSON, whose first line alerts). Returns a report that is plain data (the
 * browser hands it back as JSON): the baseline a fresh engine found, and per
 * case its outcome, its time and its problems; a case passes with none.
 */
export function runHostileTable(kql, sample) {
  const seed = sample.slice(0, sample.indexOf('\n'));
  const baseline = sampleRun(new kql.Engine({ now: NOW }), sample);
  const engine = new kql.Engine({ now: NOW });
  const results = [];
  for (const hostile of hostileCases()) {
    const started = performance.now();
    let outcome;
    try {
      outcome = { returned: hostile.call(kql, engine, seed) };
    } catch (thrown) {
      outcome = { thrown };
    }
    const ms = performance.now() - started;
    const problems = [...judge(kql, outcome, hostile.expect), ...survival(kql, engine, sample, seed, baseline)];
    results.push({ group: hostile.group, what: hostile.what, outcome: describe(outcome), ms, within: hostile.within, problems });
  }
  for (const result of results.filter((each) => each.within)) {
    const { of, times, plusMs } = result.within;
    const reference = results.find((each) => each.what === of);
    if (!reference) result.problems.push(`no case named ${of} to compare with`);
    else if (result.ms > reference.ms * times + plusMs) {
      result.problems.push(`took ${Math.round(result.ms)} ms, more than ${times} × ${Math.round(reference.ms)} ms + ${plusMs} ms`);
    }
  }
  const fresh = sampleRun(new kql.Engine({ now: NOW }), sample);
  const freshProblems = fresh.uuids.join() === baseline.uuids.join() ? [] : [`a fresh engine found ${fresh.uuids} instead of ${baseline.uuids}`];
  return { baseline, results, fresh: freshProblems };
}

/** What an engine finds in the sample: matched events, alerts (created or deduplicated) and their ids. */
function sampleRun(engine, sample) {
  const result = engine.evaluateNdjson(sample);
  return {
    matched: result.matched,
    alerts: result.outputs.length + result.deduplicated,
    uuids: result.outputs.map((alert) => alert.kibana.alert.uuid),
    invalid: result.invalid.length,
  };
}

/** What is wrong with the engine, the built-in `evaluate` and a fresh engine after a hostile call. */
function survival(kql, engine, sample, seed, baseline) {
  const problems = [];
  try {
    const after = sampleRun(engine, sample);
    if (after.matched !== baseline.matched || after.alerts !== baseline.alerts || after.invalid !== 0) {
      problems.push(`afterwards the engine found ${after.matched} matches and ${after.alerts} alerts, not ${baseline.matched} and ${baseline.alerts}`);
    }
    if (kql.evaluate(seed).length !== 1) problems.push('afterwards the built-in evaluate missed the seed event');
    const fresh = sampleRun(new kql.Engine({ now: NOW }), sample);
    if (fresh.uuids.join() !== baseline.uuids.join()) problems.push(`afterwards a fresh engine found ${fresh.uuids.length} alerts`);
  } catch (error) {
    problems.push(`afterwards the package failed: ${error?.name}: ${error?.message}`);
  }
  return problems;
}

/** What is wrong with an outcome, given what the table expects. */
function judge(kql, outcome, expect) {
  const { returned, thrown } = outcome;
  if (expect.error) {
    return 'thrown' in outcome ? errorProblems(thrown, expect) : [`returned ${preview(returned)} instead of throwing ${expect.error}`];
  }
  if ('thrown' in outcome) return [describe(outcome)];
  if ('alerts' in expect || 'documents' in expect) {
    const count = expect.alerts ?? expect.documents;
    const outputs = expect.of ? returned?.[expect.of] : returned;
    return Array.isArray(outputs) && outputs.length === count ? [] : [`returned ${preview(returned)}, not ${count} outputs`];
  }
  if (expect.constructed) return returned instanceof kql.Engine ? [] : [`returned ${preview(returned)}, not an Engine`];
  if (expect.explanation) {
    return returned?.matched === expect.explanation.matched ? [] : [`explained ${preview(returned?.matched)}, not ${expect.explanation.matched}`];
  }
  return batchProblems(returned, expect.batch);
}

function batchProblems(result, expected) {
  const problems = [];
  for (const count of ['lines', 'events', 'matched']) {
    if (count in expected && result?.[count] !== expected[count]) problems.push(`${count}: ${result?.[count]}, expected ${expected[count]}`);
  }
  if ('invalid' in expected) {
    const invalid = (result?.invalid ?? []).map((error) => `${error.type}/${error.kind}@${error.line}`);
    if (invalid.join() !== expected.invalid.join()) problems.push(`invalid: [${invalid}], expected [${expected.invalid}]`);
    for (const error of result?.invalid ?? []) problems.push(...shapeProblems(error));
  }
  return problems;
}

function errorProblems(error, expect) {
  // A trap (RuntimeError: unreachable), a stack overflow (RangeError) or a
  // borrow failure ("recursive use of an object") is an Error without `type`.
  if (!(error instanceof Error) || typeof error.type !== 'string') return [`threw ${describe({ thrown: error })}, expected ${expect.error}`];
  const problems = shapeProblems(error);
  const got = `${error.type}/${error.kind}`;
  if (![expect.error].flat().includes(got)) problems.push(`threw ${got} (${error.message}), expected ${expect.error}`);
  const placed = Array.isArray(error.span) && error.span.length === 2 && Number.isInteger(error.line) && Number.isInteger(error.column);
  if (expect.at && !placed) problems.push(`no place in the text: span ${preview(error.span)}, line ${error.line}, column ${error.column}`);
  return problems;
}

/** A kql-detect error carries every documented property. */
function shapeProblems(error) {
  const problems = [];
  if (typeof error.message !== 'string' || error.message === '') problems.push('an error without a message');
  if (typeof error.rendered !== 'string' || !error.rendered.includes(error.message)) problems.push('an error whose `rendered` lacks its message');
  for (const property of ['span', 'line', 'column']) {
    if (!(property in error)) problems.push(`an error without \`${property}\``);
  }
  return problems;
}

/** An outcome in a few words, for reports. */
function describe(outcome) {
  const { returned, thrown } = outcome;
  if (!('thrown' in outcome)) return `returned ${preview(returned)}`;
  if (thrown instanceof Error && typeof thrown.type === 'string') return `threw ${thrown.type}/${thrown.kind}: ${thrown.message.slice(0, 120)}`;
  if (thrown instanceof Error) return `threw ${thrown.name}: ${thrown.message.slice(0, 120)}`;
  return `threw the non-Error ${preview(thrown)}`;
}

function preview(value) {
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value && typeof value === 'object') return `{${Object.keys(value).slice(0, 6).join(', ')}}`;
  return String(value).slice(0, 80);
}
