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
// array, and an event that is an array is an error in wasm. Parts of the
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
// step of a path (`generateScreen`), so that each key is looked up where V8
// remembers the shapes of the objects seen there; the same reading
// interpreted serves the web build (where a Content Security Policy may
// forbid generating code) and any platform that refuses it.

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
    if (screenRejects(this, event)) return [];
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
    if (screenRejects((builtin ??= new Engine()), event)) return [];
    return evaluateInWasm(event);
  };
}

/**
 * Whether the engine's screen answers `[]` for `event`. What the caller's
 * code throws while it is read (a getter, a Proxy trap) is no answer: the
 * object goes to wasm, whose `JSON.stringify` meets the same code and turns
 * what it throws into a structured error.
 */
function screenRejects(engine, event) {
  try {
    return isPlainObject(event) && screenOf(engine)?.rejects(event) === true;
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

  /** True only when the engine certainly emits nothing for `event`. */
  rejects(event) {
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
      if (!mayHoldAt(event, step, isAccepted, values)) return false;
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
      if (mayHoldAt(event, fields[index], mayEmbedRecord, null)) return true;
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
 * `screen.rejects` as generated JavaScript: one function per step (each
 * `mayHoldAt` for its own step) and one that reads the rules' terms and the
 * marks in the order `rejects` does; `null` where the platform forbids
 * generating code. Why: `mayHoldAt` looks up keys that vary from step to step
 * at the same places, which V8 serves through its generic lookup (about
 * 10 ns a key, most of them absent); a function per step looks each key up
 * at a place of its own, which remembers the object shapes seen there (about
 * 1 ns). The generated text holds no text of the rules but keys and key
 * prefixes, written as JSON string literals (which are JavaScript string
 * literals); the accepted values are handed over as data. The tests compare
 * both readings on every object they evaluate.
 */
function generateScreen(screen, steps) {
  steps.forEach((step, index) => {
    step.index = index;
  });
  const literal = (text) => JSON.stringify(text);
  const load = (key) =>
    key.inherited
      ? `(hasOwn(node, ${literal(key.name)}) ? node[${literal(key.name)}] : undefined)`
      : `node[${literal(key.name)}]`;
  const readers = steps.map(
    (step) => `function read${step.index}(node, test, argument) {
  if (typeof node !== 'object' || node === null) return opaque(node);
  if (Array.isArray(node)) {
    if (typeof node.toJSON === 'function') return true;
    for (let index = 0; index < node.length; index++) {
      if (read${step.index}(node[index], test, argument)) return true;
    }
    return false;
  }
  const prototype = getPrototypeOf(node);
  if ((prototype !== objectPrototype && prototype !== null) || typeof node.toJSON === 'function') return true;
  let value;
${step.splits.map(({ key, rest }) => `  value = ${load(key)};
  if (value !== undefined && read${rest.index}(value, test, argument)) return true;
`).join('')}  value = ${load(step.whole)};
  return value !== undefined && mayPass(value, test, argument);
}
`,
  );
  const values = [];
  const rules = screen.rules.map((terms) => {
    const reads = terms.map(({ step, values: accepted }) => {
      values.push(accepted);
      return `read${step.index}(node, isAccepted, values[${values.length - 1}])`;
    });
    return `  if (${reads.join(' && ') || 'true'}) return false;\n`;
  });
  const diverting = screen.divertingKeys.map((key) => `  if (${load(key)} !== undefined) return false;\n`);
  const prefixes = screen.divertingKeyPrefixes.map((prefix) => `key.startsWith(${literal(prefix)})`);
  const byPrefix =
    prefixes.length === 0 ? '' : `  for (const key in node) {\n    if (${prefixes.join(' || ')}) return false;\n  }\n`;
  const embedding = screen.embeddingFields.map(
    (step) => `  if (read${step.index}(node, mayEmbedRecord, null)) return false;\n`,
  );
  const body = `'use strict';
${readers.join('')}return function rejects(node) {
${rules.join('')}${diverting.join('')}${byPrefix}${embedding.join('')}  return true;
};
`;
  try {
    const helpers = {
      opaque,
      getPrototypeOf: Object.getPrototypeOf,
      objectPrototype: Object.prototype,
      mayPass,
      hasOwn,
      isAccepted,
      mayEmbedRecord,
      values,
    };
    return new Function(...Object.keys(helpers), body)(...Object.values(helpers));
  } catch {
    return null;
  }
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
    if (typeof node.toJSON === 'function') return true;
    for (let index = 0; index < node.length; index++) {
      if (mayHoldAt(node[index], step, test, argument)) return true;
    }
    return false;
  }
  if (!isPlainObject(node)) return true;
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
    if (typeof value.toJSON === 'function') return true;
    for (let index = 0; index < value.length; index++) {
      if (mayPass(value[index], test, argument)) return true;
    }
    return false;
  }
  return !isPlainObject(value);
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

/** Whether text is Unicode (no lone surrogate); without `isWellFormed`, any surrogate counts as doubt. */
function isWellFormed(text) {
  return typeof text.isWellFormed === 'function' ? text.isWellFormed() : !/[\uD800-\uDFFF]/.test(text);
}

/** An object JSON.stringify writes key by key: no array, no class, no other realm, no `toJSON`. */
function isPlainObject(value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof value.toJSON !== 'function';
}

module.exports = { installObjectFastPath, withObjectFastPath, Screen };
