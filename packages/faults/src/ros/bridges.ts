// The bridges of docs/faults.md fed from real subscriptions: /diagnostics and /rosout through per-source
// FaultReporters (local filtering as in the reference), aborted action goals from every
// action status topic (`<action>/_action/status`) (rescanned on graph changes and every rescan_period_sec).
import type { RosGraph, RosNode, Subscription } from '@medkit/ros2';
import { ActionStatusBridge, actionNameOf } from '../bridges/action-status-bridge.js';
import type { GoalStatusArrayMsg } from '../bridges/action-status-bridge.js';
import type { BridgeConfigs } from '../bridges/config-keys.js';
import { DiagnosticBridge } from '../bridges/diagnostic-bridge.js';
import type { DiagnosticArrayMsg } from '../bridges/diagnostic-bridge.js';
import { LogBridge } from '../bridges/log-bridge.js';
import type { LogMsg } from '../bridges/log-bridge.js';
import type { BridgeReport } from '../bridges/report.js';
import { rosFailure } from '@medkit/ros2/light';
import type { FaultLogger } from '../log.js';
import type { FaultManager } from '../manager.js';
import { FaultReporter, ReporterCache, localTransport } from '../reporter/fault-reporter.js';

const STATUS_TYPE = 'action_msgs/msg/GoalStatusArray';
const STATUS_QOS = { reliability: 'reliable', durability: 'transient-local', history: { kind: 'keep-last', depth: 10 } } as const;

export class FaultBridges {
  private readonly subs: Subscription[] = [];
  private readonly actionSubs = new Map<string, Subscription>();
  /** Status topics DDS-Security refuses the gateway: final, so neither retried nor warned about on every rescan. */
  private readonly refusedTopics = new Set<string>();
  /** One reporter cache per bridge, each bounded by its bridge's max_tracked_* option. */
  private readonly diagReporters: ReporterCache;
  private readonly logReporters: ReporterCache;
  private actionBridge?: ActionStatusBridge;
  private timer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private readonly onGraph = () => this.rescan();

  constructor(private readonly node: RosNode, private readonly graph: RosGraph, private readonly mgr: FaultManager, private readonly settings: BridgeConfigs, private readonly log: FaultLogger) {
    const transport = localTransport(mgr);
    const create = (source: string) => new FaultReporter(transport, source, { log });
    this.diagReporters = new ReporterCache(settings.diagnostics.max_tracked_sources, create, log);
    this.logReporters = new ReporterCache(settings.rosout.max_tracked_nodes, create, log);
  }

  private forward(reporters: ReporterCache, r: BridgeReport): void {
    const rep = reporters.get(r.source_id);
    if (r.passed) rep.reportPassed(r.code);
    else rep.report(r.code, r.severity, r.description);
  }

  start(): void {
    const { diagnostics, rosout, actions } = this.settings;
    if (diagnostics.enabled) {
      const bridge = new DiagnosticBridge(diagnostics, this.node.resolveName('~'), undefined, this.log);
      this.subs.push(this.node.createSubscription(diagnostics.diagnostics_topic, 'diagnostic_msgs/msg/DiagnosticArray', (m) => {
        for (const r of bridge.convert(m as unknown as DiagnosticArrayMsg)) this.forward(this.diagReporters, r);
      }, { reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 10 } }));
    }
    if (rosout.enabled) {
      const bridge = new LogBridge(rosout, this.node.resolveName('~'));
      this.subs.push(this.node.createSubscription(rosout.rosout_topic, 'rcl_interfaces/msg/Log', (m) => {
        const r = bridge.convert(m as unknown as LogMsg);
        if (r) this.forward(this.logReporters, r);
      }, { reliability: 'reliable', durability: 'volatile', history: { kind: 'keep-last', depth: 1000 } }));
    }
    if (actions.enabled) {
      // The action bridge disables local filtering (docs/faults.md): its transitions go straight to the manager.
      this.actionBridge = new ActionStatusBridge(actions, (r) => {
        const accepted = this.mgr.report({ fault_code: r.code, event_type: r.passed ? 1 : 0, severity: r.severity, description: r.description, source_id: r.source_id }).accepted;
        if (accepted && r.supersedes) this.mgr.dropSource(r.code, r.supersedes);
        return accepted;
      }, this.log);
      this.graph.on('change', this.onGraph);
      this.timer = setInterval(() => this.rescan(), actions.rescan_period_sec * 1000);
      this.timer.unref();
      this.rescan();
    }
  }

  /** Subscribes new action status topics, drops vanished ones (their failed actions are healed by the bridge). */
  rescan(): void {
    const bridge = this.actionBridge;
    if (!bridge) return;
    const present = this.graph.topics().filter((t) => t.types.includes(STATUS_TYPE) && actionNameOf(t.name) !== null).map((t) => t.name);
    for (const topic of present) {
      if (this.actionSubs.has(topic) || this.refusedTopics.has(topic)) continue;
      try {
        this.actionSubs.set(topic, this.node.createSubscription(topic, STATUS_TYPE, (m) => {
          const pub = this.graph.publishersOf(topic)[0];
          const fqn = pub ? this.graph.nodeOfEndpoint(pub.guid)?.fqn : undefined;
          bridge.onStatus(topic, m as unknown as GoalStatusArrayMsg, fqn);
          this.armRetry();
        }, STATUS_QOS));
      } catch (err) {
        if (rosFailure(err) === 'refused') this.refusedTopics.add(topic);
        this.log.warn(`action status bridge: cannot subscribe ${topic}: ${(err as Error).message}`);
      }
    }
    for (const [topic, sub] of this.actionSubs) {
      if (present.includes(topic)) continue;
      sub.close();
      this.actionSubs.delete(topic);
    }
    bridge.rescan(present.map((t) => actionNameOf(t)!));
    bridge.retryPending();
    this.armRetry();
  }

  /** Retries undelivered action transitions every retry_period_sec, only while some are pending (docs/faults.md). */
  private armRetry(): void {
    const bridge = this.actionBridge;
    if (!bridge || this.retryTimer || !bridge.hasPending) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      bridge.retryPending();
      this.armRetry();
    }, this.settings.actions.retry_period_sec * 1000);
    this.retryTimer.unref();
  }

  stop(): void {
    this.graph.off('change', this.onGraph);
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.actionBridge = undefined;
    for (const s of this.subs.splice(0)) s.close();
    for (const s of this.actionSubs.values()) s.close();
    this.actionSubs.clear();
  }
}
