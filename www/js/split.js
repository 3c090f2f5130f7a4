// Splits pasted or dropped text into inputs, each with the line it starts on,
// the way the command line reads a file (src/input.rs): a JSON array (`[`
// first), pretty-printed documents (the first line is an unfinished
// document), or NDJSON, one input per line so that one bad line spoils
// nothing else. Only the boundaries are found here: the engine parses each
// input and says what is wrong with it.

/**
 * `{format, inputs: [{line, text}], problems: [{line, message}]}`, where
 * format is 'empty', 'ndjson', 'array' or 'documents'.
 */
export function splitInput(text) {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const start = firstNonBlank(source);
  if (start === source.length) return { format: 'empty', inputs: [], problems: [] };
  if (source[start] === '[') return { format: 'array', ...scanArray(source, start) };
  const lineEnd = endOfLine(source, start);
  if (scanValue(source.slice(start, lineEnd), 0) === -1) {
    const documents = scanDocuments(source, start);
    if (documents.problems.length === 0 && documents.inputs.every(({ text }) => isJson(text))) {
      return { format: 'documents', ...documents };
    }
  }
  return { format: 'ndjson', inputs: lines(source), problems: [] };
}

function lines(text) {
  const inputs = [];
  let line = 0;
  let from = 0;
  while (from <= text.length) {
    const end = endOfLine(text, from);
    line += 1;
    const content = text.slice(from, end).replace(/\r$/, '');
    if (content.trim() !== '') inputs.push({ line, text: content });
    from = end + 1;
  }
  return inputs;
}

/** The elements of the array that opens at `start`. */
function scanArray(text, start) {
  const inputs = [];
  const lineOf = lineCounter(text);
  let at = start + 1;
  for (;;) {
    at = firstNonBlank(text, at);
    if (text[at] === ']') {
      const rest = firstNonBlank(text, at + 1);
      return { inputs, problems: rest < text.length ? [problem(lineOf(rest), 'unexpected text after the closing `]`')] : [] };
    }
    if (at >= text.length) return { inputs, problems: [problem(lineOf(text.length), 'the array is never closed with `]`')] };
    const end = scanValue(text, at);
    if (end === -1) return { inputs, problems: [problem(lineOf(at), 'an element here is not complete JSON')] };
    inputs.push({ line: lineOf(at), text: text.slice(at, end) });
    at = firstNonBlank(text, end);
    if (text[at] === ',') at += 1;
    else if (text[at] !== ']' && at < text.length) {
      return { inputs, problems: [problem(lineOf(at), 'expected `,` or `]` after an array element')] };
    }
  }
}

/** Documents one after another, each possibly spread over lines. */
function scanDocuments(text, start) {
  const inputs = [];
  const lineOf = lineCounter(text);
  let at = start;
  while (at < text.length) {
    const end = scanValue(text, at);
    if (end === -1) return { inputs, problems: [problem(lineOf(at), 'a document here is not complete JSON')] };
    inputs.push({ line: lineOf(at), text: text.slice(at, end) });
    at = firstNonBlank(text, end);
  }
  return { inputs, problems: [] };
}

/**
 * The end of the JSON value starting at `at` (objects and arrays by bracket
 * depth, strings with their escapes, scalars up to a delimiter), or -1 when
 * the text ends first.
 */
function scanValue(text, at) {
  let depth = 0;
  let index = at;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') {
      index = endOfString(text, index);
      if (index === -1) return -1;
      if (depth === 0) return index;
      continue;
    }
    if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      // At depth 0 a scalar ends where its container closes; a stray bracket is no value.
      if (depth === 0) return index > at ? index : -1;
      depth -= 1;
      if (depth === 0) return index + 1;
    } else if (depth === 0 && /[\s,]/.test(char)) return index > at ? index : -1;
    index += 1;
  }
  return depth === 0 && index > at ? index : -1;
}

/** The index after the string opening at `at`, or -1. */
function endOfString(text, at) {
  for (let index = at + 1; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text[index] === '"') return index + 1;
  }
  return -1;
}

/** A function giving the 1-based line of an index; calls must not go backwards. */
function lineCounter(text) {
  let line = 1;
  let counted = 0;
  return (index) => {
    for (; counted < index && counted < text.length; counted += 1) {
      if (text[counted] === '\n') line += 1;
    }
    return line;
  };
}

function firstNonBlank(text, from = 0) {
  let index = from;
  while (index < text.length && /\s/.test(text[index])) index += 1;
  return index;
}

function endOfLine(text, from) {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}

function isJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function problem(line, message) {
  return { line, message: `malformed JSON: ${message}` };
}
