// `lifecycle_expectation` (docs/graph.md): nodes named in `require_active` (an App id, a full FQN, or a bare
// leaf name = that node in every namespace) must be managed lifecycle nodes in state `active`. Reads are
// budgeted per sweep (round-robin) and each has a deadline; a node's last verdict holds until its next read.
import { FAULT_SEVERITY, type Detector, type Finding, type SweepInput } from './detector.js';

export const GRAPH_NODE_INACTIVE = 'GRAPH_NODE_INACTIVE';
export const GRAPH_NODE_UNREADABLE = 'GRAPH_NODE_UNREADABLE';
export const GRAPH_NODE_NOT_MANAGED = 'GRAPH_NODE_NOT_MANAGED';

interface LifecycleSettings {
  requireActive: string[];
  grace: number;
  pruneGrace: number;
  trackedNodeCap: number;
  maxReadsPerTick: number;
  readTimeoutMs: number;
  /** App id → node FQN (for `require_active` entries naming Apps). */
  appFqn: (appId: string) => string | undefined;
}

interface Tracked {
  lastSeen: number;
  /** Last read lifecycle label, or why it could not be read. */
  label?: string;
  finding?: Finding;
}

export class LifecycleExpectationDetector implements Detector {
  readonly id = 'lifecycle_expectation';
  readonly codes = [GRAPH_NODE_INACTIVE, GRAPH_NODE_UNREADABLE, GRAPH_NODE_NOT_MANAGED];
  private readonly tracked = new Map<string, Tracked>();
  private saturated = false;
  private cursor = 0;

  constructor(private readonly settings: LifecycleSettings) {}

  get grace(): number {
    return this.settings.grace;
  }

  /** Last lifecycle label of a tracked node (for the status route). */
  labelOf(fqn: string): string | undefined {
    return this.tracked.get(fqn)?.label;
  }

  private required(fqn: string): boolean {
    const leaf = fqn.slice(fqn.lastIndexOf('/') + 1);
    return this.settings.requireActive.some((r) => (r.startsWith('/') ? r === fqn : this.settings.appFqn(r) === fqn || r === leaf));
  }

  async sweep({ tick, topology, armed, ros }: SweepInput): Promise<Finding[]> {
    if (this.settings.requireActive.length === 0) return [];
    const present = topology.nodes.filter((n) => this.required(n.fqn));
    this.saturated = false;
    for (const n of present) {
      const t = this.tracked.get(n.fqn);
      if (t) t.lastSeen = tick;
      else if (this.tracked.size < this.settings.trackedNodeCap) this.tracked.set(n.fqn, { lastSeen: tick });
      else this.saturated = true;
    }
    for (const [fqn, t] of this.tracked) if (tick - t.lastSeen > this.settings.pruneGrace) this.tracked.delete(fqn);
    const due = [...this.tracked.entries()].filter(([fqn, t]) => t.lastSeen === tick && armed(fqn)).map(([fqn]) => fqn);
    if (ros && due.length > 0) {
      const n = Math.min(this.settings.maxReadsPerTick, due.length);
      const batch = Array.from({ length: n }, (_, i) => due[(this.cursor + i) % due.length]);
      this.cursor = (this.cursor + n) % due.length;
      await Promise.all(batch.map((fqn) => this.read(fqn, ros)));
    }
    return due.flatMap((fqn) => this.tracked.get(fqn)?.finding ?? []);
  }

  private async read(fqn: string, ros: NonNullable<SweepInput['ros']>): Promise<void> {
    const t = this.tracked.get(fqn)!;
    const finding = (code: string, severity: number, text: string): Finding => ({ code, severity, subject: fqn, nodes: [fqn], text });
    if (!ros.isManaged(fqn)) {
      t.label = 'unmanaged';
      t.finding = finding(GRAPH_NODE_NOT_MANAGED, FAULT_SEVERITY.WARN, `${fqn} must be active but is not a managed (lifecycle) node`);
      return;
    }
    try {
      const state = await ros.lifecycleState(fqn, this.settings.readTimeoutMs);
      t.label = state.label;
      t.finding = state.label === 'active' ? undefined : finding(GRAPH_NODE_INACTIVE, FAULT_SEVERITY.ERROR, `${fqn} must be active but is ${state.label}`);
    } catch (err) {
      t.label = 'unreadable';
      t.finding = finding(GRAPH_NODE_UNREADABLE, FAULT_SEVERITY.WARN, `${fqn} lifecycle state could not be read: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  status(): Record<string, unknown> {
    return { tracked_nodes: this.tracked.size, tracked_node_cap: this.settings.trackedNodeCap, tracking_saturated: this.saturated };
  }
}
