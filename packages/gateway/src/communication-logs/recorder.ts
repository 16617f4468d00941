// Communication logs (SOVD, docs/sovd-resources.md [ours]): what the gateway sees of an
// entity's DDS traffic while a log runs — discovery events of its nodes (node up/down, publisher,
// subscription and service endpoints appearing and going) from the ROS graph, and per-topic message rates of
// the topics it publishes, counted on pooled subscriptions. Everything is bounded: events in a ring, a
// capped number of watched topics, a capped arrival window per topic, a capped number of logs.
import { SovdError } from '@medkit/sovd';

/** One node of the entity as the graph shows it now. */
export interface NodeView {
  fqn: string;
  online: boolean;
  /** `publisher /topic`, `subscription /topic`, `service /name`, ... */
  endpoints: string[];
}

/** Where a log reads traffic from (the ROS binding in the gateway, a fake in unit tests). */
export interface TrafficSource {
  /** The entity's nodes now. */
  nodes(): NodeView[];
  /** Topics the entity publishes, with their type when known. */
  publishedTopics(): { topic: string; type?: string }[];
  /** Calls `cb` after each (debounced) graph change until the returned function is called. */
  onGraphChange(cb: () => void): () => void;
  /** Calls `cb` for each message on `topic`; undefined when the topic cannot be watched. */
  watch(topic: string, type: string, cb: () => void): (() => void) | undefined;
}

interface CommEvent {
  seq: number;
  timestamp: string;
  event: 'snapshot' | 'node_online' | 'node_offline' | 'endpoint_added' | 'endpoint_removed';
  node: string;
  endpoint?: string;
}

interface TopicRate {
  topic: string;
  type?: string;
  messages: number;
  /** Messages per second over the last RATE_WINDOW_MS (null until two messages came). */
  rate_hz: number | null;
  watched: boolean;
}

export const MAX_EVENTS = 1000;
export const MAX_TOPICS = 16;
const MAX_ARRIVALS = 256;
const RATE_WINDOW_MS = 10_000;

type Status = 'running' | 'stopped';

/** A log as listed. */
interface CommLogSummary {
  id: string;
  protocol: 'dds';
  status: Status;
  created_at: string;
  started_at?: string;
  stopped_at?: string;
  event_count: number;
  dropped_events: number;
}

/** A log with its entries. */
interface CommLogDetail extends CommLogSummary {
  events: CommEvent[];
  topics: TopicRate[];
}

export class CommunicationLog {
  status: Status = 'stopped';
  readonly created_at = new Date().toISOString();
  private started_at?: string;
  private stopped_at?: string;
  private events: CommEvent[] = [];
  private dropped = 0;
  private seq = 0;
  private last = new Map<string, NodeView>();
  private readonly topics = new Map<string, { type?: string; messages: number; arrivals: number[]; off?: () => void }>();
  private offGraph?: () => void;

  constructor(
    readonly id: string,
    private readonly source: TrafficSource,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.status === 'running') return;
    this.status = 'running';
    this.started_at = new Date(this.now()).toISOString();
    this.stopped_at = undefined;
    this.last = new Map(this.source.nodes().map((n) => [n.fqn, n]));
    for (const n of this.last.values()) this.push({ event: 'snapshot', node: n.fqn, ...(n.online ? {} : { endpoint: 'offline' }) });
    for (const n of this.last.values()) for (const e of n.endpoints) this.push({ event: 'snapshot', node: n.fqn, endpoint: e });
    this.offGraph = this.source.onGraphChange(() => this.diff());
    for (const { topic, type } of this.source.publishedTopics().slice(0, MAX_TOPICS)) {
      const t = this.topics.get(topic) ?? { type, messages: 0, arrivals: [] };
      this.topics.set(topic, t);
      if (type && !t.off) {
        t.off = this.source.watch(topic, type, () => {
          t.messages++;
          t.arrivals.push(this.now());
          if (t.arrivals.length > MAX_ARRIVALS) t.arrivals.shift();
        });
      }
    }
  }

  stop(): void {
    if (this.status === 'stopped') return;
    this.status = 'stopped';
    this.stopped_at = new Date(this.now()).toISOString();
    this.offGraph?.();
    this.offGraph = undefined;
    for (const t of this.topics.values()) {
      t.off?.();
      t.off = undefined;
    }
  }

  /** The list item (no entries). */
  summary(): CommLogSummary {
    return {
      id: this.id,
      protocol: 'dds' as const,
      status: this.status,
      created_at: this.created_at,
      ...(this.started_at ? { started_at: this.started_at } : {}),
      ...(this.stopped_at ? { stopped_at: this.stopped_at } : {}),
      event_count: this.events.length,
      dropped_events: this.dropped,
    };
  }

  /** The whole log: events (oldest first) and per-topic rates. */
  detail(): CommLogDetail {
    const cutoff = this.now() - RATE_WINDOW_MS;
    const topics: TopicRate[] = [...this.topics].map(([topic, t]) => {
      const recent = t.arrivals.filter((a) => a >= cutoff);
      const span = recent.length >= 2 ? recent[recent.length - 1] - recent[0] : 0;
      return { topic, ...(t.type ? { type: t.type } : {}), messages: t.messages, rate_hz: span > 0 ? Math.round(((recent.length - 1) / span) * 1000 * 100) / 100 : null, watched: t.off !== undefined };
    });
    return { ...this.summary(), events: this.events, topics };
  }

  private diff(): void {
    const now = new Map(this.source.nodes().map((n) => [n.fqn, n]));
    for (const [fqn, n] of now) {
      const before = this.last.get(fqn);
      if (n.online !== (before?.online ?? false)) this.push({ event: n.online ? 'node_online' : 'node_offline', node: fqn });
      const had = new Set(before?.endpoints ?? []);
      const has = new Set(n.endpoints);
      for (const e of n.endpoints) if (!had.has(e)) this.push({ event: 'endpoint_added', node: fqn, endpoint: e });
      for (const e of before?.endpoints ?? []) if (!has.has(e)) this.push({ event: 'endpoint_removed', node: fqn, endpoint: e });
    }
    this.last = now;
  }

  private push(e: Omit<CommEvent, 'seq' | 'timestamp'>): void {
    this.events.push({ seq: ++this.seq, timestamp: new Date(this.now()).toISOString(), ...e });
    if (this.events.length > MAX_EVENTS) {
      this.events.shift();
      this.dropped++;
    }
  }
}

export const MAX_LOGS = 32;

/** Every log, by entity. */
export class CommunicationLogs {
  private readonly logs = new Map<string, { key: string; log: CommunicationLog }>();
  private next = 1;

  list(key: string): CommunicationLog[] {
    return [...this.logs.values()].filter((l) => l.key === key).map((l) => l.log);
  }

  create(key: string, source: TrafficSource): CommunicationLog {
    if (this.logs.size >= MAX_LOGS) throw new SovdError('precondition-not-fulfilled', `At most ${MAX_LOGS} communication logs exist at once; delete one first`, { max_logs: MAX_LOGS });
    const log = new CommunicationLog(`comlog_${this.next++}`, source);
    this.logs.set(log.id, { key, log });
    log.start();
    return log;
  }

  get(key: string, id: string): CommunicationLog {
    const hit = this.logs.get(id);
    if (!hit || hit.key !== key) throw new SovdError('resource-not-found', `Communication log not found: ${id}`, { communication_log_id: id });
    return hit.log;
  }

  remove(key: string, id: string): void {
    this.get(key, id).stop();
    this.logs.delete(id);
  }

  close(): void {
    for (const { log } of this.logs.values()) log.stop();
    this.logs.clear();
  }
}
