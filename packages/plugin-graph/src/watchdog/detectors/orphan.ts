// `orphan` (docs/graph.md): a topic only published and a topic only subscribed whose names differ by a typo.
// Leaf names within `max_edit_distance` (Levenshtein), parent namespaces within `namespace_edit_distance`
// (0 = the same), and names that are equal once digit runs are collapsed are enumerations (`cam1`/`cam2`), not
// typos. One finding per subscriber-only topic (the one nobody publishes to).
import { editDistance } from '@medkit/plugin-api';
import { FAULT_SEVERITY, SYSTEM_TOPICS, type Detector, type Finding, type SweepInput } from './detector.js';

export const GRAPH_ORPHAN = 'GRAPH_ORPHAN';

interface OrphanSettings {
  grace: number;
  maxEditDistance: number;
  namespaceEditDistance: number;
  allowlist: string[];
}

function split(topic: string): { ns: string; leaf: string } {
  const cut = topic.lastIndexOf('/');
  return { ns: topic.slice(0, Math.max(cut, 0)) || '/', leaf: topic.slice(cut + 1) };
}

const collapseDigits = (s: string) => s.replace(/[0-9]+/g, '#');

/** Name comparisons per sweep at most (publisher-only × subscriber-only topics); beyond it the sweep is saturated. */
const MAX_COMPARISONS = 100_000;

export class OrphanDetector implements Detector {
  readonly id = 'orphan';
  readonly codes = [GRAPH_ORPHAN];
  private candidates = { publisher_only: 0, subscriber_only: 0, saturated: false };

  constructor(private readonly settings: OrphanSettings) {}

  get grace(): number {
    return this.settings.grace;
  }

  sweep({ topology }: SweepInput): Finding[] {
    const allow = new Set(this.settings.allowlist);
    const usable = topology.topics.filter((t) => !SYSTEM_TOPICS.has(t.name) && !allow.has(t.name));
    const pubOnly = usable.filter((t) => t.publishers.length > 0 && t.subscribers.length === 0);
    const subOnly = usable.filter((t) => t.subscribers.length > 0 && t.publishers.length === 0);
    this.candidates = { publisher_only: pubOnly.length, subscriber_only: subOnly.length, saturated: false };
    const out: Finding[] = [];
    let budget = MAX_COMPARISONS;
    const { maxEditDistance, namespaceEditDistance } = this.settings;
    for (const s of subOnly) {
      const sn = split(s.name);
      if (budget < pubOnly.length) {
        this.candidates.saturated = true;
        break;
      }
      budget -= pubOnly.length;
      const matches = pubOnly.filter((p) => {
        const pn = split(p.name);
        if (editDistance(sn.ns, pn.ns, namespaceEditDistance) > namespaceEditDistance) return false;
        if (collapseDigits(sn.leaf) === collapseDigits(pn.leaf) && sn.ns === pn.ns) return false;
        const d = editDistance(sn.leaf, pn.leaf, maxEditDistance);
        return d > 0 || sn.ns !== pn.ns ? d <= maxEditDistance : false;
      });
      if (matches.length === 0) continue;
      out.push({
        code: GRAPH_ORPHAN,
        severity: FAULT_SEVERITY.WARN,
        subject: s.name,
        nodes: [...s.subscribers.map((e) => e.node), ...matches.flatMap((m) => m.publishers.map((e) => e.node))],
        text: `${s.name} has subscribers (${s.subscribers.map((e) => e.node).join(', ')}) but no publisher; did they mean ${matches.map((m) => m.name).join(' or ')}?`,
      });
    }
    return out;
  }

  status(): Record<string, unknown> {
    return { ...this.candidates };
  }
}
