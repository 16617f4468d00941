// The fault-trigger engine (docs/triggers.md): holds the rules, and every poll reads each active rule's data
// value and reports to the fault manager — a FAILED report on every poll while the value is past the
// threshold (level-triggered, so the manager's debounce confirms it), a clear once it is back. A read that
// says nothing reliable (failed, disconnected, stale, not a number) changes nothing, so a bad read never
// clears a standing fault nor raises one. HTTP-free: the routes translate.
import { SovdError, type ReportFaultRequest } from '@medkit/sovd';
import type { App } from '../entities/model.js';
import type { FaultStatus } from '@medkit/faults';
import { crosses, readingOf, SEVERITIES, type FaultTriggerRule, type RuleInput } from './model.js';
import type { FaultTriggerStore } from './store.js';

/** What the engine needs of the fault manager. */
export interface FaultSink {
  report(req: ReportFaultRequest): { accepted: boolean; reason?: string };
  getFault(code: string): { status: FaultStatus; reporting_sources: string[] } | undefined;
  clear(code: string, opts: { skipCorrelationAutoClear?: boolean }): { success: boolean };
}

interface FaultTriggerEngineDeps {
  store: FaultTriggerStore;
  /** The App now, or undefined while it is not in the entity tree (its rules then wait). */
  app(id: string): App | undefined;
  /** The App's data item names, or undefined when they cannot be listed (then any name is accepted). */
  dataNames(app: App): Promise<string[] | undefined>;
  /** One read of a data item, as `GET …/data/{name}` answers it. */
  read(app: App, dataName: string, signal: AbortSignal): Promise<unknown>;
  /** The fault manager, when the faults feature runs. */
  faults(): FaultSink | undefined;
  /** The reporting source of the App's faults (its node FQN, or its id for a plugin's App). */
  sourceOf(app: App): string;
  maxRules: number;
  warn(message: string, extra?: Record<string, unknown>): void;
}

const bare = (name: string) => name.replace(/^\/+/, '');

export class FaultTriggerEngine {
  private readonly rules = new Map<string, FaultTriggerRule>();
  private last: number;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private readonly stopping = new AbortController();
  /** `<rule id> read|report` while that step keeps failing, so a lasting failure is logged once, not every poll. */
  private readonly failing = new Set<string>();

  constructor(private readonly deps: FaultTriggerEngineDeps) {
    for (const r of deps.store.load()) this.rules.set(r.id, r);
    this.last = Math.max(deps.store.lastId(), ...[...this.rules.keys()].map((id) => Number(id.slice(4)) || 0));
  }

  list(appId: string): FaultTriggerRule[] {
    return [...this.rules.values()].filter((r) => r.app_id === appId);
  }

  /** The App's rule `id`; 404 when the App has none of that id. */
  get(appId: string, id: string): FaultTriggerRule {
    const rule = this.rules.get(id);
    if (!rule || rule.app_id !== appId) throw new SovdError('resource-not-found', `no such fault-trigger '${id.slice(0, 64)}'`, { app_id: appId, trigger_id: id.slice(0, 64) });
    return rule;
  }

  get size(): number {
    return this.rules.size;
  }

  async create(app: App, input: RuleInput): Promise<FaultTriggerRule> {
    const names = await this.deps.dataNames(app);
    if (names && !names.some((n) => bare(n) === bare(input.data_name))) {
      throw new SovdError('invalid-parameter', `data item '${input.data_name.slice(0, 128)}' does not exist on app '${app.id}'`, { parameter: 'data_name', value: input.data_name.slice(0, 128), app_id: app.id });
    }
    const clash = [...this.rules.values()].find((r) => r.fault_code === input.fault_code);
    if (clash) {
      throw new SovdError('precondition-not-fulfilled', `fault_code '${input.fault_code}' is already used by fault-trigger '${clash.id}'`, { fault_code: input.fault_code, trigger_id: clash.id, app_id: clash.app_id });
    }
    if (this.rules.size >= this.deps.maxRules) throw new SovdError('service-unavailable', `At most ${this.deps.maxRules} fault-trigger rules`, { max_rules: this.deps.maxRules });
    const rule: FaultTriggerRule = { id: `ftr_${++this.last}`, app_id: app.id, ...input };
    this.deps.store.save(rule, this.last);
    this.rules.set(rule.id, rule);
    return rule;
  }

  /** Deletes a rule of the App and clears the fault it asserted (without the correlation cascade). */
  remove(appId: string, id: string): void {
    const rule = this.get(appId, id);
    this.deps.store.remove(id);
    this.rules.delete(id);
    this.failing.delete(`${id} read`);
    this.failing.delete(`${id} report`);
    const app = this.deps.app(appId);
    if (app) this.clearAsserted(rule, app);
  }

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.polling;
    this.deps.store.close();
  }

  /** One evaluation of every active rule; a poll still running makes the next one a no-op. */
  poll(): Promise<void> {
    if (this.polling || this.stopping.signal.aborted) return this.polling ?? Promise.resolve();
    const run = async () => {
      for (const rule of [...this.rules.values()]) {
        if (this.stopping.signal.aborted) return;
        if (rule.active && this.rules.has(rule.id)) await this.evaluate(rule);
      }
    };
    const p: Promise<void> = run().finally(() => {
      if (this.polling === p) this.polling = undefined;
    });
    this.polling = p;
    return p;
  }

  private async evaluate(rule: FaultTriggerRule): Promise<void> {
    const app = this.deps.app(rule.app_id);
    if (!app) return;
    let value: number | undefined;
    try {
      value = readingOf(await this.deps.read(app, rule.data_name, this.stopping.signal), rule.path);
      this.failing.delete(`${rule.id} read`);
    } catch (err) {
      this.warnOnce(`${rule.id} read`, `fault-trigger ${rule.id}: reading ${rule.data_name} of ${rule.app_id} failed: ${(err as Error).message}`);
      return;
    }
    // Deleted while its value was read: a report now would raise a fault nobody clears.
    if (value === undefined || !this.rules.has(rule.id)) return;
    const faults = this.deps.faults();
    if (!faults) return;
    if (crosses(rule, value)) {
      const out = faults.report({
        fault_code: rule.fault_code,
        event_type: 0,
        severity: SEVERITIES[rule.severity],
        description: `${rule.data_name} ${rule.operator} ${rule.threshold} (fault-trigger ${rule.id})`,
        source_id: this.deps.sourceOf(app),
      });
      if (out.accepted) this.failing.delete(`${rule.id} report`);
      else this.warnOnce(`${rule.id} report`, `fault-trigger ${rule.id}: report of ${rule.fault_code} rejected: ${out.reason ?? 'unknown reason'}`);
    } else {
      this.clearAsserted(rule, app);
    }
  }

  private warnOnce(key: string, message: string): void {
    if (this.failing.has(key)) return;
    this.failing.add(key);
    this.deps.warn(message, { trigger: key.split(' ')[0] });
  }

  /** Clears the rule's fault when it stands and this rule's App is among its reporters. */
  private clearAsserted(rule: FaultTriggerRule, app: App): void {
    const faults = this.deps.faults();
    const f = faults?.getFault(rule.fault_code);
    if (!faults || !f || f.status === 'CLEARED' || !f.reporting_sources.includes(this.deps.sourceOf(app))) return;
    faults.clear(rule.fault_code, { skipCorrelationAutoClear: true });
  }
}
