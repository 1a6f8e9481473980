/**
 * Finds the YAML node behind a path of the parsed value, so errors can point at a line and column.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

export interface Located {
  /** True when every segment of the path exists in the document. */
  resolved: boolean;
  /** The node at the path when resolved; otherwise the deepest collection reached (e.g. the mapping missing a key). */
  node: Node | undefined;
  /** When the last step went through a mapping key: that key's node. */
  keyNode: Node | undefined;
  /** How many path segments were found. */
  depth: number;
}

const MERGE_KEY = '<<';

/** The plain key of a pair as a string (`<<` for merge keys), or undefined for complex keys. */
export function keyString(key: unknown): string | undefined {
  const value: unknown = isScalar(key) ? key.value : key;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'symbol') return value.description;
  if (value === null) return '';
  return undefined;
}

function deref(node: unknown, doc: Document): unknown {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 100; hops++) current = current.resolve(doc);
  return current;
}

/** The pair holding `key` in `map`, looking through `<<` merge keys (explicit keys win, then merges in order). */
function findPair(map: YAMLMap, key: string, doc: Document, seen = new Set<YAMLMap>()): Pair | undefined {
  if (seen.has(map)) return undefined;
  seen.add(map);
  const direct = map.items.find((pair) => keyString(pair.key) === key && key !== MERGE_KEY);
  if (direct) return direct;
  for (const pair of map.items) {
    if (keyString(pair.key) !== MERGE_KEY) continue;
    const source = deref(pair.value, doc);
    const sources = isSeq(source) ? source.items.map((item) => deref(item, doc)) : [source];
    for (const merged of sources) {
      if (!isMap(merged)) continue;
      const found = findPair(merged, key, doc, seen);
      if (found) return found;
    }
  }
  return undefined;
}

export function locate(doc: Document, path: readonly PropertyKey[]): Located {
  let current: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (let depth = 0; depth < path.length; depth++) {
    const segment = path[depth];
    const container = deref(current, doc);
    const atContainer = (): Located => ({ resolved: false, node: isNode(container) ? container : undefined, keyNode, depth });
    if (isMap(container)) {
      const key = typeof segment === 'symbol' ? segment.description : String(segment);
      const pair = key === undefined ? undefined : findPair(container, key, doc);
      if (!pair) return atContainer();
      keyNode = isNode(pair.key) ? pair.key : undefined;
      current = pair.value;
    } else if (isSeq(container) && typeof segment === 'number') {
      const item: unknown = container.items[segment];
      if (item === undefined) return atContainer();
      keyNode = undefined;
      current = item;
    } else {
      return atContainer();
    }
  }
  return { resolved: true, node: isNode(current) ? current : undefined, keyNode, depth: path.length };
}

export function positionOf(offset: number, lineCounter: LineCounter): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line: Math.max(line, 1), column: Math.max(col, 1) };
}

/** Where to point for a node: its start; for an empty value (`key:` with nothing after it), the key. */
export function nodePosition(node: Node | undefined, keyNode: Node | undefined, lineCounter: LineCounter): Position | undefined {
  const empty = node === undefined || (isScalar(node) && node.value === null && (node.range == null || node.range[0] === node.range[1]));
  const target = empty ? (keyNode ?? node) : node;
  const offset = target?.range?.[0];
  return offset === undefined ? undefined : positionOf(offset, lineCounter);
}

/**
 * The pair whose key starts at `offset` and the path to its value (for duplicate-key errors, which yaml reports by offset).
 */
export function pairAtOffset(doc: Document, offset: number): { pair: Pair; path: PropertyKey[]; map: YAMLMap } | undefined {
  const search = (node: unknown, path: PropertyKey[]): { pair: Pair; path: PropertyKey[]; map: YAMLMap } | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyString(pair.key);
        const keyPath = key === undefined ? path : [...path, key];
        if (isNode(pair.key) && pair.key.range?.[0] === offset) return { pair, path: keyPath, map: node };
        const inner = search(pair.value, keyPath);
        if (inner) return inner;
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) {
        const inner = search(item, [...path, index]);
        if (inner) return inner;
      }
    } else if (isPair(node)) {
      return search(node.value, path);
    }
    return undefined;
  };
  return search(doc.contents, []);
}
