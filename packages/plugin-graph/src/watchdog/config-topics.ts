// Configuration of the watchdog's topic detectors (docs/graph.md): `detectors.tf_stale`, `.latency_budget`
// and `.value`. Their pairs, chains, budgets, rules and bounds decide when a fault raises, so an invalid one
// throws naming the key (the plugin does not start) instead of silently falling back.
import { int, limit, mode, obj, unknownKeys, type DetectorMode, type Warn } from './config-fields.js';
import type { LatencyChain } from './latency/latency-budget.js';
import type { TfPair } from './tf/tf-stale.js';
import { MAX_FRAME_NAME } from './tf/frame-tree.js';
import type { RuleLimits } from './value/rule.js';

export interface TfStaleConfig {
  mode: DetectorMode;
  grace: number;
  pairs: TfPair[];
  vanishAfterMs: number;
  maxFrames: number;
}

export interface LatencyConfig {
  mode: DetectorMode;
  grace: number;
  chains: LatencyChain[];
  windowMs: number;
  maxWindowSamples: number;
  minSamples: number;
}

export interface ValueConfig {
  mode: DetectorMode;
  grace: number;
  storagePath: string;
  maxRules: number;
  maxWindowSamples: number;
  limits: RuleLimits;
  rules: unknown[];
}

const fail = (where: string, m: string): never => {
  throw new Error(`${where}${m}`);
};

/** Unknown keys inside a pair, chain or rule are refused: a misspelt budget must not fall back silently. */
function strictKeys(o: Record<string, unknown>, known: string[], at: string): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) fail(at, `${k}: unknown key (known: ${known.join(', ')})`);
}

function list(raw: Record<string, unknown>, key: string, where: string, max: number): unknown[] {
  const v = raw[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(where, `${key}: must be a list`);
  if ((v as unknown[]).length > max) fail(where, `${key}: more than ${max} entries`);
  return v as unknown[];
}

function frame(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_FRAME_NAME) fail(where, `must be a frame name of 1–${MAX_FRAME_NAME} characters`);
  return (v as string).replace(/^\//, '');
}

export function readTfStale(raw: Record<string, unknown>, where: string, warn: Warn): TfStaleConfig {
  unknownKeys(raw, ['mode', 'grace', 'pairs', 'chains', 'budget_ms', 'vanish_after_ms', 'max_frames', 'max_pairs'], where, warn);
  const maxPairs = limit(raw, 'max_pairs', 256, 1, 10_000, where);
  const budget = limit(raw, 'budget_ms', 500, 1, 3_600_000, where);
  const pairs: TfPair[] = [];
  list(raw, 'pairs', where, maxPairs).forEach((p, i) => {
    const o = obj(p);
    const at = `${where}pairs[${i}].`;
    strictKeys(o, ['parent', 'child', 'budget_ms'], at);
    pairs.push({ parent: frame(o.parent, `${at}parent: `), child: frame(o.child, `${at}child: `), budgetMs: limit(o, 'budget_ms', budget, 1, 3_600_000, at) });
  });
  list(raw, 'chains', where, maxPairs).forEach((c, i) => {
    const o = obj(c);
    const at = `${where}chains[${i}].`;
    strictKeys(o, ['frames', 'budget_ms'], at);
    const frames = Array.isArray(o.frames) ? o.frames.map((f, j) => frame(f, `${at}frames[${j}]: `)) : fail(at, 'frames: must be a list of at least two frames');
    if (frames.length < 2) fail(at, 'frames: must be a list of at least two frames');
    const budgetMs = limit(o, 'budget_ms', budget, 1, 3_600_000, at);
    for (let j = 1; j < frames.length; j++) pairs.push({ parent: frames[j - 1], child: frames[j], budgetMs });
  });
  if (pairs.length > maxPairs) fail(where, `pairs and chains make ${pairs.length} frame pairs, more than max_pairs ${maxPairs}`);
  // Subscribing to /tf costs on every robot: without anything to check the detector stays off unless asked.
  const m = 'mode' in raw || pairs.length > 0 ? mode(raw, where, warn) : 'off';
  return {
    mode: m,
    grace: int(raw, 'grace', 1, 0, 10_000, where, warn),
    pairs,
    vanishAfterMs: limit(raw, 'vanish_after_ms', 0, 0, 86_400_000, where),
    maxFrames: limit(raw, 'max_frames', 1024, 1, 100_000, where),
  };
}

const CHAIN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const TOPIC = /^\/[A-Za-z0-9_~/]{1,255}$/;

export function readLatency(raw: Record<string, unknown>, where: string, warn: Warn): LatencyConfig {
  unknownKeys(raw, ['mode', 'grace', 'chains', 'window_ms', 'max_window_samples', 'min_samples', 'max_chains'], where, warn);
  const maxChains = limit(raw, 'max_chains', 64, 1, 1024, where);
  const names = new Set<string>();
  const chains = list(raw, 'chains', where, maxChains).map((c, i): LatencyChain => {
    const o = obj(c);
    const at = `${where}chains[${i}].`;
    strictKeys(o, ['name', 'topics', 'function', 'budget_ms', 'stat'], at);
    const name = typeof o.name === 'string' && CHAIN_NAME.test(o.name) ? o.name : fail(at, 'name: 1–64 characters of A-Z a-z 0-9 _ . -');
    if (names.has(name)) fail(at, `name: ${name} is used by another chain`);
    names.add(name);
    const topics = o.topics === undefined ? [] : Array.isArray(o.topics) && o.topics.length <= 64 ? o.topics.map((t, j) => (typeof t === 'string' && TOPIC.test(t) ? t : fail(at, `topics[${j}]: must be an absolute topic name`))) : fail(at, 'topics: a list of at most 64 topic names');
    const fn = o.function === undefined ? undefined : typeof o.function === 'string' && CHAIN_NAME.test(o.function) ? o.function : fail(at, 'function: a Function id');
    if ((topics.length > 0) === (fn !== undefined)) fail(at, 'give either topics (the last one is measured) or function');
    const stat = o.stat ?? 'p99';
    if (stat !== 'p50' && stat !== 'p99') fail(at, 'stat: p50 or p99');
    if (!('budget_ms' in o)) fail(at, 'budget_ms: required');
    return { name, topics, ...(fn !== undefined ? { functionId: fn } : {}), budgetMs: limit(o, 'budget_ms', 0, 1, 3_600_000, at), stat: stat as 'p50' | 'p99' };
  });
  return {
    mode: mode(raw, where, warn),
    grace: int(raw, 'grace', 1, 0, 10_000, where, warn),
    chains,
    windowMs: limit(raw, 'window_ms', 10_000, 100, 3_600_000, where),
    maxWindowSamples: limit(raw, 'max_window_samples', 1024, 1, 100_000, where),
    minSamples: limit(raw, 'min_samples', 5, 1, 100_000, where),
  };
}

export function readValue(raw: Record<string, unknown>, where: string, warn: Warn): ValueConfig {
  unknownKeys(raw, ['mode', 'grace', 'rules', 'storage_path', 'max_rules', 'max_sources_per_rule', 'max_expression_length', 'max_expression_depth', 'max_window_ms', 'max_window_samples'], where, warn);
  const maxRules = limit(raw, 'max_rules', 64, 1, 10_000, where);
  const storagePath = raw.storage_path ?? '';
  if (typeof storagePath !== 'string') fail(where, 'storage_path: must be a file path');
  return {
    mode: mode(raw, where, warn),
    grace: int(raw, 'grace', 1, 0, 10_000, where, warn),
    storagePath: storagePath as string,
    maxRules,
    maxWindowSamples: limit(raw, 'max_window_samples', 1024, 2, 100_000, where),
    limits: {
      maxSources: limit(raw, 'max_sources_per_rule', 8, 1, 64, where),
      maxLength: limit(raw, 'max_expression_length', 256, 1, 4096, where),
      maxDepth: limit(raw, 'max_expression_depth', 16, 1, 64, where),
      maxWindowMs: limit(raw, 'max_window_ms', 3_600_000, 100, 86_400_000, where),
    },
    rules: list(raw, 'rules', where, maxRules),
  };
}
