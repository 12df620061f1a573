import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMENT_MARKER_PREFIX, commentMetadata, DEFAULT_MAX_CHARACTERS, MAX_JOB_SUMMARY_BYTES, renderComment, renderJobSummary } from '../../src/report/markdown.ts';
import { headBuildErrorDiff, hostileDiff, HOSTILE_NAME, hugeDiff, mixedDiff, noChangeDiff, smallDiff } from './fixtures.ts';
import { ALLOWED_TAGS, assertGolden, fencedBlocks, markdownHtml, parseSequence, tableShapes, tagNames } from './helpers.ts';

const REPORT_URL = 'https://github.com/acme/operators/actions/runs/123456';

/** Every table of the rendered Markdown has as many cells in each row as in its header. */
function assertTablesIntact(markdown: string): void {
  const shapes = tableShapes(markdownHtml(markdown));
  assert.ok(shapes.length > 0, 'no table rendered');
  for (const rows of shapes) for (const cells of rows) assert.equal(cells, rows[0], `a row of ${cells} cells in a table of ${rows[0]}: ${JSON.stringify(rows)}`);
}

function assertOnlyAllowedHtml(markdown: string): void {
  const html = markdownHtml(markdown);
  const unexpected = [...tagNames(html)].filter((tag) => !ALLOWED_TAGS.has(tag));
  assert.deepEqual(unexpected, [], `HTML tags that the report did not write: ${unexpected.join(', ')}`);
}

describe('the pull-request comment', () => {
  it('renders the small diff as its golden file', async () => {
    await assertGolden('small-diff.md', renderComment(smallDiff(), { reportUrl: REPORT_URL }));
  });

  it('renders a diff of fixed, remaining, gone, bounded and failed scenarios as its golden file', async () => {
    await assertGolden('mixed-diff.md', renderComment(mixedDiff(), { reportUrl: REPORT_URL }));
  });

  it('shows a side that failed to build first, as a caution', async () => {
    const comment = renderComment(headBuildErrorDiff(), {});
    await assertGolden('head-build-error.md', comment);
    const lines = comment.split('\n');
    assert.ok(lines.indexOf('> [!CAUTION]') < lines.findIndex((line) => line.startsWith('| scenario')), 'the build error comes before the table');
  });

  it('says in one line that nothing needed a check when no change reaches a scenario', async () => {
    await assertGolden('no-change.md', renderComment(noChangeDiff(), {}));
  });

  it('has the same content in the job summary, without the marker and the link to itself', () => {
    const comment = renderComment(smallDiff(), { reportUrl: REPORT_URL });
    const summary = renderJobSummary(smallDiff());
    assert.equal(summary, comment.slice(comment.indexOf('\n') + 1).replace(` · full report in the [job summary](${REPORT_URL})`, ''));
  });

  it('starts with the hidden marker a later stage finds its sticky comment by: tool version, base and head SHAs, scenarios', () => {
    const diff = smallDiff();
    const body = renderComment(diff, {});
    const [first] = body.split('\n');
    assert.ok(first !== undefined && first.startsWith(COMMENT_MARKER_PREFIX) && first.endsWith(' -->'), first);
    const data: unknown = JSON.parse(first.slice(COMMENT_MARKER_PREFIX.length, -' -->'.length));
    const expected = { version: diff.tool.version, base: diff.base.sha, head: diff.head.sha, scenarios: ['expand', 'expand-crash'] };
    assert.deepEqual(data, expected);
    assert.deepEqual(commentMetadata(body), expected);
  });

  it('reads no metadata from a comment without a well-formed marker', () => {
    for (const body of ['plain words', '<!-- fixpoint:v1 {"head": -->\n', '<!-- fixpoint:v1 [1] -->', 'quoted:\n<!-- fixpoint:v1 {"head":"x"} -->']) assert.equal(commentMetadata(body), undefined, body);
  });

  it('keeps its tables whole and writes no HTML of its own beyond details, summary, sub and br', () => {
    for (const diff of [smallDiff(), mixedDiff(), headBuildErrorDiff()]) {
      const comment = renderComment(diff, { reportUrl: REPORT_URL });
      assertTablesIntact(comment);
      assertOnlyAllowedHtml(comment);
    }
  });

  it('draws each new finding as a sequence diagram Mermaid parses', async () => {
    const diagrams = fencedBlocks(renderComment(smallDiff(), {}), 'mermaid');
    assert.equal(diagrams.length, 1);
    const parsed = await parseSequence(diagrams[0] ?? '');
    assert.deepEqual(parsed.participants, ['user', 'rabbitmq-cluster', 'API server']);
    for (const diagram of [...fencedBlocks(renderComment(mixedDiff(), {}), 'mermaid'), ...fencedBlocks(renderComment(hugeDiff(3, 2, 50), {}), 'mermaid')]) await parseSequence(diagram);
  });
});

describe('a diff too large for one comment', () => {
  const huge = hugeDiff(30, 5, 12);

  it('would be over 500 KB uncut, and the job summary has it all', () => {
    const summary = renderJobSummary(huge);
    assert.ok(summary.length > 500_000, `only ${summary.length} characters uncut`);
    assert.doesNotMatch(summary, /Cut to fit/);
    assert.equal((summary.match(/```mermaid/g) ?? []).length, 150);
  });

  it('stays under 60,000 characters, says what it cut and links the full report', () => {
    const comment = renderComment(huge, { reportUrl: REPORT_URL });
    assert.ok(comment.length <= DEFAULT_MAX_CHARACTERS, `${comment.length} characters`);
    assert.ok(comment.length > DEFAULT_MAX_CHARACTERS * 0.8, `only ${comment.length} characters: the budget is wasted`);
    assert.match(comment, /> ✂️ \*\*Cut to fit GitHub's size limit:\*\* \d+ traces (and \d+ field tables )?are left out/);
    assert.ok(comment.includes(`[job summary](${REPORT_URL})`));
    assert.ok(comment.startsWith(COMMENT_MARKER_PREFIX));
    assertTablesIntact(comment);
    assertOnlyAllowedHtml(comment);
  });

  it('keeps the first new findings whole and lists the next ones briefly', () => {
    const comment = renderComment(huge, {});
    assert.ok((comment.match(/```mermaid/g) ?? []).length >= 3, 'the first findings keep their traces');
    assert.match(comment, /#### ❌ More new findings/);
    assert.match(comment, /^- `scale-\d+` finding \d: invariant `replicasMatch\d` violated — /m);
    assert.equal((comment.match(/^```/gm) ?? []).length % 2, 0, 'every fence is closed');
  });

  it('honours a smaller maxCharacters, and cuts whole sections and table rows when even briefs do not fit', () => {
    for (const maxCharacters of [30_000, 10_000]) {
      const comment = renderComment(hugeDiff(200, 3, 6), { maxCharacters });
      assert.ok(comment.length <= maxCharacters, `${comment.length} > ${maxCharacters}`);
      assert.match(comment, /are not shown at all/);
      assert.match(comment, /\d+ more scenarios in the job summary; the table keeps those with the most to tell/);
    }
  });

  it('caps the job summary under 1 MiB with a cut line when even it would be larger', () => {
    const summary = renderJobSummary(hugeDiff(80, 5, 12));
    assert.ok(Buffer.byteLength(summary) <= MAX_JOB_SUMMARY_BYTES, `${Buffer.byteLength(summary)} bytes`);
    assert.ok(Buffer.byteLength(summary) > MAX_JOB_SUMMARY_BYTES * 0.8);
    assert.match(summary, /Cut to fit GitHub's size limit/);
    assert.doesNotMatch(summary, /^<!-- fixpoint/);
  });
});

describe('hostile names', () => {
  const comment = renderComment(hostileDiff(), { reportUrl: REPORT_URL });
  const html = markdownHtml(comment);

  it('cannot break a table', () => {
    assertTablesIntact(comment);
  });

  it('cannot inject HTML, links, images or mentions', () => {
    assertOnlyAllowedHtml(comment);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.deepEqual([...html.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1]).filter((href) => href !== REPORT_URL), []);
    // Outside code, an @ is followed by a word joiner so GitHub notifies no one.
    const prose = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<code>[\s\S]*?<\/code>/g, '').replace(/<pre>[\s\S]*?<\/pre>/g, '');
    assert.doesNotMatch(prose, /@octocat/);
  });

  it('cannot start a heading, a list or a table inside a message', () => {
    assert.doesNotMatch(html, /<h[1-6]>[^<]*not a heading/);
    assert.match(html, /# not a heading/);
    assert.match(html, /\| not \| a \| table \|/);
  });

  it('shows names literally in code, one line, with backticks and pipes intact', () => {
    const literal = 'evil|name`x`&lt;script&gt;alert(1)&lt;/script&gt; ↵ line2 #; %%{init: {&quot;theme&quot;:&quot;dark&quot;}}%% @octocat';
    assert.ok(html.includes(`<code>${literal}`), 'the scenario name as code');
    const tableCell = [...html.matchAll(/<td><code>([^<]*(?:&lt;[^<]*)*)<\/code><\/td>/g)].map((match) => match[1] ?? '');
    assert.ok(tableCell.some((text) => text.startsWith('evil|name`x`')), 'a pipe inside a code span in a table cell stays a pipe');
  });

  it('cuts long values in table cells with an ellipsis', () => {
    const cells = [...html.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((match) => match[1] ?? '');
    assert.ok(cells.some((text) => /<code>evil\|name[^<]*…<\/code>/.test(text)));
    assert.ok(!cells.some((text) => text.includes('y'.repeat(50))), 'a 200-character value is cut');
  });

  it('keeps the reproduce commands exact and shell-safe', () => {
    const [commands] = fencedBlocks(comment, 'sh');
    const quoted = `'${HOSTILE_NAME.replace(/'/g, `'\\''`)}'`;
    assert.ok(commands?.includes(`--scenario ${quoted} --json`), commands);
  });

  it('closes no fence early: an error with a fence inside gets a longer one', () => {
    assert.match(comment, /^> ````\n> evil\|name/m);
  });

  it('keeps the diagram parseable, with the text shown as written', async () => {
    const [diagram] = fencedBlocks(comment, 'mermaid');
    const parsed = await parseSequence(diagram ?? '');
    assert.equal(parsed.participants.length, 4);
    assert.ok(parsed.texts.some((text) => text.includes('stale read of evil|name`x`<script>alert(1)</script> ↵ line2 #; %%{init: {"theme":"dark"}}')), parsed.texts.join('\n'));
  });
});
