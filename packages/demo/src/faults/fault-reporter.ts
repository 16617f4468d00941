/**
 * Reports faults to a medkit fault manager over ROS 2 (the `~/report_fault` service of
 * docs/faults.md), the way a robot's own node would. Reports go out in order; while the
 * manager is not reachable (gateway still starting, restarting) they wait in a small queue and are
 * retried, so a demo node started before its gateway still gets its faults through.
 */
import type { RosNode, ServiceClient } from '@medkit/ros2';

/** ReportFault.srv event types. */
export const EVENT_FAILED = 0;
export const EVENT_PASSED = 1;

/** Fault.msg severities. */
export const Severity = { INFO: 0, WARN: 1, ERROR: 2, CRITICAL: 3 } as const;

interface Report {
  fault_code: string;
  event_type: number;
  severity: number;
  description: string;
  source_id: string;
}

export interface DemoFaultReporterOptions {
  /** Reporting source (default: the node's FQN). */
  sourceId?: string;
  /** Fault manager namespace (`<ns>/fault_manager/report_fault`; default root). */
  managerNamespace?: string;
  /** Retry period while the manager is unreachable (default 1000 ms). */
  retryMs?: number;
  /** Most reports kept while waiting (oldest dropped beyond; default 64). */
  maxQueue?: number;
}

export class DemoFaultReporter {
  readonly sourceId: string;
  readonly #node: RosNode;
  readonly #client: ServiceClient;
  readonly #queue: Report[] = [];
  readonly #retryMs: number;
  readonly #maxQueue: number;
  #sending = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #unreachableLogged = false;
  /** Reports the manager accepted (for logs and tests). */
  accepted = 0;

  constructor(node: RosNode, opts: DemoFaultReporterOptions = {}) {
    this.#node = node;
    this.sourceId = opts.sourceId ?? node.fqn;
    const ns = (opts.managerNamespace ?? '').replace(/\/+$/, '');
    const service = `${ns && !ns.startsWith('/') ? `/${ns}` : ns}/fault_manager/report_fault`;
    this.#client = node.createClient(service, 'ros2_medkit_msgs/srv/ReportFault');
    this.#retryMs = opts.retryMs ?? 1000;
    this.#maxQueue = opts.maxQueue ?? 64;
  }

  /** Reports the fault as present (FAILED). */
  failed(code: string, severity: number, description: string): void {
    this.#enqueue({ fault_code: code, event_type: EVENT_FAILED, severity, description, source_id: this.sourceId });
  }

  /** Reports the fault as gone (PASSED). */
  passed(code: string): void {
    this.#enqueue({ fault_code: code, event_type: EVENT_PASSED, severity: 0, description: '', source_id: this.sourceId });
  }

  /** Reports still waiting for the manager. */
  get pending(): number {
    return this.#queue.length;
  }

  #enqueue(r: Report): void {
    if (this.#closed) return;
    this.#queue.push(r);
    while (this.#queue.length > this.#maxQueue) this.#queue.shift();
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#sending || this.#closed) return;
    this.#sending = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const r = this.#queue[0];
        let res: Record<string, unknown>;
        try {
          res = await this.#client.call(r, { timeoutMs: 2000 });
        } catch (err) {
          // Not reachable yet (or any more): keep the report and try again later (logged once per outage).
          if (!this.#unreachableLogged) this.#node.logger.info(`fault manager not reachable (${(err as Error).message}); reports wait and are retried`);
          this.#unreachableLogged = true;
          this.#timer = setTimeout(() => void this.#drain(), this.#retryMs);
          return;
        }
        this.#queue.shift();
        this.#unreachableLogged = false;
        if (res.accepted) this.accepted++;
        else this.#node.logger.warn(`fault manager rejected ${r.event_type === EVENT_FAILED ? 'FAILED' : 'PASSED'} ${r.fault_code}`);
      }
    } finally {
      this.#sending = false;
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#client.close();
  }
}
