/**
 * What the report tests check rendered output with: golden files, a GFM parser standing in for
 * GitHub's, and Mermaid's own parser.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import mermaid from 'mermaid';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/** Compares `actual` with `test/report/golden/NAME` exactly; `UPDATE_GOLDEN=1` rewrites the file instead. */
export async function assertGolden(name: string, actual: string): Promise<void> {
  const file = fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
  if (process.env['UPDATE_GOLDEN'] === '1') {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = await readFile(file, 'utf8');
  } catch {
    assert.fail(`no golden file ${name}: run with UPDATE_GOLDEN=1 to write it, then read it`);
  }
  assert.equal(actual, expected, `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it; read the diff first)`);
}

/** Markdown as GitHub would turn it into HTML (GFM tables, raw HTML kept so a test sees any that got through). */
export function markdownHtml(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

/** Tags the report may produce: what Markdown makes plus the few it writes itself (`details`, `summary`, `sub`, `br`). */
export const ALLOWED_TAGS = new Set(['p', 'h3', 'h4', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'strong', 'em', 'blockquote', 'details', 'summary', 'sub', 'br', 'ul', 'li', 'a']);

/** The names of every HTML tag in some HTML. */
export function tagNames(html: string): Set<string> {
  return new Set([...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((match) => (match[1] ?? '').toLowerCase()));
}

/** Each table of some HTML as its rows' cell counts. */
export function tableShapes(html: string): number[][] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((table) => [...(table[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...(row[1] ?? '').matchAll(/<t[hd][\s>]/g)].length));
}

/** The fenced blocks of a language in some Markdown (the fence may be longer than three backticks). */
export function fencedBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`^(\`{3,})${language}\\n([\\s\\S]*?)^\\1$`, 'gm'))].map((match) => match[2] ?? '');
}

/** A sequence diagram as Mermaid reads it: its participants' titles and its messages' and notes' texts, entity codes decoded. */
export interface ParsedSequence {
  readonly participants: string[];
  readonly texts: string[];
}

interface SequenceDb {
  getActors(): Map<string, { description: string }>;
  getMessages(): { message?: string; type?: number }[];
}

/** Parses with Mermaid's own parser (it runs in Node without a DOM); throws on a syntax error. */
export async function parseSequence(source: string): Promise<ParsedSequence> {
  const result = await mermaid.parse(source);
  assert.ok(result, 'mermaid.parse returned nothing');
  assert.equal(result.diagramType, 'sequence');
  assert.deepEqual(result.config, {}, 'a directive inside the diagram changed its configuration');
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
  const db = diagram.db as unknown as SequenceDb;
  return {
    participants: [...db.getActors().values()].map((actor) => decodeMermaid(actor.description)),
    texts: db.getMessages().map((message) => decodeMermaid(message.message ?? '')),
  };
}

/** Mermaid keeps entity codes as placeholders until it draws; this turns them back into characters. */
function decodeMermaid(text: string): string {
  return text.replace(/ﬂ°°(\d+)¶ß/g, (_match, code: string) => String.fromCodePoint(Number(code)));
}
