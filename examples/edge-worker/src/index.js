// A Cloudflare Worker that runs kql-detect's rules over the logs POSTed to it
// and answers with the alerts, as JSON. The body may be NDJSON, a JSON array,
// or an Azure `{"records": [...]}` envelope, as Event Hubs and diagnostic
// settings deliver them.
//
// `import { Engine } from 'kql-detect'` resolves, under Wrangler, to the
// package's `workerd` build, which imports its WebAssembly as a module:
// Workers compile it at deploy time, since they may not compile it from bytes
// at run time.
import { Engine } from 'kql-detect';

// One engine per isolate: the rules compile once, and an event POSTed again
// within the rules' look-back does not alert twice. Pass `rules` (rule texts or
// KQL) to run your own.
const engine = new Engine();

export default {
  async fetch(request) {
    if (request.method !== 'POST') {
      return Response.json({ error: 'POST logs: NDJSON, a JSON array, or {"records": [...]}' }, { status: 405 });
    }
    const result = engine.evaluateNdjson(await request.arrayBuffer());
    return Response.json({
      alerts: result.outputs,
      events: result.events,
      invalid: result.invalid.map(({ line, kind, message }) => ({ line, kind, message })),
    });
  },
};
