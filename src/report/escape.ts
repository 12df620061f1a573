/**
 * Escaping for text the report did not write itself: object names, messages, values, label values
 * and field paths come from the controllers and configs under review, so a pull request controls
 * them. Everything user-written passes through exactly one of these helpers before it reaches the
 * Markdown, so it can neither break a table, a code span or a fence nor inject HTML, links,
 * images, math or @-mentions.
 */

/** Characters that reorder text on screen (Trojan Source): shown as a replacement mark instead. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** C0 and C1 controls other than tab and line breaks: a terminal or a browser could act on them. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LINE_BREAKS = /\r\n|\r|\n|\u2028|\u2029/g;

/** The mark a line break leaves in text that must stay on one line. */
export const LINE_BREAK_MARK = '↵';

/** Text without control or bidi characters; line breaks kept. */
export function withoutControls(text: string): string {
  return text.replace(CONTROLS, '').replace(BIDI_CONTROLS, '\ufffd').replace(/\t/g, ' ');
}

/** Text on one line: each line break becomes a visible mark, controls go. */
export function oneLine(text: string): string {
  return withoutControls(text).replace(LINE_BREAKS, ` ${LINE_BREAK_MARK} `);
}

/** The lines of a text, controls removed. */
export function linesOf(text: string): string[] {
  return withoutControls(text).split(LINE_BREAKS);
}

/** At most `max` characters (code points, so no emoji is cut in half), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Punctuation that would start emphasis, links, images, strikethrough, math or an escape anywhere in a line. */
const INLINE_PUNCTUATION = /[\\`*_[\]~#$!]/g;

/**
 * Plain user-written text for Markdown prose or a table cell, on one line: HTML and entities are
 * shown literally, Markdown punctuation is escaped, `|` cannot split a cell, `@` cannot mention
 * and a bare URL cannot link.
 */
export function escapeMarkdown(text: string): string {
  // Backslashes first, entities after: an escape must not land inside `&#124;`.
  const escaped = oneLine(text)
    .replace(INLINE_PUNCTUATION, (character) => `\\${character}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    // A word joiner (invisible) keeps `@team` from notifying anyone, and a bare URL or address
    // from becoming a link a bot comment seems to vouch for, while the text reads the same.
    .replace(/@/g, '@\u2060')
    .replace(/(https?|ftp):\/\//gi, '$1\u2060://')
    .replace(/\bwww\./gi, 'www\u2060.');
  return escapeLineStart(escaped);
}

/** Syntax that only counts at the start of a line (list items, setext underlines), for text that may open one. */
function escapeLineStart(text: string): string {
  if (/^\s*(=+|-+)\s*$/.test(text)) return text.replace(/[=-]/, (marker) => `\\${marker}`);
  return text.replace(/^(\s*)([-+]|\d{1,9}[.)])(?=\s|$)/, (_match, space: string, marker: string) => `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`);
}

/**
 * User-written text as a code span on one line. The fence is one backtick longer than the longest
 * run inside, padded when the text starts or ends with a backtick; a pipe inside a table cell is
 * escaped by the table itself (see `cell`).
 */
export function inlineCode(text: string): string {
  const content = oneLine(text);
  if (content === '') return '*empty*';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = content.startsWith('`') || content.endsWith('`') || (content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A fenced code block for multi-line user text (error output, commands): the fence outgrows any backtick run inside. */
export function codeBlock(text: string, language = ''): string {
  const content = withoutControls(text).replace(/\r\n|\r/g, '\n').replace(/\n+$/, '');
  const longest = Math.max(0, ...(content.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${content}\n${fence}`;
}

/** User-written text inside an HTML element such as `<summary>`, where Markdown is not parsed. */
export function htmlText(text: string): string {
  return oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * A cell of a GFM table. Table rows are split on `|` before anything inline is parsed, even inside
 * code spans, so every pipe is escaped here, and a run of backslashes right before one is doubled
 * (else `\\|` would pair the backslashes and end the cell; such a run then shows doubled, which is
 * safe). Plain text never reaches this with a raw pipe (`escapeMarkdown` writes an entity).
 */
export function cell(markdown: string): string {
  return markdown.replace(/\\+(?=\|)/g, (run) => run + run).replace(/\|/g, '\\|').replace(LINE_BREAKS, ' ');
}

/** A link target for Markdown: only http(s) URLs, with characters that could end the link percent-encoded. */
export function safeUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href.replace(/[()<>\s"'`|\\]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** JSON that can sit inside an HTML comment: nothing in it can close the comment or open a tag. */
export function commentJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/--/g, '-\\u002d');
}

/** A word for a POSIX shell command line: bare when it is plainly safe, single-quoted otherwise. */
export function shellWord(text: string): string {
  return /^[\w./:=@%+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
