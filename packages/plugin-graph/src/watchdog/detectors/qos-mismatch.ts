// `qos_mismatch` (docs/graph.md): every publisher × subscriber pair of a topic checked with the DDS
// requested-vs-offered rules (reliability, durability, deadline, liveliness kind and lease, plus ownership,
// partition and data representation, which refuse a match just the same). A subscriber no publisher can serve
// is an ERROR; one that only some publishers can serve is a WARN. One finding per (topic, subscriber node).
import { qosIncompatibility } from '@medkit/rtps';
import { FAULT_SEVERITY, SYSTEM_TOPICS, type Detector, type Finding, type SweepInput } from './detector.js';

export const GRAPH_QOS_MISMATCH = 'GRAPH_QOS_MISMATCH';
/** Publisher × subscriber pairs checked per sweep at most; beyond it the sweep is saturated (topics by name). */
export const MAX_PAIRS = 200_000;

interface QosMismatchSettings {
  grace: number;
  /** Exact topic names never checked. */
  allowlist: string[];
}

export class QosMismatchDetector implements Detector {
  readonly id = 'qos_mismatch';
  readonly codes = [GRAPH_QOS_MISMATCH];
  private checkedPairs = 0;
  private saturated = false;

  constructor(private readonly settings: QosMismatchSettings) {}

  get grace(): number {
    return this.settings.grace;
  }

  sweep({ topology }: SweepInput): Finding[] {
    const out: Finding[] = [];
    const allow = new Set(this.settings.allowlist);
    this.checkedPairs = 0;
    this.saturated = false;
    for (const t of topology.topics) {
      if (SYSTEM_TOPICS.has(t.name) || allow.has(t.name) || t.publishers.length === 0) continue;
      for (const sub of t.subscribers) {
        if (this.checkedPairs + t.publishers.length > MAX_PAIRS) {
          this.saturated = true;
          return out;
        }
        const refused: string[] = [];
        for (const pub of t.publishers) {
          this.checkedPairs++;
          const why = qosIncompatibility(pub.qos, sub.qos);
          if (why) refused.push(`${pub.node}: ${why}`);
        }
        if (refused.length === 0) continue;
        const all = refused.length === t.publishers.length;
        out.push({
          code: GRAPH_QOS_MISMATCH,
          severity: all ? FAULT_SEVERITY.ERROR : FAULT_SEVERITY.WARN,
          subject: `${t.name}|${sub.node}`,
          nodes: [sub.node, ...t.publishers.map((p) => p.node)],
          text: `${t.name}: subscriber ${sub.node} is incompatible with ${all ? 'every publisher' : `${refused.length} of ${t.publishers.length} publishers`} (${refused.join('; ')})`,
        });
      }
    }
    return out;
  }

  status(): Record<string, unknown> {
    return { checked_pairs: this.checkedPairs, saturated: this.saturated };
  }
}
