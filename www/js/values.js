// Reading values out of events and alerts (plain objects, nested as the engine returns them).

/**
 * The value at a dotted path, read as Elasticsearch reads a document: `a.b.c`
 * may be nested objects, dotted keys (`{"a.b": {"c": 1}}`) or any mix.
 */
export function pathValue(object, path) {
  return valueAt(object, path.split('.'));
}

function valueAt(value, parts) {
  if (parts.length === 0) return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  for (let take = parts.length; take > 0; take -= 1) {
    const key = parts.slice(0, take).join('.');
    if (Object.hasOwn(value, key)) {
      const found = valueAt(value[key], parts.slice(take));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A value as compact one-line text: strings as they are, anything else as JSON. */
export function valueText(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
