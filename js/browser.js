// `kql-detect` in browsers and bundlers: the web build, initialised on import
// (top-level await), so the API is as synchronous as in Node once the import
// has resolved. The glue fetches `kql_detect_bg.wasm` beside itself
// (`new URL(…, import.meta.url)`), which bundlers emit as an asset. For control
// over when and from where the module loads, import `kql-detect/web` and call
// `init()` or `initSync(module)` instead.
import init from './web.js';

await init();

export * from './web.js';
