// The page's side of the engine worker: requests become promises, and a run
// reports its progress to a callback until it settles.

export class EngineWorker {
  constructor() {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.pending = new Map();
    this.nextId = 1;
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => this.failAll(event.message || 'the engine worker failed to start');
  }

  /** Starts a run; `{id, done}` where `done` resolves to the summary, or `{cancelled: true}`. */
  run(rules, text, onProgress) {
    return this.send('run', { rules, text }, onProgress);
  }

  cancel(runId) {
    this.worker.postMessage({ type: 'cancel', run: runId });
  }

  /** A follow-up question about finished run `runId` (alert, ndjson, explain, events). */
  ask(type, runId, payload = {}) {
    return this.send(type, { run: runId, ...payload }).done;
  }

  send(type, payload, onProgress = null) {
    const id = this.nextId++;
    const done = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress }));
    this.worker.postMessage({ id, type, ...payload });
    return { id, done };
  }

  receive({ id, kind, value }) {
    const request = this.pending.get(id);
    if (!request) return;
    if (kind === 'progress') {
      request.onProgress?.(value);
      return;
    }
    this.pending.delete(id);
    if (kind === 'result') request.resolve(value);
    else request.reject(Object.assign(new Error(value.message), value));
  }

  failAll(message) {
    for (const request of this.pending.values()) request.reject(new Error(message));
    this.pending.clear();
  }
}
