/**
 * Typed reading of YAML nodes that remembers where each value was written, so that every manifest
 * problem can name its file and line.
 */
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { IssueSink, SourceLoc } from './issues.js';
import { RULE } from './issues.js';

/** One parsed YAML file. */
export class YamlFile {
  readonly root: Node | null;
  private readonly lines: LineCounter;

  /** Parses `text`; syntax errors go to `issues` as YAML errors. */
  constructor(
    readonly file: string,
    text: string,
    issues: IssueSink,
  ) {
    this.lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    for (const e of doc.errors) {
      const line = e.linePos?.[0]?.line ?? this.lineAt(e.pos[0]);
      issues.error({ file, line }, RULE.yaml, e.message.split('\n')[0]);
    }
    this.root = doc.errors.length > 0 ? null : ((doc.contents as Node | null) ?? null);
  }

  lineAt(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  /** Location of `node` (line 1 when the node has no position). */
  loc(node: Node | null | undefined): SourceLoc {
    const r = node?.range;
    return { file: this.file, line: r ? this.lineAt(r[0]) : 1 };
  }
}

/** Reports a value of the wrong kind. */
type KindError = (loc: SourceLoc, message: string) => void;

/** Human name of a node's kind, for messages. */
export function kindOf(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : typeof node.value;
  return 'an alias';
}

/** Scalar text as written (keeps `1.0` and leading zeros), or undefined for anything else. */
export function scalarText(node: Node | null | undefined): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (typeof node.value === 'object') return undefined;
  return node.source ?? String(node.value);
}

/** A YAML map with typed getters that report kind errors through `onKind`. */
export class MapReader {
  readonly loc: SourceLoc;
  private readonly pairs = new Map<string, { keyLoc: SourceLoc; value: Node | null }>();

  constructor(
    readonly src: YamlFile,
    readonly map: YAMLMap,
    private readonly onKind: KindError,
    readonly what: string,
  ) {
    this.loc = src.loc(map);
    for (const p of map.items) {
      const key = scalarText(p.key as Node);
      if (key === undefined) continue;
      this.pairs.set(key, { keyLoc: src.loc(p.key as Node), value: (p.value as Node | null) ?? null });
    }
  }

  keys(): string[] {
    return [...this.pairs.keys()];
  }

  /** Present with a non-null value ("a key present with no value means not set"). */
  has(key: string): boolean {
    const v = this.pairs.get(key)?.value;
    return v !== undefined && v !== null && !(isScalar(v) && v.value === null);
  }

  node(key: string): Node | null {
    return this.has(key) ? (this.pairs.get(key)!.value as Node) : null;
  }

  /** Line of the key (falls back to the map's line). */
  at(key: string): SourceLoc {
    return this.pairs.get(key)?.keyLoc ?? this.loc;
  }

  private wrong(key: string, want: string): undefined {
    this.onKind(this.at(key), `${this.what}: '${key}' must be ${want}, got ${kindOf(this.node(key))}`);
    return undefined;
  }

  /** A scalar as a string (numbers keep their written form). */
  str(key: string): string | undefined {
    const n = this.node(key);
    if (n === null) return undefined;
    const s = scalarText(n);
    return s === undefined ? this.wrong(key, 'a string') : s;
  }

  bool(key: string): boolean | undefined {
    const n = this.node(key);
    if (n === null) return undefined;
    if (isScalar(n) && typeof n.value === 'boolean') return n.value;
    return this.wrong(key, 'true or false');
  }

  num(key: string): number | undefined {
    const n = this.node(key);
    if (n === null) return undefined;
    if (isScalar(n) && typeof n.value === 'number' && Number.isFinite(n.value)) return n.value;
    return this.wrong(key, 'a number');
  }

  /** A list of scalars; a missing key gives []. */
  strList(key: string): string[] {
    const n = this.node(key);
    if (n === null) return [];
    if (!isSeq(n)) return this.wrong(key, 'a list of strings') ?? [];
    const out: string[] = [];
    for (const item of n.items) {
      const s = scalarText(item as Node);
      if (s === undefined) this.onKind(this.src.loc(item as Node), `${this.what}: '${key}' items must be strings`);
      else out.push(s);
    }
    return out;
  }

  /** A nested map, or undefined (wrong kind reported). */
  sub(key: string, what = `${this.what}.${key}`): MapReader | undefined {
    const n = this.node(key);
    if (n === null) return undefined;
    if (!isMap(n)) return this.wrong(key, 'a map');
    return new MapReader(this.src, n, this.onKind, what);
  }

  /** Items of a list of maps; non-map items are reported and skipped. */
  maps(key: string, itemWhat: string): MapReader[] {
    const n = this.node(key);
    if (n === null) return [];
    if (!isSeq(n)) return this.wrong(key, 'a list') ?? [];
    const out: MapReader[] = [];
    for (const item of n.items) {
      if (isMap(item)) out.push(new MapReader(this.src, item, this.onKind, itemWhat));
      else this.onKind(this.src.loc(item as Node), `${this.what}: '${key}' items must be maps, got ${kindOf(item as Node)}`);
    }
    return out;
  }

  /** Map of scalar values as strings (for `env`, `extra`). */
  strMap(key: string): Record<string, string> {
    const m = this.sub(key);
    const out: Record<string, string> = {};
    if (!m) return out;
    for (const k of m.keys()) {
      const v = m.str(k);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  /** Plain JS value of a key (for opaque blocks such as `lock` or `parameters_schema`). */
  js(key: string): unknown {
    const n = this.node(key);
    return n === null ? undefined : n.toJSON();
  }
}
