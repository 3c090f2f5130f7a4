// The npm package through ES module `import`.
import test from 'node:test';
import assert from 'node:assert/strict';

import { evaluate, Engine } from 'kql-detect';
import * as kqlDetect from 'kql-detect';

test('named imports work from ESM', () => {
  assert.equal(typeof evaluate, 'function');
  assert.equal(typeof Engine, 'function');
  assert.equal(typeof kqlDetect.evaluate, 'function');
});

test('evaluate and Engine behave as from CommonJS', () => {
  const event = {
    'event.dataset': 'azure.auditlogs',
    'event.outcome': 'success',
    'azure.auditlogs.operation_name': 'Invite external user',
    'azure.auditlogs.properties.target_resources.0.display_name': 'guest',
  };
  const [alert] = evaluate(event);
  assert.equal(alert.kibana.alert.rule.name, 'Azure External Guest User Invitation');
  // Dotted keys of the source event come out as nested objects.
  assert.equal(alert.azure.auditlogs.properties.target_resources['0'].display_name, 'guest');
  const engine = new Engine({ rules: ['not event.outcome:success'] });
  assert.equal(engine.evaluate(event).length, 0);
  assert.equal(engine.evaluate({}).length, 1);
});
