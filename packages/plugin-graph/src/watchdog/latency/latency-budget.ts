// `latency_budget` (docs/graph.md): GRAPH_LATENCY_BUDGET per configured chain whose messages arrive at the
// chain's last topic too old. The age of a message is the gateway's clock minus its `header.stamp` (stamped at
// the chain's start and carried along, as ROS pipelines do); over a time window the detector takes p50 and p99
// and compares the chain's `stat` (p99 by default) with its budget. A Function's pipeline is a chain whose last
// topics are the ones its Apps publish and none of them subscribes (its outputs).
import { isExcludedTopic } from '../../provider/build.js';
import { FAULT_SEVERITY, type Detector, type Finding, type SweepInput } from '../detectors/detector.js';
import { TopicFeeds } from '../feeds.js';
import { percentile, SampleWindow } from '../sample-window.js';
import { formatMs, stampAge, wallNanos, type EpochNanos, type InvalidStamp } from '../stamp.js';
import type { Topology } from '../topology.js';

export const GRAPH_LATENCY_BUDGET = 'GRAPH_LATENCY_BUDGET';
/** Outputs of one Function's pipeline subscribed at most. */
export const MAX_FUNCTION_SINKS = 16;

export interface LatencyChain {
  name: string;
  /** The chain's topics in order (the last one is measured); empty for a Function chain. */
  topics: string[];
  /** A Function id: the chain is that Function's pipeline. */
  functionId?: string;
  budgetMs: number;
  stat: 'p50' | 'p99';
}

export interface LatencySettings {
  grace: number;
  chains: LatencyChain[];
  windowMs: number;
  maxWindowSamples: number;
  /** Samples a window needs before it may raise. */
  minSamples: number;
  /** Node FQNs of a Function's Apps, or undefined for an unknown Function. */
  functionNodes?: (functionId: string) => string[] | undefined;
  now?: () => EpochNanos;
  /** Monotonic milliseconds (window ages). */
  monoMs?: () => number;
}

interface ChainState {
  chain: LatencyChain;
  window: SampleWindow;
  lastTopics: string[];
  /** Messages without a usable stamp, in all and by reason (stamp.ts stampAge). */
  unstamped: number;
  invalid: Record<Exclude<InvalidStamp, 'missing'>, number>;
  /** When the last message without a usable stamp arrived (monotonic ms), and why it had none. */
  lastUnusableAt?: number;
  lastUnusable?: InvalidStamp;
  p50?: number;
  p99?: number;
  /** The measured stat of the last window that judged the chain over budget (µs). */
  lastOverUs?: number;
  over: boolean;
  /** Over budget by the last judgement, and since then only messages without a usable stamp: not healed. */
  stampMissing: boolean;
  problem?: string;
}

/** A Function's outputs: topics its nodes publish and none of them subscribes (ROS plumbing left out). */
export function functionSinks(topology: Topology, nodes: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const t of topology.topics) {
    if (isExcludedTopic(t.name)) continue;
    if (!t.publishers.some((e) => nodes.has(e.node)) || t.subscribers.some((e) => nodes.has(e.node))) continue;
    out.push(t.name);
    if (out.length >= MAX_FUNCTION_SINKS) break;
  }
  return out;
}

export class LatencyBudgetDetector implements Detector {
  readonly id = 'latency_budget';
  readonly codes = [GRAPH_LATENCY_BUDGET];
  private readonly states: ChainState[];
  private readonly now: () => EpochNanos;
  private readonly monoMs: () => number;

  constructor(
    private readonly settings: LatencySettings,
    private readonly feeds: TopicFeeds,
  ) {
    this.now = settings.now ?? wallNanos;
    this.monoMs = settings.monoMs ?? (() => performance.now());
    this.states = settings.chains.map((chain) => ({ chain, window: new SampleWindow(settings.maxWindowSamples), lastTopics: [], unstamped: 0, invalid: { zero: 0, not_wall_clock: 0, future: 0 }, over: false, stampMissing: false }));
    for (const s of this.states) if (s.chain.topics.length > 0) this.listen(s, [s.chain.topics[s.chain.topics.length - 1]]);
  }

  get grace(): number {
    return this.settings.grace;
  }

  private listen(s: ChainState, topics: string[]): void {
    if (topics.join('\n') === s.lastTopics.join('\n')) return;
    s.lastTopics = topics;
    this.feeds.set(`${this.id}:${s.chain.name}`, topics.map((topic) => ({ topic, on: (m) => this.take(s, m) })));
  }

  private take(s: ChainState, m: Record<string, unknown>): void {
    const age = stampAge((m.header as { stamp?: unknown } | undefined)?.stamp, this.now());
    if (typeof age !== 'number') {
      s.unstamped++;
      if (age !== 'missing') s.invalid[age]++;
      s.lastUnusableAt = this.monoMs();
      s.lastUnusable = age;
      return;
    }
    s.window.push(this.monoMs(), age);
  }

  sweep({ tick, topology, ros }: SweepInput): Finding[] {
    for (const s of this.states) {
      const id = s.chain.functionId;
      if (id === undefined) continue;
      const nodes = this.settings.functionNodes?.(id);
      s.problem = nodes ? undefined : `Function ${id} is not known`;
      this.listen(s, nodes ? functionSinks(topology, new Set(nodes)) : []);
    }
    this.feeds.sync(ros, tick);
    const out: Finding[] = [];
    const since = this.monoMs() - this.settings.windowMs;
    for (const s of this.states) {
      s.window.dropBefore(since);
      const ages = s.window.samples().map((x) => x.value);
      s.p50 = percentile(ages, 50);
      s.p99 = percentile(ages, 99);
      const measured = s.chain.stat === 'p50' ? s.p50 : s.p99;
      const judged = ages.length >= this.settings.minSamples && measured !== undefined;
      // A message without a usable stamp (zero, simulation time, ...) is no evidence of good latency: while the
      // window holds only such messages the last judgement stands. Only good samples or silence heal a chain.
      const unusable = s.lastUnusableAt !== undefined && s.lastUnusableAt >= since;
      if (judged) s.over = measured > s.chain.budgetMs * 1000;
      else if (!unusable) s.over = false;
      if (judged && s.over) s.lastOverUs = measured;
      s.stampMissing = s.over && !judged;
      if (!s.over) continue;
      out.push({ code: GRAPH_LATENCY_BUDGET, severity: FAULT_SEVERITY.ERROR, subject: s.chain.name, nodes: [], text: this.text(s, ages.length) });
    }
    return out;
  }

  private text(s: ChainState, samples: number): string {
    const head = `chain ${s.chain.name} (${this.route(s)})`;
    const over = `${s.chain.stat} ${formatMs(s.lastOverUs!)} over budget ${s.chain.budgetMs} ms`;
    const messages = `${samples} message${samples === 1 ? '' : 's'}`;
    if (s.stampMissing) return `${head}: stamp missing (${s.lastUnusable} header.stamp), so the chain is not healed: last measured ${over}; ${messages} with a usable stamp in ${this.settings.windowMs} ms`;
    return `${head}: ${over} (p50 ${formatMs(s.p50!)}, p99 ${formatMs(s.p99!)}, ${messages} in ${this.settings.windowMs} ms)`;
  }

  private route(s: ChainState): string {
    if (s.chain.functionId !== undefined) return `Function ${s.chain.functionId}, outputs ${s.lastTopics.join(', ') || 'none'}`;
    return s.chain.topics.join(' → ');
  }

  status(): Record<string, unknown> {
    const ms = (us: number | undefined) => (us === undefined ? null : Math.trunc(us / 100) / 10);
    return {
      window_ms: this.settings.windowMs,
      chains: this.states.map((s) => ({
        name: s.chain.name,
        measured_topics: s.lastTopics,
        budget_ms: s.chain.budgetMs,
        stat: s.chain.stat,
        samples: s.window.size,
        p50_ms: ms(s.p50),
        p99_ms: ms(s.p99),
        over_budget: s.over,
        stamp_missing: s.stampMissing,
        unstamped_messages: s.unstamped,
        invalid_stamps: { ...s.invalid },
        dropped_samples: s.window.overflowed,
        ...(s.problem ? { problem: s.problem } : {}),
      })),
      subscriptions: this.feeds.status(this.id),
    };
  }

  close(): void {
    for (const s of this.states) this.feeds.set(`${this.id}:${s.chain.name}`, []);
  }
}
