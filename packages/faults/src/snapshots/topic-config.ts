// Snapshot topic configuration and per-fault topic resolution (docs/faults.md).
import { parse as parseYaml } from 'yaml';
import type { FaultLogger } from '../log.js';
import { silentLogger } from '../log.js';
import type { TopicGraph } from './sampler.js';

export interface SnapshotTopicConfig {
  fault_specific: Map<string, string[]>;
  /** In YAML declaration order; first whole-code match wins (docs/faults.md decision Q4). */
  patterns: { source: string; regex: RegExp; topics: string[] }[];
  default_topics: string[];
}

const clean = (v: unknown): string[] => (Array.isArray(v) ? v.map(String).map((s) => s.trim()).filter((s) => s !== '') : []);

/**
 * Parses the snapshot YAML (`fault_specific`, `patterns`, `default_topics`). `defaultTopics` (the parameter)
 * wins over the file's `default_topics` when non-empty. Unparsable text logs an error and contributes nothing;
 * invalid regexes are ignored with an error.
 */
export function parseSnapshotTopicConfig(text: string | undefined, defaultTopics: readonly string[] = [], log: FaultLogger = silentLogger): SnapshotTopicConfig {
  const out: SnapshotTopicConfig = { fault_specific: new Map(), patterns: [], default_topics: [...defaultTopics] };
  if (!text) return out;
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    log.error(`snapshot config: cannot parse YAML: ${(err as Error).message}`);
    return out;
  }
  if (typeof doc !== 'object' || doc === null) return out;
  const d = doc as Record<string, unknown>;
  if (d.fault_specific && typeof d.fault_specific === 'object') {
    for (const [code, topics] of Object.entries(d.fault_specific as Record<string, unknown>)) out.fault_specific.set(code, clean(topics));
  }
  if (d.patterns && typeof d.patterns === 'object') {
    for (const [source, topics] of Object.entries(d.patterns as Record<string, unknown>)) {
      try {
        out.patterns.push({ source, regex: new RegExp(`^(?:${source})$`), topics: clean(topics) });
      } catch (err) {
        log.error(`snapshot config: invalid pattern '${source}': ${(err as Error).message}`);
      }
    }
  }
  if (out.default_topics.length === 0) out.default_topics = clean(d.default_topics);
  return out;
}

/** Topics from the config file and parameters (used by the black box `config` mode, docs/faults.md). */
export function allConfiguredTopics(cfg: SnapshotTopicConfig): string[] {
  const set = new Set<string>(cfg.default_topics);
  for (const t of cfg.fault_specific.values()) t.forEach((x) => set.add(x));
  for (const p of cfg.patterns) p.topics.forEach((x) => set.add(x));
  return [...set];
}

const ENTITY_DEFAULT_MAX_TOPICS = 16;
const ENTITY_EXCLUDED = new Set(['/rosout', '/parameter_events']);

interface ResolvedTopics {
  topics: string[];
  /** True when the list came from the reporting nodes' publications (always sampled on demand). */
  entityDefault: boolean;
}

/**
 * Resolves the topics to capture for a confirmed fault (docs/faults.md). `null` = nothing to capture and no frame row.
 * An explicit empty list (fault_specific or pattern) is an opt-out: `{topics: []}` without fallback.
 */
export function resolveSnapshotTopics(
  code: string, sources: readonly string[], cfg: SnapshotTopicConfig, entityDefault: boolean, graph: TopicGraph | undefined, log: FaultLogger = silentLogger,
): ResolvedTopics | null {
  const specific = cfg.fault_specific.get(code);
  if (specific) return { topics: specific, entityDefault: false };
  const pattern = cfg.patterns.find((p) => p.regex.test(code));
  if (pattern) return { topics: pattern.topics, entityDefault: false };
  if (cfg.default_topics.length > 0) return { topics: cfg.default_topics, entityDefault: false };
  if (!entityDefault || !graph) return null;
  const topics = new Set<string>();
  for (const src of sources) {
    if (!src.startsWith('/') || src.length < 2) continue; // bare plugin ids are not nodes
    for (const t of graph.publishedTopics(src)) if (!ENTITY_EXCLUDED.has(t)) topics.add(t);
  }
  let list = [...topics].sort();
  if (list.length > ENTITY_DEFAULT_MAX_TOPICS) {
    log.warn(`fault '${code}': ${list.length} entity topics, capturing the first ${ENTITY_DEFAULT_MAX_TOPICS}`);
    list = list.slice(0, ENTITY_DEFAULT_MAX_TOPICS);
  }
  return list.length > 0 ? { topics: list, entityDefault: true } : null;
}
