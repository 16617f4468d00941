// Correlation rules file (docs/faults.md): parse, validate, compile code globs.
import { parse as parseYaml } from 'yaml';

type Representative = 'first' | 'most_recent' | 'highest_severity';

interface CodeMatcher {
  /** Source patterns, for messages. */
  readonly sources: string[];
  matches(code: string): boolean;
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

export function codeMatcher(patterns: readonly string[]): CodeMatcher {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*')).map(globToRegExp);
  return { sources: [...patterns], matches: (code) => exact.has(code) || globs.some((g) => g.test(code)) };
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
  // A list of {pattern: id} / {codes: [...]} entries → the flat list of code globs.
  const refs = (v: unknown, ruleId: string, what: string): string[] => {
    const out: string[] = [];
    for (const e of Array.isArray(v) ? v : []) {
      if (!isObj(e)) continue;
      if (typeof e.pattern === 'string') {
        const p = patterns.get(e.pattern);
        if (!p) errors.push(`rule '${ruleId}': ${what} references unknown pattern '${e.pattern}'`);
        else out.push(...p);
      }
      out.push(...strings(e.codes));
    }
    return out;
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
      const symptoms = refs(raw.symptoms, id, 'symptoms');
      if (symptoms.length === 0) warnings.push(`rule '${id}': no symptoms`);
      rules.push({
        mode, id, name, root: codeMatcher(root), symptoms: codeMatcher(symptoms), window_ms,
        mute_symptoms: raw.mute_symptoms !== false, auto_clear_with_root: raw.auto_clear_with_root !== false,
      });
    } else {
      const match = refs(raw.match, id, 'match');
      if (match.length === 0) warnings.push(`rule '${id}': no match patterns`);
      const min_count = raw.min_count === undefined ? 3 : Number(raw.min_count);
      if (min_count === 0 || !Number.isFinite(min_count)) errors.push(`rule '${id}': min_count must be > 0`);
      else if (min_count < 2) warnings.push(`rule '${id}': min_count < 2`);
      const repRaw = raw.representative === undefined ? 'highest_severity' : String(raw.representative).toLowerCase();
      const representative = REPRESENTATIVE[repRaw];
      if (!representative) { errors.push(`rule '${id}': unknown representative '${repRaw}'`); continue; }
      rules.push({ mode, id, name, match: codeMatcher(match), min_count, window_ms, show_as_single: raw.show_as_single !== false, representative });
    }
  }
  if (errors.length > 0) return disabled(errors, warnings);
  return { enabled: true, default_window_ms: defaultWindow, rules, errors, warnings };
}
