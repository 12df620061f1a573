import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { renderDiff } from '../../src/report/terminal.ts';
import { hostileDiff, mixedDiff, smallDiff } from './fixtures.ts';
import { assertGolden } from './helpers.ts';

/* eslint no-control-regex: "off" -- these tests look for escape sequences on purpose */

describe('fixpoint diff on a terminal', () => {
  it('renders the small diff as its golden file', async () => {
    await assertGolden('small-diff.txt', `${renderDiff(smallDiff(), { color: false })}\n`);
  });

  it('renders the mixed diff as its golden file', async () => {
    await assertGolden('mixed-diff.txt', `${renderDiff(mixedDiff(), { color: false })}\n`);
  });

  it('colours only when asked, and the colours are all it adds', () => {
    const plain = renderDiff(smallDiff(), { color: false });
    // styleText colours only a terminal unless FORCE_COLOR says otherwise; the test's stdout is a pipe.
    const saved = process.env['FORCE_COLOR'];
    process.env['FORCE_COLOR'] = '1';
    let coloured: string;
    try {
      coloured = renderDiff(smallDiff(), { color: true });
    } finally {
      if (saved === undefined) delete process.env['FORCE_COLOR'];
      else process.env['FORCE_COLOR'] = saved;
    }
    assert.doesNotMatch(plain, /\u001b\[/);
    assert.match(coloured, /\u001b\[/);
    assert.equal(stripVTControlCharacters(coloured), plain);
  });

  it('lets no escape sequence from a name reach the terminal', () => {
    const diff = hostileDiff();
    const evil = { ...diff, scenarios: diff.scenarios.map((scenario) => ({ ...scenario, name: `${scenario.name}\u001b]0;pwned\u0007\u001b[2J` })) };
    assert.doesNotMatch(renderDiff(evil, { color: false }), /[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
