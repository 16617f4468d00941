// Deliberate writes (docs/resources.md "Writes are deliberate", issue 56): `data.write.allow` limits which topics
// may be written at all (403), and a topic that other nodes publish, or whose name matches
// `data.write.confirm_patterns`, is written only when the request names it in `confirm` (409 without).
// Patterns are checked at start-up (fail closed) and matched without regular expressions.
import { ConfigError } from '@medkit/kit';
import { SovdError } from '@medkit/sovd';
import { normalizeTopicId } from './items.js';

export const ALLOW_KEY = 'data.write.allow';
export const CONFIRM_KEY = 'data.write.confirm_patterns';
/** The request body field that confirms a write. */
export const CONFIRM_FIELD = 'confirm';

const MAX_PATTERN = 256;
const MAX_STARS = 16;
const PATTERN_CHARS = /^[A-Za-z0-9_/*]+$/;

/** Why `pattern` cannot be a topic pattern, or undefined when it can. */
export function topicPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'is empty';
  if (pattern.length > MAX_PATTERN) return `is longer than ${MAX_PATTERN} characters`;
  if (!PATTERN_CHARS.test(pattern)) return "may hold only letters, digits, '_', '/' and '*' (a full topic name with * for any run of characters)";
  if (!pattern.startsWith('/') && !pattern.startsWith('*')) return "must start with '/' (a full topic name) or '*'";
  if (pattern.includes('//')) return "contains '//', which no topic name has";
  if (pattern.length > 1 && pattern.endsWith('/')) return "ends with '/', which no topic name does";
  if ([...pattern].filter((c) => c === '*').length > MAX_STARS) return `has more than ${MAX_STARS} '*'`;
  return undefined;
}

/**
 * Whether `topic` matches `pattern` in full: `*` stands for any run of characters (slashes included), every
 * other character for itself, case-sensitively. Linear backtracking to the last `*` (no regular expression).
 * Not rtps's fnmatch: that lives with DDS-Security, whose chunk (pkijs) a default gateway must not load.
 */
export function matchTopic(pattern: string, topic: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < topic.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === topic[t]) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Checks every pattern of `key`; an invalid one stops start-up (ConfigError naming the key and the pattern). */
export function checkTopicPatterns(key: string, patterns: readonly string[]): string[] {
  for (const p of patterns) {
    const problem = topicPatternProblem(p);
    if (problem) throw new ConfigError(`${key}: pattern '${p.slice(0, 80)}' ${problem}; refusing to start (fix or remove it)`);
  }
  return [...patterns];
}

/** A publisher of the topic as the ROS graph knows it. */
export interface TopicPublisher {
  node?: { name: string; namespace: string };
  participantGuid: string;
}

/** Node names of `publishers` (fully qualified), unnamed endpoints by their participant; sorted, unique. */
export function publisherNames(publishers: readonly TopicPublisher[]): string[] {
  const names = publishers.map((e) =>
    e.node ? `${e.node.namespace === '/' ? '' : e.node.namespace}/${e.node.name}` : `(unnamed node of participant ${e.participantGuid.slice(0, 12)})`,
  );
  return [...new Set(names)].sort();
}

export class WriteRules {
  readonly allow: readonly string[];
  readonly confirmPatterns: readonly string[];

  /** Throws ConfigError on an invalid pattern. */
  constructor(allow: readonly string[], confirmPatterns: readonly string[]) {
    this.allow = checkTopicPatterns(ALLOW_KEY, allow);
    this.confirmPatterns = checkTopicPatterns(CONFIRM_KEY, confirmPatterns);
  }

  /** 403 forbidden unless `data.write.allow` lets `topic` (a data id, normalized here) be written. */
  checkAllowed(topic: string, params: Record<string, unknown>): void {
    const t = normalizeTopicId(topic);
    if (this.allow.some((p) => matchTopic(p, t))) return;
    const allowed = this.allow.length === 0 ? 'no topic' : this.allow.join(', ');
    throw new SovdError('forbidden', `Writing ${t} is not allowed by ${ALLOW_KEY} (allowed: ${allowed})`, { ...params, topic_name: t, key: ALLOW_KEY, allowed: [...this.allow] });
  }

  /** The first command pattern `topic` matches, if any. */
  commandPattern(topic: string): string | undefined {
    return this.confirmPatterns.find((p) => matchTopic(p, topic));
  }

  /**
   * The confirmation rule for a write on `topic` (a normalized topic path) that `publishers` (other nodes)
   * publish: a `confirm` that names another topic is 400 invalid-parameter; a missing one where it is
   * needed is 409 precondition-not-fulfilled naming the topic, its publishers and the matching pattern.
   */
  checkConfirmed(topic: string, publishers: readonly string[], confirm: unknown, params: Record<string, unknown>): void {
    if (confirm !== undefined) {
      if (typeof confirm === 'string' && confirm.length <= MAX_PATTERN && normalizeTopicId(confirm) === topic) return;
      const shown = typeof confirm === 'string' ? `'${confirm.slice(0, 80)}'` : typeof confirm;
      throw new SovdError('invalid-parameter', `${CONFIRM_FIELD} names ${shown}, not ${topic}: a confirmation must name the topic written`, {
        ...params,
        topic_name: topic,
        details: `${CONFIRM_FIELD} must be the topic name`,
      });
    }
    const pattern = this.commandPattern(topic);
    if (publishers.length === 0 && !pattern) return;
    const why = [
      ...(publishers.length > 0 ? [`${publishers.join(', ')} ${publishers.length === 1 ? 'publishes' : 'publish'} it`] : []),
      ...(pattern ? [`it matches ${CONFIRM_KEY} '${pattern}'`] : []),
    ].join(' and ');
    throw new SovdError('precondition-not-fulfilled', `Writing ${topic} needs confirmation: ${why}. Send "${CONFIRM_FIELD}": "${topic}" in the body to write it anyway`, {
      ...params,
      topic_name: topic,
      publishers: [...publishers],
      ...(pattern ? { matched_pattern: pattern, key: CONFIRM_KEY } : {}),
      confirm_field: CONFIRM_FIELD,
    });
  }
}

/** The rules with every key at its default (tests, plugin-only gateways). */
export const DEFAULT_ALLOW = ['*'];
export const DEFAULT_CONFIRM_PATTERNS = ['*cmd_vel*', '*joint_trajectory*', '*emergency_stop*', '*estop*'];
