// `kql-detect/web`: the web build with explicit `init()` / `initSync(module)`,
// and `evaluate(object)` and `engine.evaluate(object)` answering the objects
// no rule can match without serialising them (object-path.cjs). `kql-detect`
// in browsers and workerd is this, initialised on import.
import { Engine, evaluate as evaluateInWasm } from '../pkg/web/kql_detect.js';
import objectPath from './object-path.cjs';

objectPath.installObjectFastPath(Engine);

/** Evaluates one event (an object or a JSON string) against the built-in rule. */
export const evaluate = objectPath.withObjectFastPath(evaluateInWasm, Engine);

export * from '../pkg/web/kql_detect.js';
export { default } from '../pkg/web/kql_detect.js';
