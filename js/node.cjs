'use strict';
// `kql-detect` in Node: the wasm-bindgen bindings (CommonJS, loaded
// synchronously), with `evaluate(object)` and `engine.evaluate(object)`
// answering the objects no rule can match without serialising them
// (object-path.cjs). The re-export keeps the form Node's ES module loader
// reads named exports from.
module.exports = require('../pkg/node/kql_detect.js');

const { Engine, evaluate: evaluateInWasm } = module.exports;
const engineEvaluateInWasm = Engine.prototype.evaluate;

// object-path.cjs is loaded with the first event that is an object: loading
// it is about 0.6 ms of a cold start, and a host that sends JSON text never
// needs it. Until then the two methods below stand in for the ones it
// installs, handing everything but objects to wasm as those would (only a
// plain object can be screened out).
let evaluateObject = null;
let engineEvaluateObject = null;
const isObject = (event) => typeof event === 'object' && event !== null;

function standInEvaluate(event) {
  if (!isObject(event)) return engineEvaluateInWasm.call(this, event);
  evaluateObject ??= loadObjectPath();
  return engineEvaluateObject.call(this, event);
}

function loadObjectPath() {
  const { installObjectFastPath, withObjectFastPath } = require('./object-path.cjs');
  const current = Engine.prototype.evaluate;
  // The fast path wraps the wasm method, not the stand-in.
  Engine.prototype.evaluate = engineEvaluateInWasm;
  // Node lets the screen generate its reading as code (a browser may forbid it).
  installObjectFastPath(Engine, { generateCode: true });
  engineEvaluateObject = Engine.prototype.evaluate;
  // A wrapper the host put around the stand-in (a tracer, say) stays; the
  // stand-in it calls forwards to the fast path from now on.
  if (current !== standInEvaluate) Engine.prototype.evaluate = current;
  return withObjectFastPath(evaluateInWasm, Engine);
}

Object.defineProperty(Engine.prototype, 'evaluate', {
  value: standInEvaluate,
  writable: true,
  configurable: true,
});

module.exports.evaluate = function evaluate(event) {
  if (!isObject(event)) return evaluateInWasm(event);
  evaluateObject ??= loadObjectPath();
  return evaluateObject(event);
};
