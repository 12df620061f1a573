import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { bundleAction, OUTFILE } from '../scripts/build.ts';

describe('dist/index.js', () => {
  it('is what a fresh build of the sources makes (run `npm run build` and commit dist/)', async () => {
    const [built, committed] = await Promise.all([bundleAction(), readFile(OUTFILE).catch(() => undefined)]);
    assert.ok(committed !== undefined, 'dist/index.js is missing: run `npm run build`');
    assert.ok(Buffer.from(built).equals(committed), 'dist/index.js differs from a fresh build: run `npm run build` and commit dist/index.js');
  });
});
