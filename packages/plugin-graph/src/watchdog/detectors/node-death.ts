// `node_death` (docs/graph.md, the reference's graph watchdog node-death check): a node that was seen leaves
// the ROS graph. A node is watched once it has armed (present `warmup_cycles` consecutive sweeps), so start-up
// churn and one-shot tools do not count. It may be missing `miss_grace` consecutive sweeps (a quick restart)
// before GRAPH_NODE_DISAPPEARED raises; a node back in the graph ends its finding; a node still gone
// `prune_grace` sweeps after it raised is forgotten, which ends the finding too (a deliberately removed node
// does not stay faulted). A clean shutdown (participant disposed) and a crash (lease expired) both count: the
// graph only tells us the node is gone.
import { FAULT_SEVERITY, type Detector, type Finding, type SweepInput } from './detector.js';

export const GRAPH_NODE_DISAPPEARED = 'GRAPH_NODE_DISAPPEARED';

export interface NodeDeathSettings {
  /** Consecutive sweeps a node may be missing before it raises. */
  missGrace: number;
  /** Sweeps a raised node stays raised before it is forgotten. */
  pruneGrace: number;
  /**
   * The reporting source for a node that just went missing: its FQN when an App that outlives the node stands
   * for it, else undefined (the watchdog's own App).
   */
  sourceOf?: (fqn: string) => string | undefined;
}

/** Nodes watched at most: a peer announcing endless unique node names costs a fixed amount. */
export const NODE_DEATH_TRACKED_CAP = 4096;

interface Watched {
  /** Consecutive sweeps the node has been missing (0 = present). */
  missed: number;
  /** Reporting source chosen when it went missing; kept for the whole absence so one fault gets one source. */
  source?: string;
}

/** ROS hides nodes whose name starts with `_` (CLI daemons, `ros2 topic echo`): they come and go by design. */
function hidden(fqn: string): boolean {
  return fqn.charCodeAt(fqn.lastIndexOf('/') + 1) === 0x5f;
}

export class NodeDeathDetector implements Detector {
  readonly id = 'node_death';
  readonly codes = [GRAPH_NODE_DISAPPEARED];
  /** The detector counts misses itself (it must see absence, which the watchdog's grace cannot hold). */
  readonly grace = 1;
  private readonly watched = new Map<string, Watched>();
  private saturated = false;
  private skipped = false;

  constructor(private readonly settings: NodeDeathSettings) {}

  sweep({ topology, armed, ros }: SweepInput): Finding[] {
    // Without ROS, or with nodes cut off by max_nodes, absence proves nothing: hold every count.
    this.skipped = !ros || topology.nodesTruncated === true;
    if (this.skipped) return this.findings();
    const present = new Set<string>();
    this.saturated = false;
    for (const n of topology.nodes) {
      if (hidden(n.fqn)) continue;
      present.add(n.fqn);
      const w = this.watched.get(n.fqn);
      if (w) {
        w.missed = 0;
        w.source = undefined;
      } else if (armed(n.fqn)) {
        if (this.watched.size < NODE_DEATH_TRACKED_CAP) this.watched.set(n.fqn, { missed: 0 });
        else this.saturated = true;
      }
    }
    const { missGrace, pruneGrace } = this.settings;
    for (const [fqn, w] of this.watched) {
      if (present.has(fqn)) continue;
      if (w.missed === 0) w.source = this.settings.sourceOf?.(fqn);
      w.missed++;
      if (w.missed > missGrace + pruneGrace) this.watched.delete(fqn);
    }
    return this.findings();
  }

  private findings(): Finding[] {
    const out: Finding[] = [];
    for (const [fqn, w] of this.watched) {
      if (w.missed <= this.settings.missGrace) continue;
      out.push({
        code: GRAPH_NODE_DISAPPEARED,
        severity: FAULT_SEVERITY.ERROR,
        subject: fqn,
        // No nodes to gate on: a gone node is never armed; it was armed before it was watched.
        nodes: [],
        text: `${fqn} left the ROS graph (missing ${w.missed} sweeps)`,
        ...(w.source ? { source: w.source } : {}),
      });
    }
    return out;
  }

  status(): Record<string, unknown> {
    let missing = 0;
    for (const w of this.watched.values()) if (w.missed > 0) missing++;
    return {
      miss_grace: this.settings.missGrace,
      prune_grace: this.settings.pruneGrace,
      watched_nodes: this.watched.size,
      missing_nodes: missing,
      tracking_saturated: this.saturated,
      sweep_skipped: this.skipped,
    };
  }
}
