// Which topics the black box records (docs/faults.md) and, in `entity` mode, which of them a fault's bag
// keeps (docs/faults.md "entity mode scope").
import type { RosbagConfig } from '../config.js';
import type { TopicGraph } from '../snapshots/sampler.js';

type TopicMode = 'broad' | 'config' | 'explicit' | 'list';

const SENSOR_MARKERS = ['/image', '/points', '/depth', '/compressed'];

export interface TopicSelection {
  mode: TopicMode;
  /** Whether `topics: entity` (scope filtering per fault). */
  entityScoped: boolean;
  /** Topics to subscribe to given the graph's current topic names. */
  select(graphTopics: readonly string[]): string[];
  /** Whether a message on `topic` may enter the buffer. */
  accepts(topic: string): boolean;
}

/** Builds the selection for `cfg.topics` (`entity` | `config` | `all` | `auto` | `explicit` | comma list). */
export function topicSelection(cfg: RosbagConfig, configTopics: readonly string[]): TopicSelection {
  const raw = cfg.topics.trim();
  const exclude = new Set(cfg.exclude_topics);
  const include = cfg.include_topics;
  const broadOk = (t: string) => !t.includes('/parameter_events') && !t.includes('/rosout')
    && !(cfg.exclude_sensor_topics && SENSOR_MARKERS.some((m) => t.includes(m)));
  if (raw === 'entity' || raw === 'all' || raw === 'auto') {
    const accepts = (t: string) => !exclude.has(t) && (include.includes(t) || broadOk(t));
    return {
      mode: 'broad',
      entityScoped: raw === 'entity',
      select: (graph) => [...new Set([...graph.filter(accepts), ...include.filter((t) => !exclude.has(t))])].sort(),
      accepts,
    };
  }
  let fixed: string[];
  let mode: TopicMode;
  if (raw === 'config') { mode = 'config'; fixed = [...configTopics, ...include]; }
  else if (raw === 'explicit') { mode = 'explicit'; fixed = [...include]; }
  else { mode = 'list'; fixed = [...raw.split(',').map((t) => t.trim()).filter((t) => t !== ''), ...include]; }
  const set = new Set(fixed.filter((t) => !exclude.has(t)));
  return { mode, entityScoped: false, select: () => [...set].sort(), accepts: (t) => set.has(t) };
}

/**
 * Entity scope of a fault (docs/faults.md): topics its reporting nodes publish or subscribe to, plus `/tf` and
 * `/tf_static` when anything was found, intersected with `recorded`. `null` = unresolved (write everything).
 */
export function entityScope(sources: readonly string[], graph: TopicGraph | undefined, recorded: ReadonlySet<string>): Set<string> | null {
  if (!graph) return null;
  const found = new Set<string>();
  for (const s of sources) {
    for (const t of graph.publishedTopics(s)) found.add(t);
    for (const t of graph.subscribedTopics?.(s) ?? []) found.add(t);
  }
  if (found.size > 0) { found.add('/tf'); found.add('/tf_static'); }
  const scoped = new Set([...found].filter((t) => recorded.has(t)));
  return scoped.size > 0 ? scoped : null;
}
