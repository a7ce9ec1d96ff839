// Unit tests for number and time formatting (node --test; `npm test` in web/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytes, count, currency, duration, percent } from './format.js';

test('missing values print as a dash, never "null" or "NaN"', () => {
  for (const format of [count, currency, percent, duration, bytes]) {
    assert.equal(format(null), '–');
    assert.equal(format(undefined), '–');
  }
});

test('counts group digits, large ones are compact', () => {
  assert.equal(count(68205), '68,205');
  assert.equal(count(1250000), '1.3M');
});

test('currency and percent', () => {
  assert.equal(currency(51234.4), '$51,234');
  assert.equal(currency(2500000), '$2.5M');
  assert.equal(percent(0.042), '4.2%');
  assert.equal(percent(-0.18, 0), '-18%');
});

test('durations pick a readable unit', () => {
  assert.equal(duration(0.85), '850 ms');
  assert.equal(duration(2.4), '2.4 s');
  assert.equal(duration(600), '10 min');
  assert.equal(duration(9000), '2.5 h');
});

test('bytes use binary units', () => {
  assert.equal(bytes(512), '512 B');
  assert.equal(bytes(4.9 * 1024 * 1024), '4.9 MiB');
});
