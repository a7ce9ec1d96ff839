// Reads the medallion HTTP API (/api/v1/*, shapes in /openapi.json).
//
// A failed request resolves to null instead of throwing: every page treats
// null like an empty table and shows "no data yet", so a stage that has not
// run (no Gold, no model) never blanks the dashboard or raises a JS error.

const TIMEOUT_MS = 4000;
const failures = new Map(); // path -> reason of its last failure

export async function getJson(path) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(path, { signal: controller.signal, headers: { Accept: 'application/json' } });
    if (!response.ok) {
      failures.set(path, `HTTP ${response.status}`);
      return null;
    }
    const body = await response.json();
    failures.delete(path);
    return body;
  } catch (err) {
    failures.set(path, err && err.name === 'AbortError' ? 'timed out' : 'unreachable');
    return null;
  } finally {
    clearTimeout(timer);
  }
}

// Forget earlier failures: called before each refresh so the banner speaks
// about the page on screen only.
export function clearFailures() {
  failures.clear();
}

// Requests that failed on their last try, for the banner under the nav bar.
export function failedRequests() {
  return [...failures.entries()].map(([path, reason]) => ({ path, reason }));
}
