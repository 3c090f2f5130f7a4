// The npm package through CommonJS `require`, as a Node log shipper loads it.
const test = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const { evaluate, Engine } = require('kql-detect');

const samples = readFileSync(path.join(__dirname, '../../examples/azure-auditlogs.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');

const invite = (displayName, outcome = 'success') => ({
  '@timestamp': '2026-11-27T09:12:45.123Z',
  event: { dataset: 'azure.auditlogs', outcome },
  azure: {
    auditlogs: {
      operation_name: 'Invite external user',
      properties: { target_resources: { 0: { display_name: displayName } } },
    },
  },
});

test('the built-in rule alerts on an invitation displayed as "guest"', () => {
  const alerts = evaluate(invite('guest'));
  assert.equal(alerts.length, 1);
  const [alert] = alerts;
  assert.equal(alert.event.kind, 'signal');
  assert.equal(alert.kibana.alert.rule.name, 'Azure External Guest User Invitation');
  assert.equal(alert.kibana.alert.rule.rule_id, '141e9b3a-ff37-4756-989d-05d7cbf35b0e');
  assert.equal(alert.kibana.alert.rule.version, 7);
  assert.equal(alert.kibana.alert.severity, 'low');
  assert.equal(alert.kibana.alert.risk_score, 21);
  assert.equal(alert.kibana.alert.original_time, '2026-11-27T09:12:45.123Z');
  assert.deepEqual(
    alert.kibana.alert.rule.threat.map((threat) => [threat.tactic.id, threat.technique.map((t) => t.id)]),
    [['TA0001', ['T1078']], ['TA0003', ['T1078']]],
  );
  assert.deepEqual(alert.kibana.alert.rule.tags, ['Elastic', 'Cloud', 'Azure', 'Continuous Monitoring', 'SecOps', 'Identity and Access']);
  assert.equal(alert.azure.auditlogs.operation_name, 'Invite external user');
  assert.ok(Date.parse(alert['@timestamp']) > Date.parse('2026-01-01'), 'the alert is stamped with the clock');
});

test('keyword matching is exact and case-sensitive', () => {
  assert.equal(evaluate(invite('Guest')).length, 0);
  assert.equal(evaluate(invite('guest', 'Success')).length, 1);
  assert.equal(evaluate(invite('guest', 'SUCCESS')).length, 0);
});

test('JSON text is accepted as well as objects', () => {
  assert.equal(evaluate(JSON.stringify(invite('guest'))).length, 1);
});

test('the bundled sample yields exactly its four positives (one a raw Azure record)', () => {
  const fired = samples.flatMap((line) => evaluate(line)).map((alert) => alert.kibana.alert.original_time);
  assert.deepEqual(fired, ['2026-11-26T09:02:11.418Z', '2026-11-26T10:40:18.250Z', '2026-11-26T10:52:09.661Z', '2026-11-26T11:05:47.332Z']);
});

test('an Engine without options is the Engine of the default options', () => {
  // `new Engine()` takes the defaults without reading options: it must not
  // differ from an engine given every option at its default.
  const defaults = { rules: null, fieldTypes: null, extraFieldTypes: null, now: null, mode: 'alerts', index: null,
    spaceId: 'default', input: 'auto', exceptions: [], valueLists: {}, keepOriginal: false };
  const behaviour = (engine) => ({
    rules: engine.rules,
    diagnostics: engine.diagnostics,
    query: engine.toElasticsearchQuery({ now: '2026-11-27T10:00:00Z' }),
    alerts: samples.flatMap((line) => engine.evaluate(line)).map((alert) => [alert.kibana.alert.uuid, alert.kibana.alert.original_time]),
    explanations: samples.map((line) => engine.explain(line)),
  });
  const expected = behaviour(new Engine());
  assert.equal(expected.alerts.length, 4);
  for (const options of [undefined, null, {}, defaults]) {
    assert.deepEqual(behaviour(new Engine(options)), expected, JSON.stringify(options));
  }
});

test('an Engine runs ad-hoc KQL with a field mapping', () => {
  const engine = new Engine({ rules: ['event.action:"Add user"', 'user.name:alice*'], fieldTypes: { 'event.action': 'keyword', 'user.name': 'keyword' } });
  const names = samples.flatMap((line) => engine.evaluate(line)).map((alert) => alert.kibana.alert.rule.name);
  assert.equal(names.filter((name) => name === 'event.action:"Add user"').length, 1);
  // Eight ECS documents and line 9's raw record, whose initiator becomes user.name once normalised.
  assert.equal(names.filter((name) => name === 'user.name:alice*').length, 9);
});

test('syntax errors are Error objects with type, message, span, line, column and rendered', () => {
  assert.throws(() => new Engine({ rules: ['a:cannot be'] }), (error) => {
    assert.ok(error instanceof Error);
    assert.equal(error.type, 'kql_syntax');
    assert.equal(error.kind, 'misplaced_not');
    assert.equal(error.message, '`not` followed by a space is an operator even inside a word: quote the value');
    assert.deepEqual(error.span, [5, 8]);
    assert.equal(error.line, 1);
    assert.equal(error.column, 6);
    assert.equal(error.rendered, [
      'error: `not` followed by a space is an operator even inside a word: quote the value',
      ' --> query 1, line 1, column 6',
      '  |',
      '1 | a:cannot be',
      '  |      ^^^',
    ].join('\n'));
    return true;
  });
});

test('bad events and options throw typed errors instead of crashing', () => {
  assert.throws(() => evaluate('{"a":'), { type: 'event_invalid', kind: 'malformed_json' });
  assert.throws(() => evaluate('[]'), { type: 'event_invalid', kind: 'not_an_object' });
  assert.throws(() => evaluate(undefined), { type: 'event_invalid' });
  // An object some rule may match is serialised, and what JSON.stringify refuses throws; one no rule can
  // match is answered from the fields the rules require (js/object-path.cjs), and the rest is not read.
  const cyclic = invite('guest');
  cyclic.self = cyclic;
  assert.throws(() => evaluate(cyclic), { type: 'event_invalid', kind: 'not_serializable' });
  assert.throws(() => evaluate({ ...invite('guest'), big: 1n }), { type: 'event_invalid' });
  assert.deepEqual(evaluate({ big: 1n }), []);
  assert.throws(() => new Engine({ rulez: [] }), { type: 'options_invalid' });
  assert.throws(() => new Engine({ fieldTypes: { a: 'keywrd' } }), { type: 'field_types_invalid', kind: 'unknown_type' });
  assert.throws(() => new Engine({ rules: ['n:abc'], fieldTypes: { n: 'long' } }), { type: 'kql_query', kind: 'invalid_value' });
  // After all of that, the instance still works.
  assert.equal(evaluate(invite('guest')).length, 1);
});

test('explain tells which clause failed, on which field and value', () => {
  const { explain } = require('kql-detect');
  const explanation = explain(invite('Zeus Theboss'));
  assert.equal(explanation.matched, false);
  const [rule] = explanation.rules;
  assert.equal(rule.name, 'Azure External Guest User Invitation');
  const failed = rule.clause.children.filter((clause) => !clause.matched);
  assert.deepEqual(failed.map((clause) => clause.text), ['azure.auditlogs.properties.target_resources.*.display_name:guest']);
  assert.deepEqual(failed[0].fields, [{
    field: 'azure.auditlogs.properties.target_resources.0.display_name',
    type: 'keyword',
    test: 'term "guest"',
    matched: false,
    values: [{ value: 'Zeus Theboss', matched: false }],
  }]);
});

test('extraFieldTypes extends the built-in mapping, fieldTypes replaces it', () => {
  const event = { 'custom.port': '8080', 'event.outcome': 'success' };
  const extended = new Engine({ rules: ['custom.port >= 1024 and event.outcome:success'], extraFieldTypes: { 'custom.port': 'long' } });
  assert.equal(extended.evaluate(event).length, 1);
  const replaced = new Engine({ rules: ['custom.port >= 1024 and event.outcome:success'], fieldTypes: { 'custom.port': 'long' } });
  assert.equal(replaced.evaluate(event).length, 0, 'event.outcome is unmapped in a complete mapping that lacks it');
  const mapping = { 'logs-x': { mappings: { properties: { custom: { properties: { port: { type: 'long' } } }, event: { properties: { outcome: { type: 'keyword' } } } } } } };
  assert.equal(new Engine({ rules: ['custom.port >= 1024 and event.outcome:success'], fieldTypes: mapping }).evaluate(event).length, 1);
});

test('rules load from detection-rules TOML, API objects and KQL; unsupported ones are listed', () => {
  const toml = [
    '[metadata]', 'creation_date = "2026/11/01"', 'updated_date = "2026/11/20"', '',
    '[rule]', 'author = ["kql-detect"]', 'description = "Adds of users."', 'name = "User added"',
    'risk_score = 47', 'rule_id = "r-toml"', 'severity = "medium"', 'type = "query"',
    'index = ["logs-azure.auditlogs-*"]', "query = '''", 'event.action:"Add user"', "'''",
  ].join('\n');
  const object = { rule_id: 'r-object', name: 'Failures', description: 'd', type: 'query', query: 'event.outcome:failure', severity: 'high', risk_score: 73 };
  const eql = { rule_id: 'r-eql', name: 'An EQL rule', description: 'd', type: 'eql', language: 'eql', query: 'any where true', severity: 'low', risk_score: 21 };
  const engine = new Engine({ rules: [toml, object, eql, 'user.name:alice*'] });
  assert.deepEqual(engine.diagnostics.map((error) => [error.type, error.message]), [
    ['rule_unsupported', 'rule "An EQL rule" (r-eql): eql rules are not supported: kql-detect runs KQL query rules'],
  ]);
  const names = samples.flatMap((line) => engine.evaluate(line)).map((alert) => alert.kibana.alert.rule.name);
  assert.equal(names.filter((name) => name === 'User added').length, 1);
  assert.equal(names.filter((name) => name === 'Failures').length, 1);
  assert.equal(names.filter((name) => name === 'user.name:alice*').length, 9);
  assert.throws(() => new Engine({ rules: [{ ...object, severity: 'urgent' }] }), { type: 'rule_invalid', kind: 'invalid_rule' });
});

test('filter and tag modes pass events through', () => {
  const filter = new Engine({ rules: ['event.outcome:failure'], mode: 'filter' });
  const passed = samples.flatMap((line) => filter.evaluate(line));
  assert.equal(passed.length, 1);
  assert.equal(passed[0].event.outcome, 'failure');
  assert.equal(passed[0].kibana, undefined, 'filtered events are not alerts');
  const tag = new Engine({ rules: ['event.outcome:failure'], mode: 'tag' });
  const tagged = samples.flatMap((line) => tag.evaluate(line));
  assert.equal(tagged.length, samples.length, 'tag mode passes every event');
  assert.deepEqual(tagged.filter((event) => event.rule).map((event) => event.rule.id), ['ad-hoc-1']);
  assert.throws(() => new Engine({ mode: 'loud' }), { type: 'options_invalid' });
});

test('alerts carry a deterministic id, the fixed time and the space', () => {
  const options = { now: '2026-11-27T10:00:00Z', spaceId: 'secops' };
  const [first] = new Engine(options).evaluate(invite('guest'));
  const [again] = new Engine(options).evaluate(JSON.stringify(invite('guest')));
  assert.match(first.kibana.alert.uuid, /^[0-9a-f]{64}$/);
  assert.equal(again.kibana.alert.uuid, first.kibana.alert.uuid, 'the same event, rule and space give the same alert id');
  assert.equal(first['@timestamp'], '2026-11-27T10:00:00.000Z');
  assert.deepEqual(first.kibana.space_ids, ['secops']);
  const [otherSpace] = new Engine({ now: options.now }).evaluate(invite('guest'));
  assert.notEqual(otherSpace.kibana.alert.uuid, first.kibana.alert.uuid);
  assert.equal(first.kibana.alert.reason, 'event created low alert Azure External Guest User Invitation.');
});

test('integers beyond 2^53 reach JavaScript with every digit', () => {
  const text = JSON.stringify(invite('guest')).replace('{"dataset"', '{"sequence":12345678901234567891,"dataset"');
  const [alert] = evaluate(text);
  assert.equal(alert.event.sequence, '12345678901234567891');
  assert.equal(alert.kibana.alert.original_event.sequence, '12345678901234567891');
});

test('an Engine does not alert twice when a shipper re-sends a batch', () => {
  const engine = new Engine({ now: '2026-11-27T10:00:00Z' });
  const batch = samples.slice(0, 6);
  const first = batch.flatMap((line) => engine.evaluate(line));
  const retried = batch.flatMap((line) => engine.evaluate(line));
  assert.ok(first.length > 0);
  assert.equal(retried.length, 0, 'the same events, the same alert ids: nothing new');
  // The stateless evaluate() keeps no memory.
  assert.equal(batch.flatMap((line) => evaluate(line)).length, first.length);
});

test('engine.run replays Kibana\'s scheduled executions: max alerts, warning, no duplicates', () => {
  const engine = new Engine({ rules: ['event.action:"Add user"'] });
  const events = Array.from({ length: 150 }, (_, n) => ({
    '@timestamp': new Date(Date.parse('2026-11-26T09:00:00Z') + n * 400).toISOString(),
    event: { action: 'Add user', sequence: n },
  }));
  const result = engine.run(events, { start: '2026-11-26T09:01:00Z', now: new Date('2026-11-26T09:06:00Z') });
  assert.equal(result.alerts.length, 150);
  assert.deepEqual(result.executions.map((run) => [run.time, run.created, run.deduplicated, run.truncated, run.warnings.length]), [
    ['2026-11-26T09:01:00.000Z', 100, 0, 50, 1],
    ['2026-11-26T09:06:00.000Z', 50, 100, 0, 0],
  ]);
  assert.equal(result.executions[0].warnings[0], 'This rule reached the maximum alert limit for the rule execution. Some alerts were not created.');
  assert.equal(result.alerts[0]['@timestamp'], '2026-11-26T09:01:00.000Z');
  assert.throws(() => engine.run(['{"a":'], {}), (error) => error.type === 'event_invalid' && /events\[0\]/.test(error.rendered));
  assert.throws(() => engine.run([], { start: 'yesterday' }), (error) => error.type === 'options_invalid');
});

test('raw Azure records are normalised as Elastic\'s Azure integration would', () => {
  const { normalize } = require('kql-detect');
  const raw = JSON.parse(samples[8]);
  const [document] = normalize(raw);
  assert.equal(document.azure.auditlogs.properties.target_resources['0'].display_name, 'guest');
  assert.equal(document.event.outcome, 'success');
  assert.equal(document['@timestamp'], '2026-11-26T10:52:09.661Z');
  assert.equal(document.event.original, undefined, 'event.original only with keepOriginal');
  assert.equal(normalize(samples[8], { keepOriginal: true })[0].event.original, samples[8]);

  // An Event Hub / storage export envelope holds many records.
  const envelope = { records: [raw, { ...raw, properties: { ...raw.properties, targetResources: [{ displayName: 'Bob' }] } }] };
  assert.equal(normalize(envelope).length, 2);
  assert.equal(evaluate(envelope).length, 1, 'only the "guest" invitation alerts');

  // Forced to read ECS, the raw record is taken as it is and cannot match.
  assert.equal(new Engine({ input: 'ecs' }).evaluate(raw).length, 0);
  assert.throws(() => normalize({ hello: 'world' }, { input: 'azure' }), (error) => error.type === 'event_invalid' && error.kind === 'not_azure');
  assert.throws(() => new Engine({ input: 'xml' }), (error) => error.type === 'options_invalid');
});

test('in filter mode a matching raw record passes on as Azure sent it', () => {
  const raw = JSON.parse(samples[8]);
  const passed = new Engine({ mode: 'filter' }).evaluate({ records: [raw] });
  assert.deepEqual(passed, [raw]);
});

test('exceptions given as an option suppress alerts, and explain names the item', () => {
  const item = { item_id: 'bob-invites', list_id: 'ops', namespace_type: 'single', type: 'simple', name: 'Bob invites vendors',
    entries: [{ field: 'user.name', operator: 'included', type: 'match_any', value: ['bob.ops@contoso.onmicrosoft.com'] }] };
  const engine = new Engine({ exceptions: [item], now: '2026-11-27T10:00:00Z' });
  const users = samples.flatMap((line) => engine.evaluate(line)).map((alert) => alert.user && alert.user.name);
  assert.ok(!users.includes('bob.ops@contoso.onmicrosoft.com'));
  assert.equal(users.length, 3);
  const bob = samples.find((line) => line.includes('bob.ops') && line.includes('Invite external user'));
  const explanation = engine.explain(bob);
  assert.equal(explanation.matched, false);
  assert.equal(explanation.rules[0].exceptions.excepted_by.item_id, 'bob-invites');
  assert.throws(() => new Engine({ exceptions: ['{"item_id":'] }), (error) => error.type === 'exception_invalid');
});

test('engine.toElasticsearchQuery excludes the exception items in must_not, as Kibana writes them', () => {
  const item = (itemId, entries, extra = {}) => ({ item_id: itemId, list_id: 'ops', namespace_type: 'single', type: 'simple', name: itemId, entries, ...extra });
  const engine = new Engine({
    exceptions: [
      item('bob-invites', [{ field: 'user.name', operator: 'excluded', type: 'match_any', value: ['bob.ops@contoso.onmicrosoft.com', 'eve'] }]),
      item('scanners', [{ field: 'source.ip', operator: 'included', type: 'list', list: { id: 'scanners', type: 'ip' } }]),
      item('expired', [{ field: 'user.name', operator: 'included', type: 'exists' }], { expire_time: '2026-11-01T00:00:00Z' }),
    ],
    valueLists: { scanners: ['192.0.2.0/24'] },
    now: '2026-11-27T10:00:00Z',
  });
  const [search] = engine.toElasticsearchQuery();
  const phrase = (value) => ({ bool: { minimum_should_match: 1, should: [{ match_phrase: { 'user.name': value } }] } });
  const expected = [{ bool: { should: [
    { bool: { must_not: { bool: { minimum_should_match: 1, should: [phrase('bob.ops@contoso.onmicrosoft.com'), phrase('eve')] } } } },
    { bool: { filter: { terms: { 'source.ip': ['192.0.2.0/24'] } } } },
  ] } }];
  assert.equal(JSON.stringify(search.request.query.bool.filter[0].bool.must_not), JSON.stringify(expected));
  // Before the item expired, it is there too.
  const [earlier] = engine.toElasticsearchQuery({ now: '2026-10-01T00:00:00Z' });
  assert.equal(earlier.request.query.bool.filter[0].bool.must_not[0].bool.should.length, 3);
});

test("the object screen's module is loaded with the first object evaluated, by the engine or the package's evaluate", () => {
  const { execFileSync } = require('node:child_process');
  const loadedAfter = (calls) => {
    const script = `
      const { Engine, evaluate } = require('kql-detect');
      const engine = new Engine();
      ${calls};
      console.log(Object.keys(require.cache).some((file) => file.endsWith('object-path.cjs')));`;
    return execFileSync(process.execPath, ['-e', script], { cwd: __dirname }).toString().trim() === 'true';
  };
  const text = JSON.stringify(invite('someone'));
  assert.equal(loadedAfter(''), false, 'loading the package');
  assert.equal(loadedAfter(`engine.evaluate(${JSON.stringify(text)}); evaluate(${JSON.stringify(text)})`), false, 'JSON text');
  // Refused, by wasm.
  const refused = 'try { engine.evaluate(null); } catch {} try { evaluate(5); } catch {}';
  assert.equal(loadedAfter(refused), false, 'values that are not objects');
  assert.equal(loadedAfter('engine.evaluate({})'), true, "an object, by the engine's method");
  assert.equal(loadedAfter('evaluate({})'), true, "an object, by the package's evaluate");
});

test("a host's wrapper around engine.evaluate stays in place when the first object loads the object screen", () => {
  const { execFileSync } = require('node:child_process');
  const script = `
    const { Engine } = require('kql-detect');
    const wrapped = Engine.prototype.evaluate;
    let calls = 0;
    Engine.prototype.evaluate = function traced(event) { calls += 1; return wrapped.call(this, event); };
    const engine = new Engine();
    const alerts = [engine.evaluate({ a: 1 }), engine.evaluate(${JSON.stringify(invite('guest'))}), engine.evaluate('{"a":3}')].map((answer) => answer.length);
    console.log(JSON.stringify({ calls, alerts, method: Engine.prototype.evaluate.name }));`;
  const seen = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: __dirname }).toString());
  assert.deepEqual(seen, { calls: 3, alerts: [0, 1, 0], method: 'traced' });
});
