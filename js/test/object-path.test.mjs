// `engine.evaluate(object)` answers most objects in JavaScript (js/object-path.cjs)
// and must give exactly what `engine.evaluate(JSON.stringify(object))` gives:
// over the bundled samples, the shared corpus's pipeline fixtures, every case
// file's events and hostile shapes of them, for the seed rule, the corpus's
// Azure rules and every case's query, in every mode and input.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Engine, evaluate } from 'kql-detect';
import objectPath from '../object-path.cjs';

const { Screen } = objectPath;

const now = '2026-11-27T12:00:00Z';
const root = new URL('../../', import.meta.url);
const corpus = new URL('../shared/corpus/', root);
const rulesDirectory = new URL('detection-rules-azure/', corpus);

const ENGINE_SHAPES = ['auto', 'ecs', 'azure'].flatMap((input) =>
  ['alerts', 'filter', 'tag'].map((mode) => ({ input, mode })),
);

/** What evaluating gave: the outputs, or the error's tag. */
function outcome(engine, input) {
  try {
    return { outputs: engine.evaluate(input) };
  } catch (error) {
    return { error: `${error.type ?? error.name}/${error.kind ?? ''}` };
  }
}

/** Whether the JavaScript side answered: a BigInt no rule reads throws as soon as anything serialises it. */
function answeredInJavaScript(engine, object) {
  try {
    engine.evaluate({ ...object, unreadProbe: 1n });
    return true;
  } catch {
    return false;
  }
}

/**
 * Evaluates every object with one engine and its JSON text with a twin (each
 * keeps its own memory of recent alerts, so both see the same sequence);
 * returns how many objects the JavaScript side answered.
 */
function assertSameOutcomes(options, objects, label) {
  const byObject = new Engine({ now, ...options });
  const byText = new Engine({ now, ...options });
  const probe = new Engine({ now, ...options });
  let answered = 0;
  for (const [name, object] of objects) {
    const expected = outcome(byText, JSON.stringify(object));
    assert.deepEqual(outcome(byObject, object), expected, `${label}: ${name}`);
    if (answeredInJavaScript(probe, object)) {
      answered += 1;
      assert.deepEqual(expected, { outputs: [] }, `${label}: ${name} was answered in JavaScript`);
    }
  }
  return answered;
}

/** The same event with every key path written as one dotted key (arrays kept, their objects flattened too). */
function dotted(value) {
  if (Array.isArray(value)) return value.map(dotted);
  if (value === null || typeof value !== 'object') return value;
  const flat = {};
  const visit = (object, prefix) => {
    for (const [key, child] of Object.entries(object)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (child !== null && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length > 0) {
        visit(child, path);
      } else {
        flat[path] = dotted(child);
      }
    }
  };
  visit(value, '');
  return flat;
}

/** Half nested, half dotted: each top-level object's keys become `parent.key` keys, deeper ones stay nested. */
function mixed(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const result = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
      for (const [inner, grandchild] of Object.entries(child)) result[`${key}.${inner}`] = grandchild;
    } else {
      result[key] = child;
    }
  }
  return result;
}

/** Each object as it is, dotted, mixed, and wrapped in arrays where objects sit. */
function variants(name, object) {
  const inArrays = Object.fromEntries(
    Object.entries(object).map(([key, value]) => [key, value !== null && typeof value === 'object' ? [value] : value]),
  );
  return [
    [name, object],
    [`${name} (dotted)`, dotted(object)],
    [`${name} (mixed)`, mixed(object)],
    [`${name} (in arrays)`, inArrays],
  ];
}

function jsonLines(text) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The bundled samples, and the corpus's raw pipeline inputs and the documents they become. */
function sampleObjects() {
  const objects = jsonLines(readFileSync(new URL('examples/azure-auditlogs.ndjson', root), 'utf8')).map(
    (object, index) => [`examples/azure-auditlogs.ndjson:${index + 1}`, object],
  );
  for (const rules of ['guest_invitation_any_name.positive.ndjson', 'guest_invitation_any_name.negative.ndjson']) {
    jsonLines(readFileSync(new URL(`examples/rules/${rules}`, root), 'utf8')).forEach((object, index) =>
      objects.push([`examples/rules/${rules}:${index + 1}`, object]),
    );
  }
  if (existsSync(corpus)) {
    for (const stream of readdirSync(corpus).filter((name) => name.startsWith('azure-'))) {
      for (const file of filesBelow(new URL(`${stream}/`, corpus))) {
        const text = readFileSync(file, 'utf8');
        const name = file.pathname.slice(corpus.pathname.length);
        if (file.pathname.endsWith('.log')) {
          text.split('\n').forEach((line, index) => {
            const parsed = parseOrNull(line);
            if (isObject(parsed)) objects.push([`${name}:${index + 1}`, parsed]);
          });
        } else if (file.pathname.endsWith('-expected.json')) {
          (parseOrNull(text)?.expected ?? []).forEach((document, index) => {
            if (isObject(document)) objects.push([`${name} expected[${index}]`, document]);
          });
        }
      }
    }
  }
  return objects;
}

function filesBelow(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = new URL(name, directory);
    return statSync(path).isDirectory() ? filesBelow(new URL(`${name}/`, directory)) : [path];
  });
}

function parseOrNull(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Every case of every `.cases` file: `---` between cases, `key: value`, two-space continuations (tests/common/cases.rs). */
function caseFileCases(directory = new URL('tests/cases/', root), prefix = '') {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = new URL(name, directory);
      if (statSync(path).isDirectory()) return caseFileCases(new URL(`${name}/`, directory), `${prefix}${name}/`);
      return name.endsWith('.cases') ? parseCases(`${prefix}${name}`, readFileSync(path, 'utf8')) : [];
    });
}

function parseCases(file, text) {
  const cases = [];
  let entries = {};
  let last = null;
  let line = 1;
  text.split('\n').forEach((row, index) => {
    if (row === '---') {
      if (Object.keys(entries).length > 0) cases.push({ file, line, entries });
      entries = {};
      last = null;
    } else if (row.startsWith('#') || (row.trim() === '' && last === null)) {
      // a comment, or a blank line before the first key
    } else if (last !== null && (row.startsWith('  ') || row.trim() === '')) {
      entries[last] += `\n${row.slice(2)}`;
    } else {
      const colon = row.indexOf(':');
      last = row.slice(0, colon);
      if (Object.keys(entries).length === 0) line = index + 1;
      entries[last] = row.slice(colon + 1).replace(/^ /, '');
    }
  });
  if (Object.keys(entries).length > 0) cases.push({ file, line, entries });
  return cases;
}

/** A case's rule and mapping as engine options, or null for cases without a query and an event. */
function caseEngineOptions({ entries }) {
  let rule = entries.query ?? (entries['query-json'] !== undefined ? JSON.parse(entries['query-json']) : undefined);
  if (rule === undefined && entries['rule-file'] !== undefined) {
    const path = new URL(entries['rule-file'], rulesDirectory);
    rule = existsSync(path) ? { origin: entries['rule-file'], text: readFileSync(path, 'utf8') } : undefined;
  }
  if (rule === undefined || entries.event === undefined) return null;
  if (entries.fields !== undefined) return { rules: [rule], fieldTypes: JSON.parse(entries.fields) };
  const builtin = entries.schema === 'builtin' || (entries.schema === undefined && entries['rule-file'] !== undefined);
  return builtin ? { rules: [rule] } : { rules: [rule], fieldTypes: {} };
}

function caseEvents() {
  return caseFileCases().flatMap((found) => {
    const event = parseOrNull(found.entries.event ?? '');
    return isObject(event) ? [[`${found.file}:${found.line}`, event]] : [];
  });
}

function corpusRules() {
  if (!existsSync(rulesDirectory)) return null;
  return [rulesDirectory, new URL('rules_building_block/', rulesDirectory)].flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => name.endsWith('.toml'))
      .map((name) => ({ origin: name, text: readFileSync(new URL(name, folder), 'utf8') })),
  );
}

const invite = () => ({
  '@timestamp': '2026-11-27T09:12:45.123Z',
  event: { dataset: 'azure.auditlogs', outcome: 'success' },
  azure: {
    auditlogs: {
      operation_name: 'Invite external user',
      properties: { target_resources: { 0: { display_name: 'guest' } } },
    },
  },
});

const rawRecord = () => ({
  time: '2026-11-27T09:12:45.123Z',
  category: 'AuditLogs',
  operationName: 'Invite external user',
  resultType: 'success',
  properties: {
    activityDisplayName: 'Invite external user',
    result: 'success',
    targetResources: [{ displayName: 'guest', type: 'User' }],
  },
});

/** Shapes JSON.stringify writes as plain JSON, each a way the reading in JavaScript could go wrong. */
function hostileObjects() {
  const withAzure = (auditlogs) => ({ ...invite(), azure: { auditlogs } });
  const { auditlogs } = invite().azure;
  const nullPrototype = Object.assign(Object.create(null), invite());
  class Audit {
    constructor() {
      Object.assign(this, auditlogs);
    }
  }
  return [
    ['invite', invite()],
    ['invite, dataset in an array', { ...invite(), event: { dataset: ['x', 'azure.auditlogs'], outcome: 'success' } }],
    ['invite, arrays of arrays', { ...invite(), event: { dataset: [['azure.auditlogs']], outcome: [[null], 'success'] } }],
    ['invite, azure in an array of objects', { ...invite(), azure: [{ other: 1 }, { auditlogs }] }],
    ['invite, the same field dotted and nested', { ...invite(), 'event.dataset': 'azure.auditlogs', event: { outcome: 'success' } }],
    ['invite, a dotted key over three segments', { ...invite(), 'azure.auditlogs.operation_name': 'Invite external user', azure: {} }],
    ['invite, an empty key segment', { ...invite(), azure: { 'auditlogs.': { operation_name: 'Invite external user' } } }],
    ['invite, operation name with a lone surrogate', withAzure({ ...auditlogs, operation_name: 'Invite external user\uD800' })],
    ['other, operation name with a lone surrogate', withAzure({ ...auditlogs, operation_name: '\uDC00' })],
    ['invite, unicode and escapes around', { ...invite(), message: 'naïve "quoted" \\ \n tab\t 🎉', user: { name: 'Zoë' } }],
    ['invite, nulls and empty arrays beside', { ...invite(), event: { dataset: ['azure.auditlogs', null], outcome: [] } }],
    ['invite, numbers as strings', { ...invite(), azure: { auditlogs: { ...auditlogs, level: '4', operation_version: 1.0 } } }],
    ['invite, outcome missing', { ...invite(), event: { dataset: 'azure.auditlogs' } }],
    ['invite, operation name an object', withAzure({ ...auditlogs, operation_name: { text: 'Invite external user' } })],
    ['invite, operation name a boxed string', withAzure({ ...auditlogs, operation_name: new String('Invite external user') })],
    ['invite, operation name through toJSON', withAzure({ ...auditlogs, operation_name: { toJSON: () => 'Invite external user' } })],
    ['invite, azure through toJSON', { ...invite(), azure: { toJSON: () => ({ auditlogs }) } }],
    ['invite, auditlogs a class instance', { ...invite(), azure: { auditlogs: new Audit() } }],
    ['invite, outcome a Date', { ...invite(), event: { dataset: 'azure.auditlogs', outcome: new Date(0) } }],
    ['invite, azure a Map', { ...invite(), azure: new Map([['auditlogs', auditlogs]]) }],
    ['invite, symbols and functions beside', { ...invite(), [Symbol('s')]: 1, f() {}, s: Symbol('x'), u: undefined }],
    ['invite, with a null prototype', nullPrototype],
    ['invite, operation name behind a getter', withAzure({ ...auditlogs, get operation_name() { return 'Invite external user'; } })],
    ['keys named like Object.prototype', JSON.parse('{"__proto__": {"x": 1}, "constructor": "c", "toString": "t", "event": {"dataset": "azure.auditlogs"}}')],
    ['raw record', rawRecord()],
    ['raw record in an envelope', { records: [rawRecord(), rawRecord()] }],
    ['raw record in message', { message: JSON.stringify(rawRecord()), event: { dataset: 'azure.eventhub' } }],
    ['raw record in message after odd whitespace', { message: `\u0085\n ${JSON.stringify(rawRecord())}` }],
    ['raw record in event.original (dotted)', { 'event.original': JSON.stringify(rawRecord()) }],
    ['search hit', { _index: '.ds-logs-azure.auditlogs-default-2026.11.27-000001', _id: 'a1', _source: invite() }],
    ['search response', { hits: { hits: [{ _index: 'logs-azure.auditlogs-default', _id: 'b2', _source: invite() }] } }],
    ['graph item', { activityDisplayName: 'Invite external user', activityDateTime: '2026-11-27T09:12:45Z', loggedByService: 'Invited Users', result: 'success', targetResources: [{ displayName: 'guest' }] }],
    ['graph page', { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits', value: [] }],
    ['empty object', {}],
  ];
}

test('every object gives what its JSON text gives: the seed rule, every engine shape', () => {
  const objects = [...sampleObjects(), ...caseEvents(), ...hostileObjects()].flatMap(([name, object]) =>
    variants(name, object),
  );
  for (const shape of ENGINE_SHAPES) {
    const answered = assertSameOutcomes(shape, objects, `seed rule ${JSON.stringify(shape)}`);
    const screened = shape.mode !== 'tag' && shape.input !== 'azure';
    if (screened) {
      assert.ok(answered > objects.length / 2, `${answered} of ${objects.length} answered in JavaScript`);
    } else {
      assert.equal(answered, 0, 'tag mode and azure input need the full path for every object');
    }
  }
});

test("every object gives what its JSON text gives: Elastic's Azure rules", (t) => {
  const rules = corpusRules();
  if (rules === null) {
    t.skip('../shared/corpus is absent');
    return;
  }
  assert.ok(rules.length >= 60, `${rules.length} corpus rules`);
  const objects = [...sampleObjects(), ...caseEvents(), ...hostileObjects()].flatMap(([name, object]) =>
    variants(name, object),
  );
  for (const shape of ENGINE_SHAPES) {
    assertSameOutcomes({ ...shape, rules }, objects, `Azure rules ${JSON.stringify(shape)}`);
  }
});

test("every case file's event gives what its JSON text gives, with the case's own rule and mapping", () => {
  let engines = 0;
  for (const found of caseFileCases()) {
    const options = caseEngineOptions(found);
    const event = parseOrNull(found.entries.event ?? '');
    if (options === null || !isObject(event)) continue;
    for (const shape of [{}, { mode: 'filter', input: 'ecs' }, { mode: 'tag' }, { input: 'azure' }]) {
      try {
        new Engine({ now, ...options, ...shape });
      } catch {
        continue; // the case is about a rule or mapping error
      }
      engines += 1;
      assertSameOutcomes({ ...options, ...shape }, variants('event', event), `${found.file}:${found.line}`);
    }
  }
  assert.ok(engines > 400, `${engines} case engines`);
});

test("the package's evaluate (the built-in rule) gives for every object what its JSON text gives", () => {
  // Its alerts are created at the clock's time, in an execution named after it: compare them without both.
  const recent = (value) => typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) && Date.now() - Date.parse(value) < 60_000;
  const timeless = (result) => JSON.parse(JSON.stringify(result, (key, value) => {
    if (key === 'execution' && value !== null && typeof value === 'object') return { ...value, uuid: '<now>' };
    return recent(value) ? '<now>' : value;
  }));
  let answered = 0;
  const objects = [...sampleObjects(), ...hostileObjects()].flatMap(([name, object]) => variants(name, object));
  for (const [name, object] of objects) {
    const expected = timeless(outcome({ evaluate }, JSON.stringify(object)));
    assert.deepEqual(timeless(outcome({ evaluate }, object)), expected, name);
    if (answeredInJavaScript({ evaluate }, object)) answered += 1;
  }
  assert.ok(answered > 0, 'some objects were answered in JavaScript');
});

test('what is not an object goes to wasm as it is, with no screen built for it', () => {
  const [matching] = readFileSync(new URL('examples/rules/guest_invitation_any_name.positive.ndjson', root), 'utf8').split('\n');
  const values = [
    ['a line the rule matches', matching],
    ['a line no rule matches', JSON.stringify({ event: { dataset: 'azure.signinlogs' } })],
    ['invalid JSON', '{"event":'],
    ['a number', 5],
    ['true', true],
    ['null', null],
    ['undefined', undefined],
    ['a function', () => ({ event: { dataset: 'azure.auditlogs' } })],
    ['a symbol', Symbol('event')],
  ];
  for (const [name, value] of values) {
    const engine = new Engine({ now });
    let screensBuilt = 0;
    engine.objectScreen = function objectScreen() {
      screensBuilt += 1;
      return Engine.prototype.objectScreen.call(this);
    };
    // A twin whose screen is already built answers through it, as every engine once did.
    const screened = new Engine({ now });
    screened.evaluate({});
    assert.deepEqual(outcome(engine, value), outcome(screened, value), name);
    assert.equal(screensBuilt, 0, `${name}: a screen was built`);
  }
  // The check above can see a screen being built.
  const engine = new Engine({ now });
  let screensBuilt = 0;
  engine.objectScreen = () => (screensBuilt += 1, null);
  engine.evaluate({});
  assert.equal(screensBuilt, 1);
});

test('an object and its JSON text pretty-printed name the same alerts, and are deduplicated alike when sent again', () => {
  // wasm names an event by the hash of its text when that text is what its
  // JSON reader writes back (JSON.stringify's output is), and otherwise by
  // writing it again: the pretty-printed text takes the second way.
  const byObject = new Engine({ now });
  const byPrettyText = new Engine({ now });
  let alerts = 0;
  for (const [name, object] of sampleObjects()) {
    for (const round of ['first', 'again']) {
      const expected = outcome(byPrettyText, JSON.stringify(object, null, 2));
      assert.deepEqual(outcome(byObject, object), expected, `${name}, sent ${round}`);
      alerts += expected.outputs?.length ?? 0;
    }
  }
  assert.ok(alerts > 0, 'some samples alert');
});

test('what JSON.stringify refuses: thrown where a rule reads it, unseen where none can match', () => {
  const engine = new Engine({ now });
  const cyclic = invite();
  cyclic.azure.auditlogs.self = cyclic;
  assert.throws(() => engine.evaluate(cyclic), { type: 'event_invalid' });
  assert.throws(
    () => engine.evaluate({ ...invite(), event: { dataset: 'azure.auditlogs', outcome: 1n } }),
    { type: 'event_invalid' },
  );
  const unrelated = { event: { dataset: 'azure.signinlogs' }, big: 1n };
  unrelated.self = unrelated;
  assert.deepEqual(engine.evaluate(unrelated), []);
  assert.throws(() => new Engine({ now, mode: 'tag' }).evaluate(unrelated), { type: 'event_invalid' });
  // A lone surrogate: JSON.stringify writes it as an escape (`"\ud800"`),
  // which the engine's JSON reader refuses; the screen does not read the
  // strings of fields no rule reads, so there it passes unseen.
  const surrogate = { ...invite(), note: '\uD800', event: { dataset: 'x' } };
  assert.deepEqual(engine.evaluate(surrogate), []);
  assert.throws(() => engine.evaluate(JSON.stringify(surrogate)), { type: 'event_invalid', kind: 'malformed_json' });
});

test('an event that is an array is refused as its JSON text is, whatever its prototype', () => {
  // JSON.stringify writes any array as an array (it asks Array.isArray, not
  // the prototype), and wasm refuses an event that is not an object; the
  // screen must not answer `[]` for one that merely has a plain prototype.
  const unrelated = { event: { dataset: 'azure.signinlogs' } };
  const prototypes = [['Array.prototype', Array.prototype], ['Object.prototype', Object.prototype], ['null', null]];
  for (const shape of [{}, { input: 'ecs', mode: 'filter' }]) {
    const engine = new Engine({ now, ...shape });
    for (const [name, prototype] of prototypes) {
      const array = Object.setPrototypeOf([unrelated], prototype);
      const expected = outcome(engine, JSON.stringify(array));
      assert.match(expected.error ?? '', /^event_invalid\//, `${name}: the text is refused`);
      assert.deepEqual(outcome(engine, array), expected, `${JSON.stringify(shape)}, prototype ${name}`);
    }
  }
  const plainArray = Object.setPrototypeOf([unrelated], Object.prototype);
  assert.deepEqual(outcome({ evaluate }, plainArray), outcome({ evaluate }, JSON.stringify(plainArray)));
});

/** Field names JavaScript source would need escapes for, or that plain objects inherit. */
const ODD_FIELD_TYPES = {
  'a"b.c': 'keyword',
  'd\\e': 'keyword',
  'f(g).h': 'keyword',
  'constructor.__proto__': 'keyword',
  toJSON: 'keyword',
};
const ODD_RULES = ['a\\"b.c:x and d\\\\e:y', 'f\\(g\\).h:z', 'constructor.__proto__:x', 'toJSON:1'];

function oddObjects() {
  return [
    ['quote and backslash, nested', { 'a"b': { c: 'x' }, 'd\\e': 'y' }],
    ['quote and backslash, dotted', { 'a"b.c': 'x', 'd\\e': ['y'] }],
    ['quote and backslash, one missing', { 'a"b': { c: 'x' }, 'd\\e': 'z' }],
    ['parentheses', { 'f(g)': { h: 'z' } }],
    ['parentheses, other value', { 'f(g).h': 'zz' }],
    ['keys plain objects inherit', JSON.parse('{"constructor": {"__proto__": "x"}}')],
    ['keys plain objects inherit, dotted', JSON.parse('{"constructor.__proto__": ["x"]}')],
    ['inherited keys only', { other: 1 }],
    ['toJSON that is no function', { toJSON: 1 }],
    ['toJSON that is no function, other value', { toJSON: 2 }],
  ];
}

test('field names that need escapes in JavaScript give what their JSON text gives', () => {
  const objects = oddObjects().flatMap(([name, object]) => variants(name, object));
  for (const shape of [{}, { input: 'ecs', mode: 'filter' }]) {
    const options = { ...shape, rules: ODD_RULES, fieldTypes: ODD_FIELD_TYPES };
    assert.notEqual(new Engine({ now, ...options }).objectScreen(), null);
    const answered = assertSameOutcomes(options, objects, `odd field names ${JSON.stringify(shape)}`);
    assert.ok(answered > 0 && answered < objects.length, `${answered} of ${objects.length} answered in JavaScript`);
  }
});

/** What a screen answers for `object`: rejects, passes, or the name of what it threw. */
function screenAnswer(screen, object) {
  try {
    return screen.rejects(object) ? 'rejects' : 'passes';
  } catch (error) {
    return `threw ${error?.name}`;
  }
}

test('the screen as generated code reads what the interpreted screen reads', (t) => {
  const rules = corpusRules();
  if (rules === null) t.diagnostic('../shared/corpus is absent: the corpus rules are not compared');
  const engines = [
    {},
    { input: 'ecs' },
    { mode: 'filter' },
    { rules: ODD_RULES, fieldTypes: ODD_FIELD_TYPES },
  ];
  if (rules !== null) {
    // Not every corpus rule requires a keyword term; the others are screened together.
    const screened = rules.filter((rule) => {
      try {
        return new Engine({ now, rules: [rule] }).objectScreen() !== null;
      } catch {
        return false;
      }
    });
    assert.ok(screened.length >= 30, `${screened.length} corpus rules have a screen`);
    engines.push({ rules: screened }, { rules: screened, input: 'ecs' });
  }
  const objects = [...sampleObjects(), ...caseEvents(), ...hostileObjects(), ...oddObjects()];
  const shapes = objects.flatMap(([name, object]) => variants(name, object));
  for (const options of engines) {
    const description = new Engine({ now, ...options }).objectScreen();
    const generated = new Screen(description, true);
    const interpreted = new Screen(description, false);
    assert.ok(generated.generated && !interpreted.generated, 'Node allows generating code');
    let rejected = 0;
    for (const [name, object] of shapes) {
      const answer = screenAnswer(interpreted, object);
      assert.equal(screenAnswer(generated, object), answer, `${JSON.stringify(options).slice(0, 80)}: ${name}`);
      if (answer === 'rejects') rejected += 1;
    }
    assert.ok(rejected > 0 && rejected < shapes.length, `${rejected} of ${shapes.length} rejected`);
  }
});

test('the generated screen holds the keys as data, whatever they spell', () => {
  const keys = [
    '"]; globalThis.injected = true; ["',
    "'); globalThis.injected = true; ('",
    '`${globalThis.injected = true}`',
    '*/ globalThis.injected = true; /*',
    '\\',
    '\u2028',
    'a.\u2029.b',
  ];
  const description = {
    rules: [keys.map((path) => ({ path, values: ['v'] }))],
    divertingKeys: keys,
    divertingKeyPrefixes: [],
    embeddingFields: keys,
  };
  const generated = new Screen(description, true);
  const interpreted = new Screen(description, false);
  assert.ok(generated.generated);
  const all = Object.fromEntries(keys.map((key) => [key, 'v']));
  const objects = [
    ['every key', all],
    ['every key but the last', Object.fromEntries(keys.slice(0, -1).map((key) => [key, 'v']))],
    ['no key', { other: 'v' }],
    ...keys.map((key) => [`only ${JSON.stringify(key)}`, { [key]: 'v' }]),
  ].flatMap(([name, object]) => variants(name, object));
  for (const [name, object] of objects) {
    assert.equal(screenAnswer(generated, object), screenAnswer(interpreted, object), name);
  }
  assert.equal(screenAnswer(generated, { other: 'v' }), 'rejects');
  assert.equal(globalThis.injected, undefined);
});
