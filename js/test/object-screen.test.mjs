// The object screen's readings (js/object-path.cjs) against each other and
// against wasm, on shapes where a reading could go wrong: the interpreted
// screen, the generated one with readers per (step, accepted values) pair,
// and the generated one with readers shared per step must give the same
// answer for every object, and an object any of them rejects must be one
// wasm, given its JSON text, emits nothing for. Rule sets cover value sets of
// up to 8 values (compared inline) and more (looked up in a Set), numbers and
// booleans, keys that need escapes or are named like Object.prototype's, and
// more pairs than `screenLimits.specialised` (the shared readers by default).
import test from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from 'kql-detect';
import objectPath from '../object-path.cjs';

const { Screen, screenLimits } = objectPath;

const now = '2026-11-27T12:00:00Z';

/** An engine's screen read the three ways; filter mode, so that wasm answers an event sent again alike. */
function screensOf(options) {
  const description = new Engine({ now, mode: 'filter', ...options }).objectScreen();
  assert.notEqual(description, null);
  const generated = (limit) => {
    const saved = screenLimits.specialised;
    screenLimits.specialised = limit;
    try {
      return new Screen(description, true);
    } finally {
      screenLimits.specialised = saved;
    }
  };
  const screens = {
    interpreted: new Screen(description, false),
    specialised: generated(Infinity),
    shared: generated(0),
    default: new Screen(description, true),
  };
  assert.equal(screens.interpreted.generated, false);
  assert.match(String(screens.specialised.rejects), /\bat\d+\(node\)/);
  assert.doesNotMatch(String(screens.specialised.rejects), /atAny/);
  assert.match(String(screens.shared.rejects), /atAny\d+\(node, set\d+\)/);
  return screens;
}

/** What `screenRejects` makes of a screen's answer: what its reading throws is no answer. */
function rejects(screen, object) {
  try {
    return screen.rejects(object) === true;
  } catch {
    return false;
  }
}

/** What wasm makes of the object's JSON text: 'none', 'some' (outputs), 'error', or 'unserialisable'. */
function wasmOutcome(engine, object) {
  let text;
  try {
    text = JSON.stringify(object);
  } catch {
    return 'unserialisable';
  }
  try {
    return engine.evaluate(text).length === 0 ? 'none' : 'some';
  } catch {
    return 'error';
  }
}

/**
 * Checks every object against every reading and wasm; returns how many the
 * screens rejected. A throwing getter makes the text unserialisable: the
 * screen may still reject when no rule reads it.
 */
function assertScreensAgree(options, objects) {
  const screens = screensOf(options);
  const wasm = new Engine({ now, mode: 'filter', ...options });
  let rejected = 0;
  for (const [name, object] of objects) {
    const answers = Object.fromEntries(Object.entries(screens).map(([kind, screen]) => [kind, rejects(screen, object)]));
    const expected = Object.fromEntries(Object.keys(screens).map((kind) => [kind, answers.interpreted]));
    assert.deepEqual(answers, expected, `${name}: the readings differ`);
    if (answers.interpreted) {
      rejected += 1;
      assert.ok(['none', 'unserialisable'].includes(wasmOutcome(wasm, object)), `${name}: rejected, but wasm emits or errs`);
    }
  }
  return rejected;
}

/** An array of these values whose prototype is `prototype`. */
const arrayWithPrototype = (prototype, ...values) => Object.setPrototypeOf(values, prototype);

class ArraySubclass extends Array {}

/** Ways to hold a value that JSON.stringify writes as the value (or as an array of it), or differently. */
const WRAPPERS = [
  ['in an array', (value) => [value]],
  ['in an array of arrays', (value) => [[null], [value]]],
  ['in an array with Object.prototype', (value) => arrayWithPrototype(Object.prototype, value)],
  ['in an array with a null prototype', (value) => arrayWithPrototype(null, value)],
  ['in an array subclass', (value) => ArraySubclass.from([value])],
  ['in an array with a toJSON', (value) => Object.assign([value], { toJSON: () => [value] })],
  ['as an array whose toJSON writes it', (value) => Object.assign(['unrelated'], { toJSON: () => value })],
  ['as an object whose toJSON writes it', (value) => ({ toJSON: () => value })],
];

/** A shallow copy with the same prototype and own properties (a key `__proto__` stays a key). */
const copyOf = (object) =>
  Object.defineProperties(Object.create(Object.getPrototypeOf(object)), Object.getOwnPropertyDescriptors(object));

/** The object with the property at `path` (a list of keys) replaced by `replace(its value)`, or null. */
function replacedAt(object, path, replace) {
  const [key, ...rest] = path;
  const copy = copyOf(object);
  Object.defineProperty(copy, key, {
    value: rest.length === 0 ? replace(object[key]) : replacedAt(object[key], rest, replace),
  });
  return copy;
}

/** The object with the property at `path` read through a getter (of the same value, or one that throws). */
function behindGetter(object, path, throws) {
  const [key, ...rest] = path;
  const copy = copyOf(object);
  if (rest.length > 0) {
    Object.defineProperty(copy, key, { value: behindGetter(object[key], rest, throws) });
    return copy;
  }
  const value = object[key];
  Object.defineProperty(copy, key, {
    get() {
      if (throws) throw new Error('a getter that throws');
      return value;
    },
  });
  return copy;
}

/** Every key path of a plain object's properties, objects and leaves alike. */
function keyPaths(object, prefix = []) {
  return Object.entries(object).flatMap(([key, value]) => {
    const path = [...prefix, key];
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    return isObject ? [path, ...keyPaths(value, path)] : [path];
  });
}

/** The object, the object as the top of odd shapes, and every property of it wrapped, behind getters. */
function hostileVariants(name, object) {
  const variants = [
    [name, object],
    [`${name}, the top in an array`, [object]],
    [`${name}, the top an array with Object.prototype`, arrayWithPrototype(Object.prototype, object)],
    [`${name}, the top an array with a null prototype`, arrayWithPrototype(null, object)],
    [`${name}, the top an array whose toJSON writes it`, Object.assign([], { toJSON: () => object })],
    [`${name}, the top an object whose toJSON writes it`, { toJSON: () => object }],
    [`${name}, the top with a null prototype`, Object.setPrototypeOf(copyOf(object), null)],
  ];
  for (const path of keyPaths(object)) {
    const at = path.join(' › ');
    for (const [wrapping, wrap] of WRAPPERS) variants.push([`${name}, ${at} ${wrapping}`, replacedAt(object, path, wrap)]);
    variants.push([`${name}, ${at} behind a getter`, behindGetter(object, path, false)]);
    variants.push([`${name}, ${at} behind a getter that throws`, behindGetter(object, path, true)]);
  }
  return variants;
}

const invite = (outcome = 'success', operation = 'Invite external user') => ({
  event: { dataset: 'azure.auditlogs', outcome },
  azure: { auditlogs: { operation_name: operation, properties: { target_resources: { 0: { display_name: 'guest' } } } } },
});

test('the seed rule: every reading gives the same answer, and rejects only what wasm emits nothing for', () => {
  const objects = [
    ['invite', invite('success')],
    ['invite, outcome Success', invite('Success')],
    ['invite failed', invite('failure')],
    ['another operation', invite('success', 'Update user')],
    ['another dataset', { ...invite(), event: { dataset: 'azure.signinlogs', outcome: 'success' } }],
  ].flatMap(([name, object]) => hostileVariants(name, object));
  const rejected = assertScreensAgree({}, objects);
  assert.ok(rejected > objects.length / 4, `${rejected} of ${objects.length} rejected`);
});

test('an array of another prototype or with a toJSON, below the top, is doubt: the object goes to wasm', () => {
  const screens = screensOf({});
  const missing = 'Update user';
  const doubtful = [
    ['a value in an array with Object.prototype', arrayWithPrototype(Object.prototype, missing)],
    ['a value in an array with a null prototype', arrayWithPrototype(null, missing)],
    ['a value in an array subclass', ArraySubclass.from([missing])],
    ['a value in an array with a toJSON', Object.assign([missing], { toJSON: () => [missing] })],
  ];
  for (const [name, value] of doubtful) {
    const object = invite('success', value);
    for (const [kind, screen] of Object.entries(screens)) assert.equal(rejects(screen, object), false, `${kind}: ${name}`);
  }
  const auditlogs = invite('success', missing).azure.auditlogs;
  const nested = { ...invite(), azure: arrayWithPrototype(Object.prototype, { auditlogs }) };
  for (const [kind, screen] of Object.entries(screens)) {
    assert.equal(rejects(screen, nested), false, `${kind}: azure in an odd array`);
  }
  // The same values in plain arrays are read, and miss.
  const plain = invite('success', [missing]);
  for (const [kind, screen] of Object.entries(screens)) assert.equal(rejects(screen, plain), true, `${kind}: a plain array`);
});

/** Rules over value sets of every kind the generated tests handle, and an object for each of their values. */
const VALUE_RULES = [
  'event.action:(a1 or a2 or a3 or a4 or a5 or a6 or a7 or a8 or a9 or a10) and event.outcome:(success or Success)',
  'event.code:(200 or 201 or 0 or 1e21 or -5 or 1.50)',
  'event.code:(300 or 301 or 302 or 303 or 304 or 305 or 306 or 307 or 308 or 309 or 310)',
  'labels.flag:true',
  'labels.a\\"b:x and labels.c\\\\d:y',
  '"labels.we ird":x',
  'labels.caf\u00e9\u2028x:y',
  'labels.constructor:x and labels.__proto__.y:z',
];

function valueObjects() {
  const actions = ['a1', 'a8', 'a9', 'a10', 'a11', 'A10'].map((action) => [
    `action ${action}`,
    { event: { action, outcome: 'Success' } },
  ]);
  const codes = [200, 201, 0, -0, 1e21, -5, 1.5, '1.50', '200', 202, 310, 311, '310', NaN, Infinity].map((code) => [
    `code ${typeof code} ${String(code)}`,
    { event: { code } },
  ]);
  const labels = [
    { flag: true },
    { flag: false },
    { flag: 'true' },
    { 'a"b': 'x', 'c\\d': 'y' },
    { 'a"b': 'x', 'c\\d': 'z' },
    { 'we ird': 'x' },
    { 'caf\u00e9\u2028x': 'y' },
    { 'caf\u00e9\u2028x': 'z' },
    { constructor: 'x', ['__proto__']: { y: 'z' } },
    JSON.parse('{"constructor": "x", "__proto__": {"y": "z"}}'),
    JSON.parse('{"constructor": "x", "__proto__": {"y": "w"}}'),
    { constructor: 'x' },
    JSON.parse('{"__proto__": {"y": "z"}}'),
  ].map((labels, index) => [`labels ${index}`, { labels }]);
  return [...actions, ...codes, ...labels];
}

test('value sets inline and in Sets, numbers, booleans, escaped and inherited keys: the readings agree with wasm', () => {
  const objects = valueObjects().flatMap(([name, object]) => hostileVariants(name, object));
  const rejected = assertScreensAgree({ rules: VALUE_RULES }, objects);
  assert.ok(rejected > 0 && rejected < objects.length, `${rejected} of ${objects.length} rejected`);
  // Each rule alone, so that a value one rule misses is not taken by another.
  for (const rule of VALUE_RULES) assertScreensAgree({ rules: [rule] }, objects);
});

test('more value sets than the generated code specialises: the shared readers by default, and the same answers', () => {
  const rules = Array.from({ length: 70 }, (_, index) => {
    const values = Array.from({ length: 1 + (index % 12) }, (__, at) => `v${index}x${at}`);
    return `labels.k${index % 7}:(${values.join(' or ')}) and event.outcome:success`;
  });
  const screens = screensOf({ rules });
  assert.match(String(screens.default.rejects), /atAny/);
  const objects = rules.flatMap((_, index) => {
    const last = `v${index}x${index % 12}`;
    return [
      [`rule ${index}, its last value`, { labels: { [`k${index % 7}`]: last }, event: { outcome: 'success' } }],
      [`rule ${index}, its last value, failed`, { labels: { [`k${index % 7}`]: last }, event: { outcome: 'failure' } }],
      [`rule ${index}, a value of none`, { labels: { [`k${index % 7}`]: `${last}y` }, event: { outcome: 'success' } }],
    ];
  });
  const rejected = assertScreensAgree({ rules }, objects);
  assert.equal(rejected, (objects.length * 2) / 3);
  assertScreensAgree({ rules }, objects.slice(0, 6).flatMap(([name, object]) => hostileVariants(name, object)));
});

test('engine.evaluate(object) gives what the JSON text gives on the hostile shapes', () => {
  const objects = [
    ...hostileVariants('invite', invite()),
    ...hostileVariants('another operation', invite('success', 'Update user')),
  ];
  const outcome = (engine, input) => {
    try {
      return { outputs: engine.evaluate(input) };
    } catch (error) {
      return { error: `${error.type ?? error.name}/${error.kind ?? ''}` };
    }
  };
  const byObject = new Engine({ now });
  const byText = new Engine({ now });
  for (const [name, object] of objects) {
    let text;
    try {
      text = JSON.stringify(object);
    } catch {
      continue; // a getter that throws: covered by object-path.test.mjs
    }
    assert.deepEqual(outcome(byObject, object), outcome(byText, text), name);
  }
});
