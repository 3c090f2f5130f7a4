'use strict';
// `kql-detect` in Node: the wasm-bindgen bindings (CommonJS, loaded
// synchronously), with `evaluate(object)` and `engine.evaluate(object)`
// answering the objects no rule can match without serialising them
// (object-path.cjs). The re-export keeps the form Node's ES module loader
// reads named exports from.
module.exports = require('../pkg/node/kql_detect.js');

const { installObjectFastPath, withObjectFastPath } = require('./object-path.cjs');

// Node lets the screen generate its reading as code (a browser may forbid it).
installObjectFastPath(module.exports.Engine, { generateCode: true });
module.exports.evaluate = withObjectFastPath(module.exports.evaluate, module.exports.Engine);
