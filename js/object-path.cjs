'use strict';
// `engine.evaluate(object)` without serialising the object, for the events no
// rule can match (nearly all of them).
//
// Handing an object to wasm means `JSON.stringify` of all of it: some 300
// times the cost of a hand-written predicate. Each engine instead describes
// once what to read (`engine.objectScreen()`, from `src/engine/screen.rs`):
// per rule, the keyword terms it requires (`event.dataset` is one of these
// values…), and the marks of an input that ingest would not pass through as
// it is (raw Azure records, envelopes, search hits). This module reads only
// those fields of the object, in Elasticsearch's flattened view exactly as
// `src/event.rs` reads JSON (a key may hold several dotted segments at once,
// arrays are looked through, `null` is no value, an object is not a value),
// and answers `[]` when every rule misses one of its terms and no mark is
// present. Anything else goes to wasm whole, unchanged.
//
// Why the answer is the one wasm would give: a term is a necessary condition
// of its rule's query (the dispatch tests check it), exceptions and index
// patterns only ever remove matches, and an unmarked object is the document
// itself. A rejected object creates no alert, so the engine's memory of
// recent alerts is the same either way. The reading can only err on the safe
// side as long as it never misses a value JSON.stringify would write at a
// field it reads: extra values (inherited properties, non-enumerable ones)
// can only make a term pass and send the object to wasm. So every object on
// the way is checked to be a plain data object (prototype `Object.prototype`
// or `null`, no `toJSON`), and anything JSON.stringify would write
// differently from what is read (`toJSON`, Dates, boxed primitives, Maps,
// class instances, objects of other realms, BigInt, symbols, functions,
// strings with lone surrogates) sends the object to wasm instead. An array is
// never a plain object, whatever its prototype: JSON.stringify writes it as an
// array, and an event that is an array is an error in wasm. Below the top, an
// array is read element by element only when its prototype is
// `Array.prototype` and it has no `toJSON`; any other is doubt. Parts of the
// object no rule reads are not looked at, so a BigInt or a cycle there raises
// no error when no rule can match.
//
// Getters and Proxies: a field may be read here more than once (once per
// term that reads it, then again by JSON.stringify when the object goes to
// wasm), so the answer is the one wasm would give only for getters and traps
// that return the same value on every read and do nothing else, as data does.
// What they throw is no answer: the object goes to wasm.
//
// In Node each screen's reading is generated as JavaScript functions, one per
// step of a path (and, in small screens, per set of accepted values:
// `generateScreen`), so that each key is looked up where V8 remembers the
// shapes of the objects seen there; the same reading interpreted serves the
// web build (where a Content Security Policy may forbid generating code) and
// any platform that refuses it.

const SCREEN = Symbol('kql-detect object screen');
const INSTALLED = Symbol('kql-detect object fast path');
const GENERATE_CODE = Symbol('kql-detect object screen as code');

/**
 * Makes `Engine.prototype.evaluate` answer objects no rule can match in
 * JavaScript, and hand everything else to the wasm method as before. With
 * `generateCode`, each engine's screen is compiled to JavaScript functions
 * (see `generateScreen`) where the platform allows it; pass it only where
 * trying is harmless (in a browser, a Content Security Policy without
 * `unsafe-eval` reports every attempt).
 */
function installObjectFastPath(Engine, { generateCode = false } = {}) {
  const evaluateInWasm = Engine.prototype.evaluate;
  if (evaluateInWasm[INSTALLED]) return;
  function evaluate(event) {
    if (mayBeRejected(event) && screenRejects(this, event)) return [];
    return evaluateInWasm.call(this, event);
  }
  evaluate[INSTALLED] = true;
  Object.defineProperty(Engine.prototype, 'evaluate', { value: evaluate, writable: true, configurable: true });
  Object.defineProperty(Engine.prototype, GENERATE_CODE, { value: generateCode === true });
}

/**
 * The package's `evaluate(event)` (the built-in rule, no memory of recent
 * alerts) with the same fast path; `new Engine()` runs the same rule, so its
 * screen is the built-in rule's.
 */
function withObjectFastPath(evaluateInWasm, Engine) {
  let builtin = null;
  return function evaluate(event) {
    if (mayBeRejected(event) && screenRejects((builtin ??= new Engine()), event)) return [];
    return evaluateInWasm(event);
  };
}

/**
 * Whether `event` is something a screen may reject: only a plain object can
 * be (`rejects`). Anything else, such as the JSON text a batch host sends,
 * goes to wasm without a screen (or, for the package's `evaluate`, an
 * engine) being built, which would put `objectScreen` and the screen's code
 * on its first answer. `typeof` runs no Proxy trap.
 */
function mayBeRejected(event) {
  return typeof event === 'object' && event !== null;
}

/**
 * Whether the engine's screen answers `[]` for `event`. What the caller's
 * code throws while it is read (a getter, a Proxy trap) is no answer: the
 * object goes to wasm, whose `JSON.stringify` meets the same code and turns
 * what it throws into a structured error.
 */
function screenRejects(engine, event) {
  try {
    return screenOf(engine)?.rejects(event) === true;
  } catch {
    return false;
  }
}

/** The engine's screen, compiled on first use; `null` when it has none. */
function screenOf(engine) {
  let screen = engine[SCREEN];
  if (screen === undefined) {
    const description = engine.objectScreen();
    screen = description === null ? null : new Screen(description, engine[GENERATE_CODE] === true);
    Object.defineProperty(engine, SCREEN, { value: screen });
  }
  return screen;
}

/**
 * How much code `generateScreen` writes. The tests change `specialised` to
 * run both kinds of readers on every rule set.
 */
const screenLimits = {
  /**
   * Up to how many (path step, accepted values) pairs a screen may have for
   * each pair to get readers of its own, testing the values inline; a larger
   * screen shares one reader per step, handed the values. Measured with
   * benches/object-screen.mjs (paired runs vary by about 2%): the seed rule's
   * screen (10 pairs) ran 3–8% faster specialised, 8 rules (40 pairs) 4%,
   * but 12 rules (50 pairs) 3% slower, 32 rules and the corpus rules 13%
   * slower with only their first 64 pairs specialised, and 1000 rules 3 times
   * slower with all of them (too much code for V8).
   */
  specialised: 32,
};

/** Up to how many accepted values a generated test compares one by one rather than looking up in a Set. */
const INLINE_VALUES = 8;

class Screen {
  constructor({ rules, divertingKeys, divertingKeyPrefixes, embeddingFields }, generateCode = false) {
    const steps = new Map();
    this.rules = rules.map((terms) =>
      terms.map(({ path, values }) => ({ step: compilePath(path, steps), values: new Set(values) })),
    );
    this.divertingKeys = divertingKeys.map(keyOf);
    this.divertingKeyPrefixes = divertingKeyPrefixes;
    this.embeddingFields = embeddingFields.map((path) => compilePath(path, steps));
    const generated = generateCode ? generateScreen(this, [...steps.values()]) : null;
    /** Whether the screen runs as generated code (for the tests). */
    this.generated = generated !== null;
    if (generated !== null) {
      this.rejects = generated;
    }
  }

  /**
   * True only when the engine certainly emits nothing for `event`. The event
   * is checked to be a plain object once, here; every object below it is
   * checked where it is reached, before any of its properties is read.
   */
  rejects(event) {
    if (!isPlainObject(event)) return false;
    for (const terms of this.rules) {
      if (this.mayMatch(event, terms)) return false;
    }
    return !this.isMarked(event);
  }

  /**
   * Whether the rule with these terms may match: no term certainly misses. A
   * field read in doubt counts as holding an accepted value; that doubt
   * (a `toJSON`, a class instance…) lies on the field's own path, which every
   * other term reads for itself.
   */
  mayMatch(event, terms) {
    for (let index = 0; index < terms.length; index++) {
      const { step, values } = terms[index];
      if (!mayHoldIn(event, step, isAccepted, values)) return false;
    }
    return true;
  }

  /** Whether ingest might turn `event` into something other than itself. */
  isMarked(event) {
    if (this.hasDivertingKey(event)) return true;
    const prefixes = this.divertingKeyPrefixes;
    if (prefixes.length > 0) {
      for (const key in event) {
        for (let index = 0; index < prefixes.length; index++) {
          if (key.startsWith(prefixes[index])) return true;
        }
      }
    }
    const fields = this.embeddingFields;
    for (let index = 0; index < fields.length; index++) {
      if (mayHoldIn(event, fields[index], mayEmbedRecord, null)) return true;
    }
    return false;
  }

  /** Whether `event` has a value at a top-level key of a raw record, an envelope or a search hit. */
  hasDivertingKey(event) {
    for (const key of this.divertingKeys) {
      if (ownValue(event, key) !== undefined) return true;
    }
    return false;
  }
}

/**
 * `screen.rejects` as generated JavaScript, or `null` where the platform
 * forbids generating code. Why: `mayHoldAt` looks up keys that vary from
 * step to step at the same places, which V8 serves through its generic
 * lookup (about 10 ns a key, most of them absent); a function per step looks
 * each key up at a place of its own, which remembers the object shapes seen
 * there (about 1 ns).
 *
 * In a small screen (see `screenLimits`), each (step, accepted values) pair
 * gets an `at` function reading a plain object, which `rejects` calls
 * directly, a `read` function that checks a nested value first, and the
 * values' own `pass` test with the values inline: no test function or
 * argument is handed around. In a larger one, each step gets `atAny` and
 * `readAny` functions handed the values. The embedding fields' test always
 * has readers of its own.
 *
 * The generated text holds no text of the rules but keys, key prefixes and
 * accepted values, written as JSON string literals (which are JavaScript
 * string literals). The tests compare both readings on every object they
 * evaluate.
 */
function generateScreen(screen, steps) {
  steps.forEach((step, index) => {
    step.index = index;
  });
  const sets = new ValueSets();
  let pairs = new SpecialisedPairs();
  for (const terms of screen.rules) {
    for (const { step, values } of terms) pairs.add(step, sets.of(values));
  }
  if (pairs.all.length > screenLimits.specialised) pairs = new SpecialisedPairs();
  const embedding = sets.embedding();
  for (const step of screen.embeddingFields) pairs.add(step, embedding);

  const sharedSteps = new Set();
  const entry = (step, set) => {
    const pair = pairs.get(step, set);
    if (pair !== undefined) return `at${pair.index}(node)`;
    for (const reached of stepsBelow(step)) sharedSteps.add(reached);
    return `atAny${step.index}(node, set${set.index})`;
  };
  const rules = screen.rules.map((terms) => {
    const reads = terms.map(({ step, values }) => entry(step, sets.of(values)));
    return `  if (${reads.join(' && ') || 'true'}) return false;\n`;
  });
  const diverting = screen.divertingKeys.map((key) => `  if (${load(key)} !== undefined) return false;\n`);
  const prefixes = screen.divertingKeyPrefixes.map((prefix) => `key.startsWith(${literal(prefix)})`);
  const byPrefix =
    prefixes.length === 0 ? '' : `  for (const key in node) {\n    if (${prefixes.join(' || ')}) return false;\n  }\n`;
  const embedded = screen.embeddingFields.map((step) => `  if (${entry(step, embedding)}) return false;\n`);
  const body = [
    "'use strict';\n",
    ...sets.all.map((set) => `const set${set.index} = sets[${set.index}].values;\n`),
    ...[...new Set(pairs.all.map((pair) => pair.set))].map(valueTests),
    ...pairs.all.map((pair) => specialisedReaders(pair, pairs)),
    ...(sharedSteps.size === 0 ? [] : [sharedValueTest]),
    ...[...sharedSteps].map(sharedReaders),
    'return function rejects(node) {\n  if (!isPlainObject(node)) return false;\n',
    ...rules,
    ...diverting,
    byPrefix,
    ...embedded,
    '  return true;\n};\n',
  ].join('');
  try {
    const helpers = {
      opaque,
      getPrototypeOf: Object.getPrototypeOf,
      objectPrototype: Object.prototype,
      isArray: Array.isArray,
      isDoubtfulArray,
      isPlainObject,
      isWellFormed,
      mayEmbedRecord,
      hasOwn,
      isAccepted,
      sets: sets.all,
    };
    return new Function(...Object.keys(helpers), body)(...Object.values(helpers));
  } catch {
    return null;
  }
}

/** The distinct sets of accepted values of a screen's terms, each numbered; and the embedding fields' test. */
class ValueSets {
  constructor() {
    this.all = [];
    this.byContent = new Map();
  }

  of(values) {
    const content = JSON.stringify([...values].sort());
    let set = this.byContent.get(content);
    if (set === undefined) {
      set = { index: this.all.length, values, embedding: false };
      this.all.push(set);
      this.byContent.set(content, set);
    }
    return set;
  }

  /** A set that stands for `mayEmbedRecord` (it holds no values). */
  embedding() {
    const set = { index: this.all.length, values: new Set(), embedding: true };
    this.all.push(set);
    return set;
  }
}

/** The (step, value set) pairs that get readers of their own: with a pair, every step below it. */
class SpecialisedPairs {
  constructor() {
    this.all = [];
    this.byKey = new Map();
  }

  add(step, set) {
    for (const reached of stepsBelow(step)) {
      if (this.get(reached, set) !== undefined) continue;
      const pair = { index: this.all.length, step: reached, set };
      this.all.push(pair);
      this.byKey.set(pairKey(reached, set), pair);
    }
  }

  get(step, set) {
    return this.byKey.get(pairKey(step, set));
  }
}

const pairKey = (step, set) => `${step.index} ${set.index}`;

/** `step` and every step its splits lead to. */
function stepsBelow(step, reached = new Set()) {
  if (!reached.has(step)) {
    reached.add(step);
    for (const { rest } of step.splits) stepsBelow(rest, reached);
  }
  return reached;
}

const literal = (text) => JSON.stringify(text);

/** How generated code reads a key of the plain object `node`. */
function load(key) {
  return key.inherited
    ? `(hasOwn(node, ${literal(key.name)}) ? node[${literal(key.name)}] : undefined)`
    : `node[${literal(key.name)}]`;
}

/**
 * The start of a generated `read` function: what `mayHoldAt` does before
 * reading an object, with `recurse` the call for each element of an array.
 */
function checkedNode(recurse) {
  return `  if (typeof node !== 'object' || node === null) return opaque(node);
  if (isArray(node)) {
    if (isDoubtfulArray(node)) return true;
    for (let index = 0; index < node.length; index++) {
      if (${recurse}) return true;
    }
    return false;
  }
  const prototype = getPrototypeOf(node);
  if ((prototype !== objectPrototype && prototype !== null) || typeof node.toJSON === 'function') return true;
`;
}

/** A specialised pair's `read` (any value) and `at` (a plain object) functions. */
function specialisedReaders({ index, step, set }, pairs) {
  return `function read${index}(node) {
${checkedNode(`read${index}(node[index])`)}  return at${index}(node);
}
function at${index}(node) {
  let value;
${step.splits.map(({ key, rest }) => `  value = ${load(key)};
  if (value !== undefined && read${pairs.get(rest, set).index}(value)) return true;
`).join('')}  value = ${load(step.whole)};
  return value !== undefined && pass${set.index}(value);
}
`;
}

/** A step's readers shared by the pairs not specialised, handed their values. */
function sharedReaders(step) {
  return `function readAny${step.index}(node, values) {
${checkedNode(`readAny${step.index}(node[index], values)`)}  return atAny${step.index}(node, values);
}
function atAny${step.index}(node, values) {
  let value;
${step.splits.map(({ key, rest }) => `  value = ${load(key)};
  if (value !== undefined && readAny${rest.index}(value, values)) return true;
`).join('')}  value = ${load(step.whole)};
  return value !== undefined && passAny(value, values);
}
`;
}

/** `mayPass` with `isAccepted`, for the shared readers. */
const sharedValueTest = `function passAny(value, values) {
  if (typeof value !== 'object' || value === null) return opaque(value) || isAccepted(value, values);
  if (isArray(value)) {
    if (isDoubtfulArray(value)) return true;
    for (let index = 0; index < value.length; index++) {
      if (passAny(value[index], values)) return true;
    }
    return false;
  }
  return !isPlainObject(value);
}
`;

/** A value set's `pass` (`mayPass` with its test) and `accepts` (its test of a primitive) functions. */
function valueTests(set) {
  return `function pass${set.index}(value) {
  if (typeof value !== 'object' || value === null) return accepts${set.index}(value);
  if (isArray(value)) {
    if (isDoubtfulArray(value)) return true;
    for (let index = 0; index < value.length; index++) {
      if (pass${set.index}(value[index])) return true;
    }
    return false;
  }
  return !isPlainObject(value);
}
function accepts${set.index}(value) {
  switch (typeof value) {
${set.embedding ? embeddingCases() : acceptedCases(set)}    case 'bigint':
    case 'symbol':
    case 'function':
      return true;
    default:
      return false;
  }
}
`;
}

function embeddingCases() {
  return `    case 'string':
      return mayEmbedRecord(value);
`;
}

/** `isAccepted` for one set, as \`case\`s: the values inline, a number's text decided when generating. */
function acceptedCases({ index, values }) {
  const texts = [...values];
  const strings =
    texts.length <= INLINE_VALUES ? texts.map((text) => `value === ${literal(text)}`) : [`set${index}.has(value)`];
  // A finite number's text is one of these exactly when the number is: JSON
  // writes it as String does, and String(Number(text)) === text.
  const numbers = texts.filter((text) => Number.isFinite(Number(text)) && String(Number(text)) === text);
  const numberTest =
    numbers.length === 0
      ? 'false'
      : numbers.length <= INLINE_VALUES
        ? numbers.map((text) => `value === ${text}`).join(' || ')
        : `Number.isFinite(value) && set${index}.has(String(value))`;
  return `    case 'string':
      return ${[...strings, '!isWellFormed(value)'].join(' || ')};
    case 'number':
      return ${numberTest};
    case 'boolean':
      return value ? ${values.has('true')} : ${values.has('false')};
`;
}

function hasOwn(object, name) {
  return Object.prototype.hasOwnProperty.call(object, name);
}

/**
 * A field path as the ways an object can spell it: at each level, every run
 * of leading segments may be one key (`{"a.b": {"c": …}}`), as in
 * `any_node_at` of src/event.rs; steps of shared suffixes are shared.
 */
function compilePath(suffix, steps) {
  if (steps.has(suffix)) return steps.get(suffix);
  const step = { whole: keyOf(suffix), splits: [] };
  steps.set(suffix, step);
  for (let dot = suffix.indexOf('.'); dot !== -1; dot = suffix.indexOf('.', dot + 1)) {
    step.splits.push({ key: keyOf(suffix.slice(0, dot)), rest: compilePath(suffix.slice(dot + 1), steps) });
  }
  return step;
}

/** A key, and whether reading it must skip what plain objects inherit (`constructor`, `__proto__`…). */
function keyOf(name) {
  return { name, inherited: name in Object.prototype };
}

function ownValue(object, key) {
  if (key.inherited && !Object.prototype.hasOwnProperty.call(object, key.name)) return undefined;
  return object[key.name];
}

/**
 * Whether a value stored at `step` below `node` may pass `test`, or may be
 * something JSON.stringify would write otherwise than it is read here.
 */
function mayHoldAt(node, step, test, argument) {
  if (typeof node !== 'object' || node === null) return opaque(node);
  if (Array.isArray(node)) {
    if (isDoubtfulArray(node)) return true;
    for (let index = 0; index < node.length; index++) {
      if (mayHoldAt(node[index], step, test, argument)) return true;
    }
    return false;
  }
  return !isPlainObject(node) || mayHoldIn(node, step, test, argument);
}

/** `mayHoldAt` for a node already known to be a plain object. */
function mayHoldIn(node, step, test, argument) {
  for (const { key, rest } of step.splits) {
    const child = ownValue(node, key);
    if (child !== undefined && mayHoldAt(child, rest, test, argument)) return true;
  }
  const value = ownValue(node, step.whole);
  return value !== undefined && mayPass(value, test, argument);
}

/** `mayHoldAt` for a field's own value: arrays flattened, `null` and objects no value. */
function mayPass(value, test, argument) {
  if (typeof value !== 'object' || value === null) return opaque(value) || test(value, argument);
  if (Array.isArray(value)) {
    if (isDoubtfulArray(value)) return true;
    for (let index = 0; index < value.length; index++) {
      if (mayPass(value[index], test, argument)) return true;
    }
    return false;
  }
  return !isPlainObject(value);
}

/**
 * An array JSON.stringify might write otherwise than its elements read here:
 * one with a `toJSON`, or another prototype (whose properties could fill its
 * holes or change what its elements read).
 */
function isDoubtfulArray(array) {
  return Object.getPrototypeOf(array) !== Array.prototype || typeof array.toJSON === 'function';
}

/** Values JSON.stringify refuses, or may write through a `toJSON`: only wasm can tell. */
function opaque(value) {
  const type = typeof value;
  return type === 'bigint' || type === 'symbol' || type === 'function';
}

/** A keyword term's test: the value's text, as JSON writes it, is one of `values`. */
function isAccepted(value, values) {
  switch (typeof value) {
    case 'string':
      // wasm refuses text that is not Unicode; let it say so.
      return values.has(value) || !isWellFormed(value);
    case 'number':
      // JSON writes a finite number as String does, and the others as null.
      return Number.isFinite(value) && values.has(String(value));
    case 'boolean':
      return values.has(value ? 'true' : 'false');
    default:
      return false;
  }
}

/** Text that may hold a raw record (`may_embed_record` in src/ingest): a JSON object after whitespace. */
const OPENS_OBJECT = /^[\s\u0085]*\{/;

function mayEmbedRecord(value) {
  return typeof value === 'string' && (OPENS_OBJECT.test(value) || !isWellFormed(value));
}

/**
 * Whether text is Unicode (no lone surrogate); where strings lack
 * `isWellFormed` (Node 18), any surrogate counts as doubt. Chosen once, as
 * it is called for every string read.
 */
const isWellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (text) => text.isWellFormed()
    : (text) => !/[\uD800-\uDFFF]/.test(text);

/** An object JSON.stringify writes key by key: no array, no class, no other realm, no `toJSON`. */
function isPlainObject(value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof value.toJSON !== 'function';
}

module.exports = { installObjectFastPath, withObjectFastPath, Screen, screenLimits };
