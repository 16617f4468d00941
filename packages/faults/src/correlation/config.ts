// Correlation rules file (docs/faults.md): parse, validate, compile code globs.
import { parse as parseYaml } from 'yaml';

type Representative = 'first' | 'most_recent' | 'highest_severity';

/** Where a fault comes from, for rules that name an entity or a gateway (docs/faults.md "Correlation rules"). */
export interface FaultOrigin {
  /** The peer gateway (this gateway's name for it); absent for this gateway's own faults. */
  gateway?: string;
  /** The fault's reporting sources (node paths). */
  sources?: readonly string[];
}

interface CodeMatcher {
  /** Source patterns, for messages. */
  readonly sources: string[];
  /** By code and, where the rule names them, entity and gateway. */
  matches(code: string, origin?: FaultOrigin): boolean;
  /** By code alone (a cleared code whose origin is no longer known). */
  matchesCode(code: string): boolean;
}

export interface HierarchicalRule {
  mode: 'hierarchical';
  id: string;
  name: string;
  root: CodeMatcher;
  symptoms: CodeMatcher;
  window_ms: number;
  mute_symptoms: boolean;
  auto_clear_with_root: boolean;
}

export interface ClusterRule {
  mode: 'auto_cluster';
  id: string;
  name: string;
  match: CodeMatcher;
  min_count: number;
  window_ms: number;
  show_as_single: boolean;
  representative: Representative;
}

type CorrelationRule = HierarchicalRule | ClusterRule;

export interface CorrelationConfig {
  enabled: boolean;
  default_window_ms: number;
  rules: CorrelationRule[];
  errors: string[];
  warnings: string[];
}

/** Whole-string glob where `*` matches any sequence and everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

/** `gateway` value naming this gateway's own faults (as `x-medkit.gateway` does in the merged list). */
export const LOCAL_GATEWAY = 'local';

/** Optional qualifiers of a pattern: any of `entities` (a node path or its namespace), any of `gateways`. */
interface Qualifiers { entities?: readonly string[]; gateways?: readonly string[] }

const underEntity = (source: string, entity: string): boolean => source === entity || source.startsWith(`${entity}/`);

function qualifies(q: Qualifiers, origin: FaultOrigin | undefined): boolean {
  if (q.gateways && !q.gateways.includes(origin?.gateway ?? LOCAL_GATEWAY)) return false;
  if (q.entities && !(origin?.sources ?? []).some((s) => q.entities!.some((e) => underEntity(s, e)))) return false;
  return true;
}

export function codeMatcher(patterns: readonly string[], q: Qualifiers = {}): CodeMatcher {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*')).map(globToRegExp);
  const byCode = (code: string) => exact.has(code) || globs.some((g) => g.test(code));
  return { sources: [...patterns], matches: (code, origin) => byCode(code) && qualifies(q, origin), matchesCode: byCode };
}

/** Matches what any of `parts` matches. */
function anyMatcher(parts: readonly CodeMatcher[]): CodeMatcher {
  return {
    sources: parts.flatMap((p) => p.sources),
    matches: (code, origin) => parts.some((p) => p.matches(code, origin)),
    matchesCode: (code) => parts.some((p) => p.matchesCode(code)),
  };
}

// A node path (`/safety/safety_gate`) or namespace (`/safety`): ROS name tokens, bounded.
const ENTITY = /^(\/[A-Za-z0-9_]{1,255}){1,32}$/;
// A peer name as aggregation.peer_names allows it, or `local`.
const GATEWAY = /^[A-Za-z0-9_-]{1,64}$/;

/** Reads `key` (a string or a list of strings) of `where`; every value must match `re`, else an error naming the key. */
function qualifierList(where: Obj, key: 'entity' | 'gateway', re: RegExp, path: string, errors: string[]): string[] | undefined {
  const raw = where[key];
  if (raw === undefined) return undefined;
  const values = Array.isArray(raw) ? raw : [raw];
  const what = key === 'entity' ? 'a node path or namespace (/ns/node)' : `a peer name (1-64 of A-Z a-z 0-9 _ -) or '${LOCAL_GATEWAY}'`;
  if (values.length === 0 || values.length > 64 || values.some((v) => typeof v !== 'string' || !re.test(v))) {
    const shown = JSON.stringify(raw)?.slice(0, 80) ?? String(raw);
    errors.push(`${path}.${key}: ${shown} must be ${what}, or a list of 1-64 of them`);
    return undefined;
  }
  return values as string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string' && x !== '') : []);

const MODE: Record<string, 'hierarchical' | 'auto_cluster'> = {
  hierarchical: 'hierarchical', auto_cluster: 'auto_cluster', autocluster: 'auto_cluster', cluster: 'auto_cluster',
};
const REPRESENTATIVE: Record<string, Representative> = {
  first: 'first', most_recent: 'most_recent', recent: 'most_recent', mostrecent: 'most_recent',
  highest_severity: 'highest_severity', severity: 'highest_severity',
};

const disabled = (errors: string[], warnings: string[] = []): CorrelationConfig => ({ enabled: false, default_window_ms: 500, rules: [], errors, warnings });

/**
 * Parses the correlation YAML. Any validation error disables correlation (`enabled: false`, `errors` set);
 * warnings are returned for logging.
 */
export function parseCorrelationConfig(text: string): CorrelationConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return disabled([`cannot parse correlation YAML: ${(err as Error).message}`]);
  }
  const sec = isObj(doc) ? doc.correlation : undefined;
  if (!isObj(sec) || sec.enabled !== true) return disabled([]);
  const errors: string[] = [];
  const warnings: string[] = [];
  const defaultWindow = typeof sec.default_window_ms === 'number' ? sec.default_window_ms : 500;
  const patterns = new Map<string, string[]>();
  if (isObj(sec.patterns)) {
    for (const [id, p] of Object.entries(sec.patterns)) {
      const codes = isObj(p) ? strings(p.codes) : [];
      if (codes.length === 0) warnings.push(`pattern '${id}' has no codes`);
      patterns.set(id, codes);
    }
  }
  const qualifiersOf = (where: Obj, path: string): Qualifiers => {
    const entities = qualifierList(where, 'entity', ENTITY, path, errors);
    const gateways = qualifierList(where, 'gateway', GATEWAY, path, errors);
    return { ...(entities ? { entities } : {}), ...(gateways ? { gateways } : {}) };
  };
  // A list of {pattern: id} / {codes: [...]} entries, each with its optional entity/gateway → one matcher.
  const refs = (v: unknown, ruleId: string, what: string): CodeMatcher => {
    const parts: CodeMatcher[] = [];
    (Array.isArray(v) ? v : []).forEach((e: unknown, i: number) => {
      if (!isObj(e)) return;
      const codes: string[] = [];
      if (typeof e.pattern === 'string') {
        const p = patterns.get(e.pattern);
        if (!p) errors.push(`rule '${ruleId}': ${what} references unknown pattern '${e.pattern}'`);
        else codes.push(...p);
      }
      codes.push(...strings(e.codes));
      if (codes.length > 0) parts.push(codeMatcher(codes, qualifiersOf(e, `rule '${ruleId}': ${what}[${i}]`)));
    });
    return anyMatcher(parts);
  };
  const rules: CorrelationRule[] = [];
  const ids = new Set<string>();
  const rawRules = Array.isArray(sec.rules) ? sec.rules : [];
  if (rawRules.length === 0) warnings.push('no correlation rules');
  for (const raw of rawRules) {
    if (!isObj(raw)) { errors.push('rule is not a map'); continue; }
    const id = typeof raw.id === 'string' ? raw.id.trim() : '';
    if (id === '') { errors.push('rule with an empty id'); continue; }
    if (ids.has(id)) errors.push(`duplicate rule id '${id}'`);
    ids.add(id);
    const name = typeof raw.name === 'string' && raw.name !== '' ? raw.name : id;
    const modeRaw = raw.mode === undefined ? 'hierarchical' : String(raw.mode).toLowerCase();
    const mode = MODE[modeRaw];
    if (!mode) { errors.push(`rule '${id}': unknown mode '${modeRaw}'`); continue; }
    const window_ms = raw.window_ms === undefined ? defaultWindow : Number(raw.window_ms);
    if (!Number.isFinite(window_ms) || window_ms <= 0) errors.push(`rule '${id}': window_ms must be > 0`);
    else if (window_ms > 60_000) warnings.push(`rule '${id}': window_ms ${window_ms} is over 60 s`);
    if (mode === 'hierarchical') {
      const root = isObj(raw.root_cause) ? strings(raw.root_cause.codes) : [];
      if (root.length === 0) errors.push(`rule '${id}': hierarchical rule without root_cause codes`);
      const rootQualifiers = isObj(raw.root_cause) ? qualifiersOf(raw.root_cause, `rule '${id}': root_cause`) : {};
      const symptoms = refs(raw.symptoms, id, 'symptoms');
      if (symptoms.sources.length === 0) warnings.push(`rule '${id}': no symptoms`);
      rules.push({
        mode, id, name, root: codeMatcher(root, rootQualifiers), symptoms, window_ms,
        mute_symptoms: raw.mute_symptoms !== false, auto_clear_with_root: raw.auto_clear_with_root !== false,
      });
    } else {
      const match = refs(raw.match, id, 'match');
      if (match.sources.length === 0) warnings.push(`rule '${id}': no match patterns`);
      const min_count = raw.min_count === undefined ? 3 : Number(raw.min_count);
      if (min_count === 0 || !Number.isFinite(min_count)) errors.push(`rule '${id}': min_count must be > 0`);
      else if (min_count < 2) warnings.push(`rule '${id}': min_count < 2`);
      const repRaw = raw.representative === undefined ? 'highest_severity' : String(raw.representative).toLowerCase();
      const representative = REPRESENTATIVE[repRaw];
      if (!representative) { errors.push(`rule '${id}': unknown representative '${repRaw}'`); continue; }
      rules.push({ mode, id, name, match, min_count, window_ms, show_as_single: raw.show_as_single !== false, representative });
    }
  }
  if (errors.length > 0) return disabled(errors, warnings);
  return { enabled: true, default_window_ms: defaultWindow, rules, errors, warnings };
}
