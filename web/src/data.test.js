// Unit tests for the null-safe readers (node --test; `npm test` in web/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distinct, field, latest, num, rows, sumBy, timeMs } from './data.js';

test('rows: the array of objects under a key, [] for anything else', () => {
  assert.deepEqual(rows({ tables: [{ a: 1 }, null, 3, { b: 2 }] }, 'tables'), [{ a: 1 }, { b: 2 }]);
  assert.deepEqual(rows(null, 'tables'), []);
  assert.deepEqual(rows({ tables: { a: 1 } }, 'tables'), []);
  assert.deepEqual(rows([{ a: 1 }], 'tables'), []);
  assert.deepEqual(rows({}, 'missing'), []);
});

test('field: the first present key, skipping null', () => {
  assert.equal(field({ a: null, b: 0 }, 'a', 'b'), 0);
  assert.equal(field({ a: 'x' }, 'b'), undefined);
  assert.equal(field(undefined, 'a'), undefined);
  assert.equal(field([1], '0'), undefined);
});

test('num: finite numbers only', () => {
  assert.equal(num(3.5), 3.5);
  assert.equal(num('42'), 42);
  assert.equal(num(null), null);
  assert.equal(num(''), null);
  assert.equal(num('abc'), null);
  assert.equal(num(Infinity), null);
});

test('sumBy groups, skipping missing keys and non-numbers', () => {
  const sums = sumBy(
    [{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: '3' }, { k: null, v: 5 }, { k: 'b', v: null }],
    (r) => r.k,
    (r) => r.v,
  );
  assert.deepEqual([...sums.entries()], [['a', 4], ['b', 2]]);
});

test('distinct and latest', () => {
  assert.deepEqual(distinct(['b', 'a', 'b', null, undefined, 'c']), ['b', 'a', 'c']);
  assert.equal(latest([{ d: '2026-01-02' }, { d: '2026-01-10' }, { d: null }], 'd'), '2026-01-10');
  assert.equal(latest([], 'd'), undefined);
});

test('timeMs reads RFC 3339 and epoch seconds, milliseconds, microseconds', () => {
  const ms = Date.UTC(2026, 10, 23, 12, 0, 0);
  assert.equal(timeMs('2026-11-23T12:00:00Z'), ms);
  assert.equal(timeMs(ms / 1000), ms);
  assert.equal(timeMs(ms), ms);
  assert.equal(timeMs(ms * 1000), ms);
  assert.equal(timeMs('not a time'), null);
  assert.equal(timeMs(null), null);
});
