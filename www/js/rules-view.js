// Rule cards: what Elastic Security shows of a rule before it runs — severity,
// risk score, schedule, MITRE ATT&CK mapping, references, tags, version.

import { el, safeLink } from './dom.js';

/**
 * A card for one rule. `source` names where it came from; `onRemove`, when
 * given, adds a button removing that source.
 */
export function ruleCard(rule, { source, onRemove = null }) {
  return el(
    'article',
    { className: 'rule-card', 'aria-label': `Rule ${rule.name}` },
    el(
      'header',
      {},
      el('h3', {}, rule.name),
      el('p', { className: 'badges' }, severityBadge(rule.severity), badge(`risk score ${rule.risk_score}`), badge(`version ${rule.version}`), badge(`${rule.type} · ${rule.language}`)),
      onRemove && el('button', { type: 'button', className: 'quiet', onclick: onRemove, 'aria-label': `Remove ${source}` }, 'Remove'),
    ),
    rule.description && el('p', { className: 'description' }, rule.description),
    el('pre', { className: 'query' }, el('code', {}, rule.query)),
    el('dl', { className: 'facts' }, ...facts(rule, source)),
  );
}

export function severityBadge(severity) {
  return el('span', { className: `badge severity severity-${cssName(severity)}` }, severity || 'unknown');
}

function badge(text) {
  return el('span', { className: 'badge' }, text);
}

function facts(rule, source) {
  return [
    fact('Schedule', `every ${rule.interval}, searching ${rule.from} to ${rule.to}, at most ${rule.max_signals} alerts per run`),
    fact('Index patterns', rule.index.length ? rule.index.join(', ') : 'every index'),
    rule.threat.length > 0 && fact('MITRE ATT&CK', el('ul', { className: 'plain' }, rule.threat.map(threatItem))),
    rule.references.length > 0 && fact('References', el('ul', { className: 'plain' }, rule.references.map((url) => el('li', {}, safeLink(url))))),
    rule.tags.length > 0 && fact('Tags', el('p', { className: 'tags' }, rule.tags.map((tag) => el('span', { className: 'tag' }, tag)))),
    rule.author.length > 0 && fact('Author', `${rule.author.join(', ')}${rule.license ? ` (${rule.license})` : ''}`),
    fact('Rule id', rule.rule_id),
    fact('From', source),
  ];
}

function fact(term, ...details) {
  return [el('dt', {}, term), el('dd', {}, ...details)];
}

/** A tactic and its techniques (and sub-techniques), each linked to its ATT&CK page. */
function threatItem({ tactic, technique = [] }) {
  return el(
    'li',
    {},
    attackLink(tactic),
    technique.length > 0 &&
      el(
        'ul',
        {},
        technique.map((item) =>
          el('li', {}, attackLink(item), item.subtechnique?.length > 0 && el('ul', {}, item.subtechnique.map((sub) => el('li', {}, attackLink(sub))))),
        ),
      ),
  );
}

function attackLink({ id, name, reference }) {
  return safeLink(reference, `${id} ${name}`);
}

function cssName(text) {
  return String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
