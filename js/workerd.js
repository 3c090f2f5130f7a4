// `kql-detect` on Cloudflare Workers (workerd), which forbids compiling
// WebAssembly from bytes at run time: the module is imported as a compiled
// `WebAssembly.Module` (Wrangler does this for `.wasm` imports) and
// instantiated synchronously.
import wasm from '../pkg/web/kql_detect_bg.wasm';
import { initSync } from './web.js';

initSync({ module: wasm });

export * from './web.js';
