// `value` (docs/graph.md, the reference's #669): value rules from the configuration and from REST, each raising
// its own fault code while its window statistic is past its threshold. Rules created over REST are kept in the
// rule store; deleting one clears the fault it raised. Every source topic is subscribed through the shared
// feeds; `/diagnostics` once for all rules that read a status key.
import type { PluginWarning } from '@medkit/plugin-api';
import { FAULT_SEVERITY, type Detector, type Finding, type SweepInput } from '../detectors/detector.js';
import { TopicFeeds, type MessageHandler } from '../feeds.js';
import { compileRule, RuleError, type CompiledRule, type RuleLimits, type ValueRule } from './rule.js';
import { RuleWindow } from './rule-window.js';
import { INVALID, numericOrInvalid, readFieldOrInvalid } from './source.js';
import { MemoryRuleStore, type RuleStore } from './store.js';

const DIAGNOSTICS_TYPE = 'diagnostic_msgs/msg/DiagnosticArray';
/** Statuses read per `/diagnostics` message and key-values per status at most. */
const MAX_STATUSES = 1024;
const MAX_VALUES = 64;

export interface ValueSettings {
  grace: number;
  limits: RuleLimits;
  maxRules: number;
  maxWindowSamples: number;
  /**
   * Rule bodies from the configuration, checked here: a bad one is left out (the others run) and named in
   * {@link ValueDetector.rejectedConfigRules} and {@link ValueDetector.warnings}.
   */
  configRules: unknown[];
  store: RuleStore;
  clearFault?: (code: string) => void;
  warn?: (message: string) => void;
  monoMs?: () => number;
  /** The ROS access, to tell at once whether a new rule's topics exist (else known from the first sweep). */
  ros?: () => SweepInput['ros'];
}

/** A request the rule set refuses: `status` and SOVD `code` for the REST answer. */
export class RuleRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

const SEVERITY = { INFO: FAULT_SEVERITY.INFO, WARNING: FAULT_SEVERITY.WARN, ERROR: FAULT_SEVERITY.ERROR, CRITICAL: FAULT_SEVERITY.CRITICAL } as const;

export class ValueDetector implements Detector {
  readonly id = 'value';
  private readonly rules = new Map<string, RuleWindow>();
  private readonly monoMs: () => number;
  private lastId = 0;
  /** Stored bodies that no longer pass the checks: kept in the file, not evaluated. */
  private readonly unreadable: unknown[] = [];
  private failing = new Set<string>();
  /** Feed owners of the rules now (one per rule). */
  private owners = new Set<string>();
  /** Configuration rules left out, each as `rules[i].<key>: why`. */
  readonly rejectedConfigRules: string[] = [];
  /** Per rule, its topics no node publishes (as of the last sweep), and the ROS access that sweep had. */
  private missingTopics = new Map<string, string[]>();
  private lastRos: SweepInput['ros'];

  constructor(
    private readonly settings: ValueSettings,
    private readonly feeds: TopicFeeds,
  ) {
    this.monoMs = settings.monoMs ?? (() => performance.now());
    settings.configRules.forEach((raw, i) => {
      const id = (raw as { id?: unknown } | null)?.id ?? (raw as { fault_code?: unknown } | null)?.fault_code;
      const where = `rules[${i}]`;
      if (typeof id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(id)) {
        this.rejectedConfigRules.push(`${where}.id: a rule needs an id (or a fault_code) of 1–64 characters of A-Z a-z 0-9 _ . -`);
        return;
      }
      try {
        this.admit(compileRule(raw, id, 'config', settings.limits));
      } catch (err) {
        const e = err instanceof RuleError ? new RuleError(`${where}.${err.field}`, err.message.slice(err.field.length + 2)) : new RuleError(where, (err as Error).message);
        // One bad rule disables only itself (issue 54): named at start-up and on /health.
        this.rejectedConfigRules.push(e.message);
      }
    });
    const stored = settings.store.load();
    this.lastId = stored.lastId;
    for (const raw of stored.rules) {
      const id = (raw as { id?: unknown } | null)?.id;
      try {
        if (typeof id !== 'string') throw new Error('no id');
        this.admit(compileRule(raw, id, 'rest', settings.limits));
      } catch (err) {
        this.unreadable.push(raw);
        settings.warn?.(`stored value rule ${typeof id === 'string' ? id : '?'} skipped: ${(err as Error).message}`);
      }
    }
    this.listen();
  }

  get grace(): number {
    return this.settings.grace;
  }

  get codes(): string[] {
    return [...this.rules.values()].map((w) => w.compiled.rule.fault_code);
  }

  get size(): number {
    return this.rules.size;
  }

  /** Adds a compiled rule after the set-wide checks (count, unique id and fault code). */
  private admit(c: CompiledRule): void {
    const r = c.rule;
    if (this.rules.size >= this.settings.maxRules) throw new RuleRefused(503, 'service-unavailable', `at most ${this.settings.maxRules} value rules (detectors.value.max_rules)`);
    if (this.rules.has(r.id)) throw new RuleRefused(409, 'precondition-not-fulfilled', `a value rule with id ${r.id} exists`);
    // The watchdog's own codes: a rule raising one would be healed by the detector that owns it.
    if (r.fault_code.startsWith('GRAPH_')) throw new RuleRefused(409, 'precondition-not-fulfilled', `fault codes starting with GRAPH_ belong to the watchdog's detectors`);
    for (const w of this.rules.values()) if (w.compiled.rule.fault_code === r.fault_code) throw new RuleRefused(409, 'precondition-not-fulfilled', `value rule ${w.compiled.rule.id} already raises ${r.fault_code}`);
    this.rules.set(r.id, new RuleWindow(c, this.settings.maxWindowSamples));
  }

  list(): ValueRule[] {
    return [...this.rules.values()].map((w) => w.compiled.rule);
  }

  get(id: string): ValueRule | undefined {
    return this.rules.get(id)?.compiled.rule;
  }

  /**
   * Checks, stores and starts a rule from a REST body. Throws RuleError (400) or RuleRefused. `warnings`: what is
   * accepted but not working yet (a topic no node publishes: the rule starts when one does).
   */
  create(body: unknown): { rule: ValueRule; warnings: string[] } {
    const broken = this.settings.store.broken;
    if (broken) throw new RuleRefused(503, 'service-unavailable', `the value rule store cannot be written: ${broken}`);
    const id = `vr_${this.lastId + 1}`;
    const compiled = compileRule(body, id, 'rest', this.settings.limits);
    this.admit(compiled);
    try {
      this.persist(this.lastId + 1);
    } catch (err) {
      this.rules.delete(id);
      throw new RuleRefused(503, 'service-unavailable', `the value rule could not be stored: ${(err as Error).message}`);
    }
    this.lastId++;
    this.listen();
    const missing = this.unpublished(compiled.rule.id);
    if (missing.length > 0) this.missingTopics.set(compiled.rule.id, missing);
    return { rule: compiled.rule, warnings: missing.map((t) => `no node publishes ${t} yet: the rule waits for it`) };
  }

  /** The rule's source topics (`/diagnostics` for its status keys) that no node publishes now; [] before the first sweep. */
  private unpublished(id: string): string[] {
    const w = this.rules.get(id);
    const ros = this.lastRos ?? this.settings.ros?.();
    if (!w || !ros) return [];
    const topics = new Set([...w.compiled.sources.values()].map((s) => (s.kind === 'diag' ? '/diagnostics' : s.topic)));
    return [...topics].filter((t) => ros.graph.publishersOf(t).length === 0);
  }

  /** What /health should say: rules left out of the configuration, an unreadable store, rules waiting for a topic. */
  warnings(): PluginWarning[] {
    const out: PluginWarning[] = [];
    if (this.rejectedConfigRules.length > 0) {
      out.push({ code: 'value_rules_rejected', message: `${this.rejectedConfigRules.length} value rule(s) of the configuration left out (the others run): ${this.rejectedConfigRules.slice(0, 3).join('; ')}` });
    }
    const store = this.settings.store;
    if (store.broken || this.unreadable.length > 0) {
      out.push({ code: 'value_rule_store', message: store.broken ? `the value rule store cannot be used: ${store.broken}` : `${this.unreadable.length} stored value rule(s) cannot be read and are not evaluated (kept in the file)` });
    }
    const silent = this.silentInputs();
    if (silent.length > 0) {
      const shown = silent.slice(0, 3).map((x) => `rule ${x.rule}: nothing on ${x.input} for ${seconds(x.silentMs)} (it came every ${seconds(x.periodMs)}) although ${x.publishers.join(', ')} still publish${x.publishers.length === 1 ? 'es' : ''} it`);
      out.push({ code: 'value_rule_input_silent', degrades: true, message: `${silent.length} value rule input(s) fell silent, so their rules cannot judge them: ${shown.join('; ')}${silent.length > 3 ? '; ...' : ''}` });
    }
    if (this.missingTopics.size > 0) {
      const shown = [...this.missingTopics].slice(0, 3).map(([id, topics]) => `${id} (${topics.join(', ')})`);
      out.push({ code: 'value_rule_topic_unknown', message: `${this.missingTopics.size} value rule(s) wait for a topic no node publishes: ${shown.join(', ')}${this.missingTopics.size > 3 ? ', ...' : ''}` });
    }
    return out;
  }

  /**
   * Inputs that came regularly and fell silent while a node still publishes them (input-cadence.ts): the rule cannot
   * judge them (one whose topic lost its publishers is `value_rule_topic_unknown` instead). Bounded by the rules.
   */
  private silentInputs(): { rule: string; input: string; silentMs: number; periodMs: number; publishers: string[] }[] {
    const ros = this.lastRos;
    if (!ros) return [];
    const now = this.monoMs();
    const out: { rule: string; input: string; silentMs: number; periodMs: number; publishers: string[] }[] = [];
    for (const [id, w] of this.rules) {
      for (const x of w.inputs.silent(now)) {
        const topic = x.input.startsWith('diag:') ? '/diagnostics' : x.input;
        const publishers = ros.graph.publishersOf(topic).map((e) => (e.node ? `${e.node.namespace === '/' ? '' : e.node.namespace}/${e.node.name}` : e.participantGuid || e.guid));
        if (publishers.length > 0) out.push({ rule: id, ...x, publishers: [...new Set(publishers)].slice(0, 3) });
      }
    }
    return out;
  }

  /** Deletes a REST rule and clears the fault it raised. */
  remove(id: string): void {
    const w = this.rules.get(id);
    if (!w) throw new RuleRefused(404, 'resource-not-found', `no value rule ${id}`);
    if (w.compiled.rule.origin === 'config') throw new RuleRefused(409, 'precondition-not-fulfilled', `value rule ${id} comes from the configuration; remove it there`);
    if (this.settings.store.broken) throw new RuleRefused(503, 'service-unavailable', `the value rule store cannot be written: ${this.settings.store.broken}`);
    this.rules.delete(id);
    try {
      this.persist(this.lastId);
    } catch (err) {
      this.rules.set(id, w);
      throw new RuleRefused(503, 'service-unavailable', `the deletion could not be stored: ${(err as Error).message}`);
    }
    this.listen();
    this.failing.delete(id);
    this.settings.clearFault?.(w.compiled.rule.fault_code);
  }

  private persist(lastId: number): void {
    const rest = [...this.rules.values()].filter((w) => w.compiled.rule.origin === 'rest').map((w) => {
      const { origin: _origin, ...body } = w.compiled.rule;
      return body;
    });
    this.settings.store.save({ lastId, rules: [...rest, ...this.unreadable] });
  }

  /** Points the feeds at the rules' topics: one owner per rule, one for `/diagnostics`. */
  private listen(): void {
    const diag = new Map<string, { w: RuleWindow; name: string; key: string }[]>();
    const owners = new Set<string>();
    for (const [id, w] of this.rules) {
      const byTopic = new Map<string, [string, (string | number)[]][]>();
      for (const [name, s] of w.compiled.sources) {
        if (s.kind === 'diag') {
          const list = diag.get(s.status) ?? [];
          list.push({ w, name, key: s.key });
          diag.set(s.status, list);
        } else byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), [name, s.path]]);
      }
      const owner = `${this.id}:${id}`;
      owners.add(owner);
      this.feeds.set(owner, [...byTopic].map(([topic, fields]) => ({ topic, on: this.fieldHandler(w, topic, fields) })));
    }
    for (const owner of this.owners) if (!owners.has(owner)) this.feeds.set(owner, []);
    this.owners = owners;
    this.feeds.set(`${this.id}/diagnostics`, diag.size > 0 ? [{ topic: '/diagnostics', type: DIAGNOSTICS_TYPE, on: this.diagHandler(diag) }] : []);
  }

  private fieldHandler(w: RuleWindow, topic: string, fields: [string, (string | number)[]][]): MessageHandler {
    return (m) => {
      w.inputs.heard(topic, this.monoMs());
      const values = new Map<string, number>();
      let invalid = false;
      for (const [name, path] of fields) {
        const v = readFieldOrInvalid(m, path);
        if (v === INVALID) invalid = true;
        else if (v !== undefined) values.set(name, v);
      }
      const at = this.monoMs();
      if (invalid) w.invalid(at);
      if (values.size > 0) w.update(values, at);
    };
  }

  private diagHandler(index: Map<string, { w: RuleWindow; name: string; key: string }[]>): MessageHandler {
    return (m) => {
      const statuses = Array.isArray(m.status) ? m.status.slice(0, MAX_STATUSES) : [];
      const updates = new Map<RuleWindow, Map<string, number>>();
      const invalid = new Set<RuleWindow>();
      const heardAt = this.monoMs();
      for (const st of statuses as { name?: unknown; values?: unknown }[]) {
        const wanted = typeof st?.name === 'string' ? index.get(st.name) : undefined;
        if (!wanted) continue;
        for (const { w } of wanted) w.inputs.heard(`diag:${st.name as string}`, heardAt);
        if (!Array.isArray(st.values)) continue;
        const kv = st.values.slice(0, MAX_VALUES) as { key?: unknown; value?: unknown }[];
        for (const { w, name, key } of wanted) {
          const hit = kv.find((x) => x?.key === key);
          const v = hit ? numericOrInvalid(hit.value) : undefined;
          if (v === INVALID) invalid.add(w);
          if (v === undefined || v === INVALID) continue;
          const u = updates.get(w) ?? new Map<string, number>();
          u.set(name, v);
          updates.set(w, u);
        }
      }
      const at = this.monoMs();
      for (const w of invalid) w.invalid(at);
      for (const [w, values] of updates) w.update(values, at);
    };
  }

  sweep({ tick, ros }: SweepInput): Finding[] {
    this.feeds.sync(ros, tick);
    this.lastRos = ros;
    const missing = new Map<string, string[]>();
    for (const id of this.rules.keys()) {
      const m = this.unpublished(id);
      if (m.length > 0) missing.set(id, m);
    }
    this.missingTopics = missing;
    const now = this.monoMs();
    const out: Finding[] = [];
    const failing = new Set<string>();
    for (const [id, w] of this.rules) {
      const v = w.judge(now);
      if (!v.failed) continue;
      failing.add(id);
      const r = w.compiled.rule;
      out.push({ code: r.fault_code, severity: SEVERITY[r.severity], subject: id, nodes: [], text: r.description ? `${v.text} — ${r.description}` : v.text! });
    }
    this.failing = failing;
    return out;
  }

  status(): Record<string, unknown> {
    return {
      rules: this.rules.size,
      max_rules: this.settings.maxRules,
      failing_rules: [...this.failing],
      store: { kind: this.settings.store.kind, ...(this.settings.store.broken ? { error: this.settings.store.broken } : {}), unreadable_rules: this.unreadable.length },
      disabled_updates: Object.fromEntries([...this.rules].filter(([, w]) => w.disabled > 0).slice(0, 256).map(([id, w]) => [id, w.disabled])),
      invalid_samples: Object.fromEntries([...this.rules].filter(([, w]) => w.invalidSamples > 0).slice(0, 256).map(([id, w]) => [id, w.invalidSamples])),
      silent_inputs: this.silentInputs().slice(0, 256).map((x) => ({ rule: x.rule, input: x.input, silent_ms: Math.round(x.silentMs), period_ms: Math.round(x.periodMs), publishers: x.publishers })),
      subscriptions: this.feeds.status(this.id),
    };
  }

  close(): void {
    for (const owner of this.owners) this.feeds.set(owner, []);
    this.feeds.set(`${this.id}/diagnostics`, []);
  }
}

/**
 * Checks the configuration's rules exactly as the detector will (each rule, then unique ids and fault codes,
 * and their count): what is wrong with each rule it leaves out, as `plugins.graph_watchdog.detectors.value.rules[i].<key>: why`.
 */
export function configRuleProblems(rules: unknown[], limits: RuleLimits, maxRules: number): string[] {
  const d = new ValueDetector({ grace: 1, limits, maxRules, maxWindowSamples: 2, configRules: rules, store: new MemoryRuleStore() }, new TopicFeeds({ maxTopics: 1, maxMessageBytes: 1 }));
  return d.rejectedConfigRules.map((m) => `plugins.graph_watchdog.detectors.value.${m}`);
}
