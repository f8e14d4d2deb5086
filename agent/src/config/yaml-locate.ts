import { isMap, isNode, isPair, isScalar, type Document, type LineCounter } from 'yaml';

export type ConfigPath = readonly PropertyKey[];

/** `targets[1].tls.ca_file`: the path as a user reads it in the YAML. */
export function formatConfigPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Line and column (1-based) of the YAML node at `path`. A key that is missing points at its parent, the closest place
 * the user must edit; with `key`, points at that key inside the map at `path` (for unknown keys).
 */
export function locateInYaml(doc: Document, lineCounter: LineCounter, path: ConfigPath, key?: string): { line: number; col: number } {
  let node: unknown = doc.contents;
  for (const part of path) {
    const child = childOf(node, part);
    if (child === undefined) break;
    node = child;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    if (pair && isNode(pair.key)) node = pair.key;
  }
  const offset = isNode(node) && node.range ? node.range[0] : 0;
  return lineCounter.linePos(offset);
}

function childOf(node: unknown, part: PropertyKey): unknown {
  if (!isNode(node)) return undefined;
  const child: unknown = 'get' in node && typeof node.get === 'function' ? node.get(part, true) : undefined;
  return isNode(child) ? child : undefined;
}
