// Spans from the engine are byte offsets into UTF-8 text; JavaScript strings
// are indexed in UTF-16 code units. These convert between the two.

/** The string index of UTF-8 byte `offset` in `text` (clamped to the text). */
export function indexOfByte(text, offset) {
  let bytes = 0;
  let index = 0;
  for (const char of text) {
    if (bytes >= offset) return index;
    bytes += utf8Length(char.codePointAt(0));
    index += char.length;
  }
  return index;
}

/** `{start, end}` (or `[start, end]`) byte span → `[start, end]` string indices. */
export function spanIndices(text, span) {
  const [start, end] = Array.isArray(span) ? span : [span.start, span.end];
  return [indexOfByte(text, start), indexOfByte(text, end)];
}

function utf8Length(codePoint) {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * `text` cut into segments by marked spans: `[{text, mark}]`, where `mark` is
 * the span's payload or null. Spans are string indices; nested or overlapping
 * spans are resolved in favour of the innermost (the shortest).
 */
export function segments(text, spans) {
  const byLength = [...spans].sort((a, b) => (b.end - b.start) - (a.end - a.start));
  const marks = new Array(text.length).fill(null);
  for (const span of byLength) {
    for (let index = span.start; index < span.end; index += 1) marks[index] = span.mark;
  }
  const out = [];
  for (let index = 0; index < text.length; index += 1) {
    const last = out[out.length - 1];
    if (last && last.mark === marks[index]) last.text += text[index];
    else out.push({ text: text[index], mark: marks[index] });
  }
  return out;
}
