// Building DOM nodes. Everything that comes from logs, rules or queries is put
// on the page as text (text nodes, textContent, attributes), never parsed as
// HTML, so a log line holding markup or a script shows as the characters it is.

/**
 * An element: `el('td', { className: 'x', title: 't', onclick: f }, 'text', child)`.
 * Keys starting with `on` add listeners, `dataset` sets data-*, `className` the
 * class; any other key is an attribute (skipped when null, undefined or false).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Replaces a node's children. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A link that only ever points to an http(s) address (rule files may hold anything). */
export function safeLink(url, text = url) {
  let parsed = null;
  try {
    parsed = new URL(url);
  } catch {
    // Not an absolute URL: shown as text below.
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    return el('span', {}, text);
  }
  return el('a', { href: parsed.href, target: '_blank', rel: 'noopener noreferrer' }, text);
}

const NUMBERS = new Intl.NumberFormat('en-US');

/** `12,345`. One formatter for the page: making one per call is slow. */
export function count(number) {
  return NUMBERS.format(number);
}

/**
 * The pager of `table` (which has a `page` and a `render()`): `summary`, then
 * buttons to the previous and next of `pages` pages when there are several.
 */
export function pager(node, table, { summary, what, pages }) {
  const turn = (to, text) => {
    const onclick = () => {
      table.page = to;
      table.render();
    };
    return el('button', { type: 'button', disabled: to < 0 || to >= pages, 'aria-label': `${text} of ${what}`, onclick }, text);
  };
  replace(node, el('span', {}, summary), pages > 1 && [turn(table.page - 1, 'Previous page'), turn(table.page + 1, 'Next page')]);
}
