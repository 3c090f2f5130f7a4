// The ad-hoc query box. The query is checked as it is typed, and a syntax
// error shows twice: the engine's caret message under the box, and the faulty
// part highlighted in place, in a layer drawn under the transparent text area
// with the same text, font and wrapping.

import { el, replace } from './dom.js';
import { spanIndices } from './text.js';

/**
 * Wires `textarea` (over `backdrop`) and `errorBox`. `check(text)` returns the
 * error or null; `onChange(text)` is called after each check.
 */
export function kqlEditor({ textarea, backdrop, errorBox, check, onChange }) {
  const update = () => {
    const text = textarea.value;
    const error = check(text);
    showError(textarea, backdrop, errorBox, text, error);
    onChange(text);
  };
  textarea.addEventListener('input', update);
  textarea.addEventListener('scroll', () => {
    backdrop.scrollTop = textarea.scrollTop;
    backdrop.scrollLeft = textarea.scrollLeft;
  });
  return {
    set(text) {
      textarea.value = text;
      showError(textarea, backdrop, errorBox, text, check(text));
    },
  };
}

function showError(textarea, backdrop, errorBox, text, error) {
  textarea.setAttribute('aria-invalid', error ? 'true' : 'false');
  errorBox.hidden = !error;
  errorBox.textContent = error ? error.rendered || error.message : '';
  // The trailing newline keeps the layer as tall as the text area when the text ends with one.
  replace(backdrop, ...(error?.span ? highlighted(text, error.span) : [text]), '\n');
}

/** The text with the span marked; an empty span (something missing) marks the point. */
function highlighted(text, span) {
  const [start, end] = spanIndices(text, span);
  const mark = el('mark', { className: start === end ? 'point' : null }, text.slice(start, end));
  return [text.slice(0, start), mark, text.slice(end)];
}
