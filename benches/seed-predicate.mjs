// The seed rule written by hand over a parsed event (dotted or nested keys):
// the baseline `evaluate(object)` is held to, shared by benches/node.mjs and
// benches/match-cost.mjs.

/** Whether the Azure External Guest User Invitation rule matches `event`. */
export function seedRule(event) {
  const get = (object, key) => (object == null ? undefined : object[key]);
  const dataset = get(event.event, 'dataset') ?? event['event.dataset'];
  const audit = get(event.azure, 'auditlogs') ?? event['azure.auditlogs'];
  const outcome = get(event.event, 'outcome') ?? event['event.outcome'];
  if (dataset !== 'azure.auditlogs' || get(audit, 'operation_name') !== 'Invite external user') return false;
  if (outcome !== 'Success' && outcome !== 'success') return false;
  const targets = get(get(audit, 'properties'), 'target_resources') ?? {};
  return Object.values(targets).some((target) => get(target, 'display_name') === 'guest');
}
