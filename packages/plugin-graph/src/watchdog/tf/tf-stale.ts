// `tf_stale` (docs/graph.md): GRAPH_TF_STALE when a configured frame pair's transform is older than its
// budget (the oldest non-static link on the path between the two frames; static transforms never go stale),
// when there is no path between them a whole budget after the first transform arrived, or when a frame's
// parent vanished (the parent's own transform left the tree: its writer left the graph, or it was not refreshed
// for `vanish_after_ms`). Ages are measured from `header.stamp` against the gateway's clock.
import { FAULT_SEVERITY, type Detector, type Finding, type SweepInput } from '../detectors/detector.js';
import { TopicFeeds } from '../feeds.js';
import { ageMicros, formatMs, wallNanos, type EpochNanos } from '../stamp.js';
import { FrameTree } from './frame-tree.js';

export const GRAPH_TF_STALE = 'GRAPH_TF_STALE';
export const TF_TYPE = 'tf2_msgs/msg/TFMessage';

export interface TfPair {
  parent: string;
  child: string;
  budgetMs: number;
}

export interface TfStaleSettings {
  grace: number;
  /** Pairs to check (a configured chain is expanded into its consecutive pairs). */
  pairs: TfPair[];
  /** A dynamic transform whose stamp is older than this leaves the tree (0: only when its writer leaves). */
  vanishAfterMs: number;
  maxFrames: number;
  /** Epoch nanoseconds now (tests pass their own clock). */
  now?: () => EpochNanos;
}

interface PairState {
  pair: TfPair;
  ageUs?: number;
  problem?: string;
}

export class TfStaleDetector implements Detector {
  readonly id = 'tf_stale';
  readonly codes = [GRAPH_TF_STALE];
  private readonly tree: FrameTree;
  private readonly now: () => EpochNanos;
  private startedAt?: EpochNanos;
  private states: PairState[] = [];
  private orphanCount = 0;

  constructor(
    private readonly settings: TfStaleSettings,
    private readonly feeds: TopicFeeds,
  ) {
    this.tree = new FrameTree(settings.maxFrames);
    this.now = settings.now ?? wallNanos;
    feeds.set(this.id, [
      { topic: '/tf', type: TF_TYPE, on: (m, info) => this.tree.ingest(m.transforms, false, info.publisherGuid) },
      { topic: '/tf_static', type: TF_TYPE, on: (m, info) => this.tree.ingest(m.transforms, true, info.publisherGuid) },
    ]);
  }

  get grace(): number {
    return this.settings.grace;
  }

  sweep({ tick, ros }: SweepInput): Finding[] {
    this.feeds.sync(ros, tick);
    if (!ros) return [];
    const now = this.now();
    // Absence counts from the first transform received: before that, discovery may simply not be done.
    if (this.tree.size > 0) this.startedAt ??= now;
    this.prune(TopicFeeds.writers(ros, '/tf'), TopicFeeds.writers(ros, '/tf_static'), now);
    const out: Finding[] = [];
    this.states = this.settings.pairs.map((pair) => this.check(pair, now));
    for (const s of this.states) {
      if (!s.problem) continue;
      out.push({ code: GRAPH_TF_STALE, severity: FAULT_SEVERITY.ERROR, subject: `pair:${s.pair.parent}>${s.pair.child}`, nodes: [], text: s.problem });
    }
    const orphans = this.tree.orphans();
    this.orphanCount = orphans.length;
    for (const [frame, parent, v] of orphans) {
      out.push({
        code: GRAPH_TF_STALE,
        severity: FAULT_SEVERITY.ERROR,
        subject: `orphan:${frame}`,
        nodes: [],
        text: `frame ${frame}: its parent ${parent} vanished (the transform ${v.parent} → ${parent} ${v.why})`,
      });
    }
    return out;
  }

  /** Takes out the edges whose writer left the graph, and dynamic edges not refreshed for vanish_after_ms. */
  private prune(tf: Set<string>, tfStatic: Set<string>, now: EpochNanos): void {
    const limitUs = this.settings.vanishAfterMs * 1000;
    const drop: [string, string][] = [];
    for (const [child, e] of this.tree.entries()) {
      if (!(e.isStatic ? tfStatic : tf).has(e.writer)) drop.push([child, 'left with its publisher']);
      else if (!e.isStatic && limitUs > 0 && ageMicros(now, e.stamp) > limitUs) drop.push([child, `was not refreshed for ${formatMs(ageMicros(now, e.stamp))}`]);
    }
    for (const [child, why] of drop) this.tree.remove(child, why);
  }

  private check(pair: TfPair, now: EpochNanos): PairState {
    const budgetUs = pair.budgetMs * 1000;
    const name = `${pair.parent} → ${pair.child}`;
    const p = this.tree.path(pair.parent, pair.child);
    if (p.kind !== 'path') {
      // Nothing to measure yet: only a whole budget without a path, after transforms began, is a finding.
      if (this.startedAt === undefined || ageMicros(now, this.startedAt) <= budgetUs) return { pair };
      const why = p.kind === 'unknown' ? `frame ${p.frame} is not in the tree` : `they are in separate trees (roots ${p.roots[0]} and ${p.roots[1]})`;
      return { pair, problem: `no transform ${name}: ${why}` };
    }
    let ageUs: number | undefined;
    let oldest = '';
    for (const [child, e] of p.edges) {
      if (e.isStatic) continue;
      const a = ageMicros(now, e.stamp);
      if (ageUs === undefined || a > ageUs) {
        ageUs = a;
        oldest = `${e.parent} → ${child}`;
      }
    }
    if (ageUs === undefined || ageUs <= budgetUs) return { pair, ageUs };
    const via = oldest === name ? '' : `; oldest link ${oldest}`;
    return { pair, ageUs, problem: `transform ${name} is ${formatMs(ageUs)} old (budget ${pair.budgetMs} ms${via})` };
  }

  status(): Record<string, unknown> {
    let statics = 0;
    for (const [, e] of this.tree.entries()) if (e.isStatic) statics++;
    return {
      frames: this.tree.size,
      static_frames: statics,
      refused_transforms: this.tree.refused,
      orphaned_frames: this.orphanCount,
      subscriptions: this.feeds.status(this.id),
      pairs: this.states.map((s) => ({ parent: s.pair.parent, child: s.pair.child, budget_ms: s.pair.budgetMs, age_ms: s.ageUs === undefined ? null : Math.trunc(s.ageUs / 1000), stale: !!s.problem })),
    };
  }

  close(): void {
    this.feeds.set(this.id, []);
  }
}
