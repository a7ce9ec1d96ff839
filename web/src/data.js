// Null-safe readers for API bodies (shapes in /openapi.json). They never
// throw: a missing endpoint, table or field degrades to "no data" on the one
// panel that needs it.

export function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// The first present (not undefined/null) value among `keys` of `obj`.
export function field(obj, ...keys) {
  if (!isObject(obj)) return undefined;
  for (const key of keys) {
    if (obj[key] !== undefined && obj[key] !== null) return obj[key];
  }
  return undefined;
}

// A finite number, or null (the API sends null for "not computable").
export function num(value) {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

// The array of objects at body[key]; anything else (a missing endpoint, a
// field not there yet) reads as no rows.
export function rows(body, key) {
  const value = isObject(body) ? body[key] : undefined;
  return Array.isArray(value) ? value.filter(isObject) : [];
}

// Distinct values in first-seen order.
export function distinct(values) {
  return [...new Set(values.filter((v) => v !== undefined && v !== null))];
}

// Sum of `value(row)` grouped by `key(row)`, as a Map in first-seen order.
export function sumBy(list, key, value) {
  const sums = new Map();
  for (const row of list) {
    const k = key(row);
    const v = num(value(row));
    if (k === undefined || k === null || v === null) continue;
    sums.set(k, (sums.get(k) ?? 0) + v);
  }
  return sums;
}

// "2026-11-23T10:00:00Z" / epoch ms / epoch µs -> epoch ms; null if unreadable.
export function timeMs(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (value > 1e14) return value / 1000; // microseconds
    if (value < 1e11) return value * 1000; // seconds
    return value;
  }
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

// The latest value of `key` among rows (dates/times as ISO strings sort).
export function latest(list, key) {
  let best;
  for (const row of list) {
    const v = row[key];
    if (v !== undefined && v !== null && (best === undefined || v > best)) best = v;
  }
  return best;
}
