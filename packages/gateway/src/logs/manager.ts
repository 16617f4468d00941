// The log manager: ingests /rosout entries (and programmatic ones), gives LogProviders their say
// (docs/resources.md), stores the rest in the ring buffer, serves queries and the per-entity log
// configuration, and tells listeners (the 'logs' sampler) about every stored entry.
import type { RosLogEntry } from '@medkit/ros2';
import { LogRingBuffer, type LogFilter, type LogSources } from './ring-buffer.js';
import { levelOf, type Severity, type StoredLog } from './model.js';
import { token, type Token } from '@medkit/server';
import type { Contributed } from '../entities/provider-chain.js';

/** A log backend (a plugin's LogProvider, contributed under LOG_PROVIDERS). */
export interface LogProvider {
  readonly name: string;
  /** True: the provider sources logs itself; the gateway neither reads /rosout nor keeps a ring buffer. Asked once at start-up. */
  managesIngestion?(): boolean;
  /** Observer: sees every entry first; returning true keeps it out of the ring buffer. */
  onLogEntry?(entry: StoredLog): boolean | void;
  /** Serves queries in place of the ring buffer (the first provider that has it). */
  query?(sources: LogSources, filter: LogFilter): StoredLog[] | Promise<StoredLog[]>;
}

/** What `/rosout` gives: a @medkit/ros2 RosLogEntry (`node` = publishing node FQN when the graph knows it). */
export type RosoutInput = Omit<RosLogEntry, 'publisherGuid'>;

export interface LogConfig {
  severity_filter: Severity;
  max_entries: number;
}

export const DEFAULT_LOG_CONFIG: LogConfig = { severity_filter: 'debug', max_entries: 100 };

/** `/demo.battery_monitor` style logger → `/demo/battery_monitor` (rcl names loggers with dots). */
export function loggerToFqn(logger: string): string {
  return '/' + logger.replace(/^\/+/, '').replace(/\./g, '/');
}

export class LogManager {
  readonly ring: LogRingBuffer;
  private readonly providers: LogProvider[] = [];
  private readonly listeners = new Set<(e: StoredLog) => void>();
  private readonly configs = new Map<string, LogConfig>();
  private next = 1;
  ingested = 0;

  constructor(bufferSize: number, warn: (msg: string) => void = () => {}) {
    this.ring = new LogRingBuffer(bufferSize, warn);
  }

  addProvider(p: LogProvider): void {
    this.providers.push(p);
  }

  /** True when the first provider owns ingestion (then /rosout is not read). */
  providerManagesIngestion(): boolean {
    return this.providers[0]?.managesIngestion?.() === true;
  }

  onEntry(l: (e: StoredLog) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** One /rosout message. */
  ingestRosout(m: RosoutInput): StoredLog {
    const logger = m.name.replace(/^\/+/, '');
    return this.store({
      n: this.next++,
      stampNs: BigInt(m.stamp.sec) * 1_000_000_000n + BigInt(m.stamp.nanosec),
      level: m.level,
      logger,
      source: m.node ?? loggerToFqn(logger),
      message: m.msg,
      function: m.function,
      file: m.file,
      line: m.line,
    });
  }

  /** A programmatic entry stored under an entity id (trigger log settings, plugins). */
  add(entityId: string, severity: Severity, message: string, logger = entityId): StoredLog {
    return this.store({ n: this.next++, stampNs: BigInt(Date.now()) * 1_000_000n, level: levelOf(severity), logger, source: entityId, message, function: '', file: '', line: 0 });
  }

  private store(e: StoredLog): StoredLog {
    this.ingested++;
    let keepOut = false;
    for (const p of this.providers) {
      try {
        if (p.onLogEntry?.(e) === true) keepOut = true;
      } catch {
        // a provider's failure must not lose the entry for the others
      }
    }
    if (!keepOut && this.ring.add(e)) {
      for (const l of this.listeners) {
        try {
          l(e);
        } catch {
          // listeners are consumers; their bugs stay theirs
        }
      }
    }
    return e;
  }

  async query(sources: LogSources, filter: LogFilter): Promise<StoredLog[]> {
    const p = this.providers.find((x) => x.query);
    return p?.query ? await p.query(sources, filter) : this.ring.query(sources, filter);
  }

  config(key: string): LogConfig {
    return this.configs.get(key) ?? DEFAULT_LOG_CONFIG;
  }

  setConfig(key: string, patch: Partial<LogConfig>): LogConfig {
    const c = { ...this.config(key), ...patch };
    this.configs.set(key, c);
    return c;
  }
}

/** Log backends other features contribute (the plugins feature: its plugins' LogProviders, docs/resources.md), in their order. */
export const LOG_PROVIDERS: Token<Contributed<LogProvider>> = token('log-providers');
