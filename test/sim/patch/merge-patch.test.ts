import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, JsonValue } from '../../../src/sim/json.ts';
import { applyMergePatch } from '../../../src/sim/patch/merge-patch.ts';

test('a null in a merge patch deletes the key', () => {
  assert.deepEqual(applyMergePatch({ a: 'b', c: 'd' }, { a: null }), { c: 'd' });
});

test('a null for a key the target does not have changes nothing', () => {
  assert.deepEqual(applyMergePatch({ a: 'b' }, { x: null }), { a: 'b' });
});

test('objects in a merge patch merge recursively', () => {
  const target = { metadata: { labels: { app: 'web', tier: 'front' }, name: 'x' } };
  const patch = { metadata: { labels: { tier: 'back', team: 'a' } } };
  assert.deepEqual(applyMergePatch(target, patch), { metadata: { labels: { app: 'web', tier: 'back', team: 'a' }, name: 'x' } });
});

test('a list in a merge patch replaces the whole list', () => {
  const target = { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }] } };
  assert.deepEqual(applyMergePatch(target, { spec: { containers: [{ name: 'b', image: '2' }] } }), {
    spec: { containers: [{ name: 'b', image: '2' }] },
  });
});

test('a merge patch that is not an object replaces the target', () => {
  assert.deepEqual(applyMergePatch({ a: 'b' }, ['c']), ['c']);
  assert.equal(applyMergePatch({ a: 'foo' }, 'bar'), 'bar');
  assert.equal(applyMergePatch({ a: 'foo' }, null), null);
});

test('an object patch on a missing or non-object target starts from an empty object', () => {
  assert.deepEqual(applyMergePatch(undefined, { a: 1, b: null }), { a: 1 });
  assert.deepEqual(applyMergePatch([1, 2], { a: 'b', c: null }), { a: 'b' });
});

test('values taken from a merge patch lose their null members, inside lists too, but keep null list elements', () => {
  const patch = { spec: { new: { keep: 1, drop: null }, list: [{ name: 'a', value: null }, null, 3] } };
  assert.deepEqual(applyMergePatch({ spec: { list: 'scalar' } }, patch), {
    spec: { new: { keep: 1 }, list: [{ name: 'a' }, null, 3] },
  });
});

test('a merge patch behaves as the examples of RFC 7386 appendix A say', () => {
  const cases: Array<[JsonValue, JsonValue, JsonValue]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, expected] of cases) assert.deepEqual(applyMergePatch(target, patch), expected);
});

test('a merge patch mutates neither its inputs nor shares objects with them', () => {
  const target: JsonObject = { metadata: { labels: { a: '1' } }, spec: { list: [1] } };
  const patch: JsonObject = { metadata: { labels: { b: '2', a: null } }, status: { ready: true } };
  const before = structuredClone({ target, patch });
  const result = applyMergePatch(target, patch) as JsonObject;
  assert.deepEqual({ target, patch }, before);
  ((result['spec'] as JsonObject)['list'] as JsonValue[]).push(2);
  (result['status'] as JsonObject)['ready'] = false;
  assert.deepEqual({ target, patch }, before);
});
