// Rule health across a run. For every clause of every rule: in how many
// events it matched, in how many it alone kept the rule silent (changing its
// verdict alone would have made the rule fire), the values it saw there,
// which fields it read and whether any event had them. Built from the
// engine's explanations one event at a time, so only counts are kept.

const BRANCHES = new Set(['and', 'or', 'not']);
const MAX_VALUES = 50; // distinct values remembered per clause
const MAX_EVENTS = 20; // event numbers remembered per clause

export class RuleHealth {
  constructor() {
    this.rules = new Map();
  }

  /** Counts one event's explanation of one rule; `event` is the event's number in the run. */
  add(rule, event) {
    let stats = this.rules.get(rule.rule_id);
    if (!stats) {
      stats = { rule_id: rule.rule_id, name: rule.name, events: 0, matched: 0, excepted: 0, root: skeleton(rule.clause) };
      this.rules.set(rule.rule_id, stats);
    }
    stats.events += 1;
    if (rule.matched) stats.matched += 1;
    else if (rule.clause.matched) stats.excepted += 1;
    tally(stats.root, rule.clause, !rule.clause.matched, event);
  }

  /** Per rule: its counts and its clauses, flattened in query order with their depth and parent's kind and count. */
  report() {
    return [...this.rules.values()].map(({ root, ...counts }) => ({ ...counts, clauses: flatten(root, 0) }));
  }
}

/** Whether flipping child `index` of `clause` flips `clause` itself. */
export function flips(clause, index) {
  const others = clause.children.filter((_, other) => other !== index);
  if (clause.kind === 'and') return others.every((child) => child.matched);
  if (clause.kind === 'or') return others.every((child) => !child.matched);
  return clause.kind === 'not';
}

function skeleton(clause) {
  const branch = BRANCHES.has(clause.kind);
  return {
    kind: clause.kind,
    text: clause.text,
    pattern: clause.pattern ?? null,
    leaf: !branch,
    matched: 0,
    decisive: 0,
    decisiveEvents: [],
    values: new Map(),
    fields: new Map(),
    withoutValue: 0,
    children: branch ? clause.children.map(skeleton) : [],
  };
}

function tally(stats, clause, decisive, event, depth = 0) {
  if (clause.matched) stats.matched += 1;
  if (decisive) {
    stats.decisive += 1;
    if (stats.decisiveEvents.length < MAX_EVENTS) stats.decisiveEvents.push(event);
    // The root's values are every value the rule read: not worth keeping.
    if (depth > 0 || stats.leaf) remember(stats.values, clause);
  }
  if (stats.leaf) {
    tallyFields(stats, clause);
    return;
  }
  clause.children.forEach((child, index) => {
    const childStats = stats.children[index];
    if (childStats) tally(childStats, child, decisive && flips(clause, index), event, depth + 1);
  });
}

/** Which fields a leaf clause read, and whether this event had a value for any. */
function tallyFields(stats, clause) {
  let anyValue = false;
  for (const field of clause.fields ?? []) {
    const seen = stats.fields.get(field.field) ?? { field: field.field, type: field.type, events: 0 };
    if (field.values.length > 0) {
      seen.events += 1;
      anyValue = true;
    }
    stats.fields.set(field.field, seen);
  }
  if (!anyValue) stats.withoutValue += 1;
}

/** Counts the distinct values a clause (and its sub-clauses) saw in one event. */
function remember(values, clause) {
  for (const key of seen(clause, new Set())) {
    if (values.has(key) || values.size < MAX_VALUES) values.set(key, (values.get(key) ?? 0) + 1);
  }
}

function seen(clause, keys) {
  for (const field of clause.fields ?? []) {
    for (const { value } of field.values) keys.add(typeof value === 'string' ? value : JSON.stringify(value));
  }
  for (const child of clause.children ?? []) seen(child, keys);
  return keys;
}

function flatten(stats, depth, parent = null) {
  const { children, values, fields, ...counts } = stats;
  const row = {
    ...counts,
    depth,
    parent,
    values: [...values].sort((a, b) => b[1] - a[1]).slice(0, 5),
    fields: [...fields.values()],
  };
  return [row, ...children.flatMap((child) => flatten(child, depth + 1, { kind: stats.kind, matched: stats.matched }))];
}
