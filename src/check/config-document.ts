import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigProblem } from './config-error.ts';
import { formatKeyPath, type KeyPath } from './key-path.ts';

/** Which node of a key path a problem points at: the key itself (an unknown key) or its value (a wrong value). */
export type Anchor = 'key' | 'value';

/** A parsed config file: its plain data, and positions of its nodes for problems. */
export interface ConfigDocument {
  /** Absolute path of the file. */
  readonly file: string;
  /** The document as plain data (null when empty). */
  readonly data: unknown;
  /** A problem located at the node of `path`, or at the nearest enclosing node that exists. */
  problem(path: KeyPath, message: string, anchor?: Anchor): ConfigProblem;
}

/** Parses one YAML document, or returns its syntax problems (all of them, with positions). */
export function parseConfigDocument(file: string, text: string): ConfigDocument | ConfigProblem[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { file, line, column: col, path: '', message: `invalid YAML: ${syntaxMessage(error.code, error.message)}` };
    });
  }
  return {
    file,
    data: document.toJS() as unknown,
    problem(path, message, anchor = 'value') {
      const offset = offsetOf(document, path, anchor);
      const { line, col } = offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
      return { file, line, column: col, path: formatKeyPath(path), message };
    },
  };
}

function syntaxMessage(code: string, message: string): string {
  // The parser's own text for this case names a library function, which means nothing to a user.
  return code === 'MULTIPLE_DOCS' ? 'the config must be a single YAML document (found a second `---`)' : message;
}

/** The source offset of the node at `path`; where the path leaves the document, of the deepest node on it. */
function offsetOf(document: Document, path: KeyPath, anchor: Anchor): number | undefined {
  let key: Node | undefined;
  let value = resolved(document, document.contents ?? undefined);
  let found = true;
  for (const segment of path) {
    const child = childOf(document, value, segment);
    if (child === undefined) {
      found = false;
      break;
    }
    ({ key, value } = child);
  }
  if (found && anchor === 'key' && key !== undefined) return key.range?.[0];
  // An empty value (`faults:` with nothing after it) has no text of its own: point at its key.
  if (value === undefined || isEmpty(value)) return (key ?? value)?.range?.[0];
  return value.range?.[0];
}

function childOf(document: Document, node: Node | undefined, segment: string | number): { key: Node | undefined; value: Node | undefined } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => keyText(item.key) === String(segment));
    if (pair === undefined) return undefined;
    return { key: pair.key as Node, value: resolved(document, (pair.value ?? undefined) as Node | undefined) };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment] as Node | undefined;
    return item === undefined ? undefined : { key: undefined, value: resolved(document, item) };
  }
  return undefined;
}

function resolved(document: Document, node: Node | undefined): Node | undefined {
  return isAlias(node) ? (node.resolve(document) as Node | undefined) : node;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function isEmpty(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}
