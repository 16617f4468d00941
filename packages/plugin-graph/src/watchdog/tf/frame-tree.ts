// The transform tree as `/tf` and `/tf_static` describe it (docs/graph.md): one edge per child frame (its
// parent, latest stamp, whether it is static and which writer sent it), bounded in frames. It answers the path
// between two frames and which frames lost their parent. Peers name the frames, so every name and loop is
// treated as hostile: names are bounded, walks stop at the frame count, and a cycle is a dead end.
import { stampNanos, type EpochNanos } from '../stamp.js';

interface TfEdge {
  parent: string;
  /** Latest stamp seen for this child. */
  stamp: EpochNanos;
  isStatic: boolean;
  /** Writer GUID of the last message that set it. */
  writer: string;
}

/** Why a frame's own edge left the tree. */
interface Vanished {
  parent: string;
  why: string;
}

/** Frame names longer than this are refused (tf2 frame ids are short). */
export const MAX_FRAME_NAME = 256;

type PathResult =
  | { kind: 'path'; edges: [string, TfEdge][] }
  | { kind: 'unknown'; frame: string }
  | { kind: 'disconnected'; roots: [string, string] };

/** tf2 ignores one leading slash. */
function frameName(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.startsWith('/') ? v.slice(1) : v;
  return s.length > 0 && s.length <= MAX_FRAME_NAME ? s : undefined;
}

export class FrameTree {
  private readonly edges = new Map<string, TfEdge>();
  private readonly gone = new Map<string, Vanished>();
  /** Transforms refused since start: the tree was full, or a name or stamp was invalid. */
  refused = 0;

  constructor(private readonly maxFrames: number) {}

  get size(): number {
    return this.edges.size;
  }

  /** Takes the `transforms` of one TFMessage (at most maxFrames of them are read). */
  ingest(transforms: unknown, isStatic: boolean, writer: string): void {
    if (!Array.isArray(transforms)) return;
    const n = Math.min(transforms.length, this.maxFrames);
    for (let i = 0; i < n; i++) {
      const t = transforms[i] as { header?: { frame_id?: unknown; stamp?: unknown }; child_frame_id?: unknown } | null;
      const parent = frameName(t?.header?.frame_id);
      const child = frameName(t?.child_frame_id);
      const stamp = stampNanos(t?.header?.stamp);
      if (!parent || !child || parent === child || stamp === undefined) {
        this.refused++;
        continue;
      }
      const old = this.edges.get(child);
      if (!old && this.edges.size >= this.maxFrames) {
        this.refused++;
        continue;
      }
      // A late, older sample of the same dynamic edge does not move its stamp back.
      if (old && !old.isStatic && !isStatic && old.parent === parent && old.stamp > stamp) continue;
      this.edges.set(child, { parent, stamp, isStatic, writer });
      this.gone.delete(child);
    }
    if (n < transforms.length) this.refused += transforms.length - n;
  }

  edge(child: string): TfEdge | undefined {
    return this.edges.get(child);
  }

  entries(): IterableIterator<[string, TfEdge]> {
    return this.edges.entries();
  }

  /** Takes a child's edge out of the tree; frames below it now have a parent that vanished. */
  remove(child: string, why: string): void {
    const e = this.edges.get(child);
    if (!e) return;
    this.edges.delete(child);
    this.gone.set(child, { parent: e.parent, why });
  }

  /** Frames whose parent's own edge left the tree: [frame, parent, why the parent vanished]. */
  orphans(): [string, string, Vanished][] {
    const out: [string, string, Vanished][] = [];
    const referenced = new Set<string>();
    for (const [child, e] of this.edges) {
      const v = this.gone.get(e.parent);
      if (!v) continue;
      referenced.add(e.parent);
      out.push([child, e.parent, v]);
    }
    // A vanished frame nothing hangs from any more is not a finding: forget it.
    for (const f of this.gone.keys()) if (!referenced.has(f)) this.gone.delete(f);
    return out;
  }

  private known(frame: string): boolean {
    if (this.edges.has(frame)) return true;
    for (const e of this.edges.values()) if (e.parent === frame) return true;
    return false;
  }

  /** `frame` and its ancestors up to the root (a cycle ends the walk). */
  private ancestors(frame: string): string[] {
    const out = [frame];
    const seen = new Set(out);
    let f = frame;
    for (let i = 0; i < this.maxFrames; i++) {
      const e = this.edges.get(f);
      if (!e || seen.has(e.parent)) break;
      out.push(e.parent);
      seen.add(e.parent);
      f = e.parent;
    }
    return out;
  }

  /** The edges between two frames (through their lowest common ancestor), or why there is no path. */
  path(a: string, b: string): PathResult {
    for (const f of [a, b]) if (!this.known(f)) return { kind: 'unknown', frame: f };
    const up = this.ancestors(a);
    const down = this.ancestors(b);
    const onA = new Map(up.map((f, i) => [f, i]));
    const j = down.findIndex((f) => onA.has(f));
    if (j < 0) return { kind: 'disconnected', roots: [up[up.length - 1], down[down.length - 1]] };
    const i = onA.get(down[j])!;
    const frames = [...up.slice(0, i), ...down.slice(0, j)];
    return { kind: 'path', edges: frames.map((f) => [f, this.edges.get(f)!]) };
  }
}
