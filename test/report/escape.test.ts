import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cell, codeBlock, commentJson, escapeMarkdown, htmlText, inlineCode, safeUrl, shellWord, truncate } from '../../src/report/escape.ts';
import { markdownHtml } from './helpers.ts';

/** The HTML of one paragraph, without the `<p>` around it. */
function inline(markdown: string): string {
  return markdownHtml(markdown).trim().replace(/^<p>|<\/p>$/g, '');
}

describe('escaping user-written text for Markdown', () => {
  it('shows HTML, entities and Markdown punctuation literally', () => {
    const text = '<script>alert(1)</script> &amp; *bold* _em_ [link](x) ![img](y) ~~del~~ `code` $math$ \\ # | end';
    assert.equal(inline(escapeMarkdown(text)), '&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; *bold* _em_ [link](x) ![img](y) ~~del~~ `code` $math$ \\ # | end');
  });

  it('links no bare URL or address', () => {
    const html = inline(escapeMarkdown('see http://e.vil/x, https://e.vil, www.e.vil and me@e.vil'));
    assert.doesNotMatch(html, /<a /);
  });

  it('keeps text on one line and marks where a line broke', () => {
    assert.equal(escapeMarkdown('a\nb\r\nc'), 'a ↵ b ↵ c');
  });

  it('does not let text opening a line become a list or a heading', () => {
    assert.equal(inline(escapeMarkdown('- item')), '- item');
    assert.equal(inline(escapeMarkdown('1. item')), '1. item');
    assert.equal(inline(escapeMarkdown('# title')), '# title');
    assert.equal(escapeMarkdown('0.1.0'), '0.1.0');
  });

  it('breaks @-mentions invisibly', () => {
    assert.equal(escapeMarkdown('@octocat'), '@\u2060octocat');
  });

  it('removes control characters and neutralises bidi overrides', () => {
    assert.equal(escapeMarkdown('a\u001b[31mb\u202ec'), 'a\\[31mb\ufffdc');
  });

  it('makes code spans that hold any backtick run', () => {
    assert.equal(inlineCode('plain'), '`plain`');
    assert.equal(inlineCode('a`b'), '``a`b``');
    assert.equal(inlineCode('`edge`'), '`` `edge` ``');
    assert.equal(inline(inlineCode('``x`y```')), '<code>``x`y```</code>');
    assert.equal(inline(inlineCode('<b>&</b>')), '<code>&lt;b&gt;&amp;&lt;/b&gt;</code>');
  });

  it('escapes pipes in table cells, even inside code and after a backslash', () => {
    const table = (content: string) => markdownHtml(`| a | b |\n| - | - |\n| ${cell(content)} | z |`);
    assert.match(table(inlineCode('x|y')), /<td><code>x\|y<\/code><\/td>\s*<td>z<\/td>/);
    assert.match(table(inlineCode('x\\|y')), /<td><code>x\\+\|y<\/code><\/td>\s*<td>z<\/td>/);
    assert.match(table(inlineCode('a\\\\|b\\\\\\|c')), /<td><code>a\\+\|b\\+\|c<\/code><\/td>\s*<td>z<\/td>/);
    assert.match(table(escapeMarkdown('p|q')), /<td>p\|q<\/td>\s*<td>z<\/td>/);
  });

  it('fences code blocks longer than any fence inside', () => {
    assert.equal(codeBlock('a\n```\nb'), '````\na\n```\nb\n````');
    assert.equal(codeBlock('x', 'sh'), '```sh\nx\n```');
  });

  it('escapes HTML text and comment JSON', () => {
    assert.equal(htmlText(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const json = commentJson({ name: '--> <x>' });
    assert.doesNotMatch(json, /-->|[<>]/);
    assert.deepEqual(JSON.parse(json), { name: '--> <x>' });
  });

  it('truncates by code point with an ellipsis', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(truncate('😀😀😀😀', 3), '😀😀…');
  });

  it('accepts only http(s) links, percent-encoding what could end them', () => {
    assert.equal(safeUrl('javascript:alert(1)'), undefined);
    assert.equal(safeUrl('not a url'), undefined);
    assert.equal(safeUrl('https://x.test/a(b)'), 'https://x.test/a%28b%29');
  });

  it('quotes shell words that need it', () => {
    assert.equal(shellWord('expand-crash'), 'expand-crash');
    assert.equal(shellWord("it's $HOME"), `'it'\\''s $HOME'`);
  });
});
