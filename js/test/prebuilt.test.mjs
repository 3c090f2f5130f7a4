// The built-in rule set ships built: scripts/build-wasm evaluates
// `__prepareShared` with wasm-ctor-eval, so `new Engine()` and `evaluate`
// start from memory written at build time. They must answer exactly as an
// engine that compiles the same rule when it is created; `exceptions: []`
// (no exception, so the same rule set) is such an engine, since only options
// that leave rules, mappings and exceptions alone share the prebuilt one.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Engine, evaluate, explain } from 'kql-detect';

const now = '2026-11-27T12:00:00Z';
const inputFiles = [
  'examples/azure-auditlogs.ndjson',
  'examples/rules/guest_invitation_any_name.positive.ndjson',
  'examples/rules/guest_invitation_any_name.negative.ndjson',
  'tests/rule-samples/initial_access_entra_id_external_guest_user_invite.positive.ndjson',
  'tests/rule-samples/initial_access_entra_id_external_guest_user_invite.negative.ndjson',
];
const root = new URL('../../', import.meta.url);
const lines = inputFiles.flatMap((file) =>
  readFileSync(new URL(file, root), 'utf8').split('\n').filter((line) => line.trim() !== ''));

/** Every answer of an engine that depends on its compiled rules, over every example line. */
function answersOf(engine) {
  return {
    rules: engine.rules,
    diagnostics: engine.diagnostics,
    objectScreen: engine.objectScreen(),
    explanations: lines.map((line) => engine.explain(line)),
    // Text takes the prefilter and the lazy reader; objects take the object screen.
    fromText: lines.map((line) => engine.evaluate(line)),
    fromObjects: lines.map((line) => engine.evaluate(JSON.parse(line))),
    batch: engine.evaluateNdjson(lines.join('\n'), { output: 'ndjson' }),
  };
}

test('the example inputs hold alerts, so the comparison below compares some', () => {
  assert.ok(lines.some((line) => new Engine({ now }).evaluate(line).length > 0));
});

test('the prebuilt engine answers as one compiled at run time', () => {
  const prebuilt = answersOf(new Engine({ now }));
  const compiledNow = answersOf(new Engine({ now, exceptions: [] }));
  assert.deepEqual(prebuilt, compiledNow);
});

test('the module functions answer as a run-time compiled engine (alerts aside: their time is the clock)', () => {
  for (const line of lines) {
    // A fresh engine each time: an engine does not alert twice on one event, `evaluate` does.
    const compiledNow = new Engine({ now, exceptions: [] });
    assert.deepEqual(explain(line), compiledNow.explain(line));
    assert.equal(evaluate(line).length, compiledNow.evaluate(line).length);
  }
});
