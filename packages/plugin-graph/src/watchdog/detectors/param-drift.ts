// `param_drift` (docs/graph.md): a node's parameter differs from the baseline captured when the node armed,
// or from a value pinned with `expect.<param>`. A budgeted round-robin: at most `max_reads_per_tick` nodes are
// read per sweep; findings of a node hold until its next read. Bookkeeping of a node gone for `prune_grace`
// sweeps is dropped (it re-baselines when it comes back).
import { FAULT_SEVERITY, type Detector, type Finding, type SweepInput } from './detector.js';

export const GRAPH_PARAM_DRIFT = 'GRAPH_PARAM_DRIFT';

interface ParamDriftSettings {
  baseline: boolean;
  /** Parameter name → pinned value. */
  expect: Record<string, unknown>;
  /** Glob patterns (`*`, `?`) of parameter names never compared. */
  ignore: string[];
  maxReadsPerTick: number;
  pruneGrace: number;
  /** Deadline of one read. */
  readTimeoutMs: number;
}

/** Parameters compared per node at most. */
const MAX_PARAMS = 256;

interface NodeState {
  baseline?: Map<string, string>;
  lastSeen: number;
  findings: Finding[];
  reads: number;
  failures: number;
}

/** A stable comparison key of a parameter value (bigints and byte arrays included). */
function valueKey(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

export class ParamDriftDetector implements Detector {
  readonly id = 'param_drift';
  readonly codes = [GRAPH_PARAM_DRIFT];
  readonly grace = 1;
  private readonly nodes = new Map<string, NodeState>();
  private readonly ignore: RegExp[];
  private readonly expected: Map<string, string>;
  private cursor = 0;

  constructor(private readonly settings: ParamDriftSettings) {
    this.ignore = settings.ignore.map(globToRegExp);
    this.expected = new Map(Object.entries(settings.expect).map(([k, v]) => [k, valueKey(v)]));
  }

  private ignored(name: string): boolean {
    return this.ignore.some((r) => r.test(name));
  }

  async sweep({ tick, topology, armed, ros }: SweepInput): Promise<Finding[]> {
    // Nodes with parameter services, armed, in FQN order (the round-robin order).
    const targets = topology.nodes.filter((n) => armed(n.fqn) && n.services.includes(`${n.fqn}/get_parameters`)).map((n) => n.fqn);
    for (const fqn of targets) {
      const st = this.nodes.get(fqn) ?? { lastSeen: tick, findings: [], reads: 0, failures: 0 };
      st.lastSeen = tick;
      this.nodes.set(fqn, st);
    }
    for (const [fqn, st] of this.nodes) if (tick - st.lastSeen > this.settings.pruneGrace) this.nodes.delete(fqn);
    if (ros && targets.length > 0) {
      const n = Math.min(this.settings.maxReadsPerTick, targets.length);
      const batch = Array.from({ length: n }, (_, i) => targets[(this.cursor + i) % targets.length]);
      this.cursor = (this.cursor + n) % targets.length;
      await Promise.all(batch.map((fqn) => this.read(fqn, ros)));
    }
    const live = new Set(targets);
    return [...this.nodes.entries()].filter(([fqn]) => live.has(fqn)).flatMap(([, st]) => st.findings);
  }

  private async read(fqn: string, ros: NonNullable<SweepInput['ros']>): Promise<void> {
    const st = this.nodes.get(fqn)!;
    const timeout = this.settings.readTimeoutMs;
    try {
      const names = (st.baseline ? [...st.baseline.keys()] : (await ros.listParameters(fqn, timeout)).filter((n) => !this.ignored(n)).slice(0, MAX_PARAMS));
      for (const k of this.expected.keys()) if (!names.includes(k) && !this.ignored(k) && names.length < MAX_PARAMS) names.push(k);
      const values = await ros.getParameters(fqn, names, timeout);
      st.reads++;
      const now = new Map(values.filter((v) => v.set).map((v) => [v.name, valueKey(v.value)]));
      if (!st.baseline && this.settings.baseline) {
        st.baseline = now;
        st.findings = [];
      }
      const findings: Finding[] = [];
      for (const [name, value] of now) {
        const pinned = this.expected.get(name);
        const base = st.baseline?.get(name);
        const want = pinned ?? base;
        if (want === undefined || want === value) continue;
        findings.push({
          code: GRAPH_PARAM_DRIFT,
          severity: FAULT_SEVERITY.WARN,
          subject: `${fqn}:${name}`,
          nodes: [fqn],
          text: `${fqn} parameter ${name} is ${value}, ${pinned !== undefined ? 'pinned' : 'baseline'} ${want}`,
        });
      }
      st.findings = findings;
    } catch {
      // An unreadable node keeps its last findings; lifecycle_expectation is the detector for unreachable nodes.
      st.failures++;
    }
  }

  status(): Record<string, unknown> {
    return { tracked_nodes: this.nodes.size, baselined: [...this.nodes.values()].filter((s) => s.baseline).length, read_failures: [...this.nodes.values()].reduce((a, s) => a + s.failures, 0) };
  }
}
