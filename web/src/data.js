// Tolerant readers for API bodies. The server is young and its shapes grow;
// these accept the few spellings a field may have and never throw, so a
// renamed or missing field degrades to "no data" on one panel only.

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

// Rows as objects from any of: an array of objects; {<key>: [...]};
// {rows|items|data: [...]}; a columnar {columns: [names], rows: [[...]]}.
export function rows(body, ...keys) {
  if (Array.isArray(body)) return body.filter(isObject);
  if (!isObject(body)) return [];
  for (const key of [...keys, 'rows', 'items', 'data', 'results']) {
    const value = body[key];
    if (Array.isArray(value)) {
      if (Array.isArray(body.columns) && value.every(Array.isArray)) {
        return value.map((r) => Object.fromEntries(body.columns.map((c, i) => [typeof c === 'string' ? c : c.name, r[i]])));
      }
      return value.filter(isObject);
    }
    if (isObject(value) && key !== 'rows' && Array.isArray(value.rows)) return rows(value);
  }
  return [];
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

// Like field(), but also looks inside nested objects (breadth first, a few
// levels): {"freshness": {"p50_s": 1.2}} answers deep(body, 'p50_s').
export function deep(obj, ...keys) {
  let level = [obj];
  for (let depth = 0; depth < 4 && level.length; depth += 1) {
    const next = [];
    for (const node of level) {
      const hit = field(node, ...keys);
      if (hit !== undefined) return hit;
      if (isObject(node)) next.push(...Object.values(node).filter(isObject));
    }
    level = next;
  }
  return undefined;
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
