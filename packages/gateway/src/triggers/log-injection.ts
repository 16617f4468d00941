// A fired trigger's `log_settings`: its marker written to the entity's log (or the gateway log when no
// log feature publishes a sink), flagged while it happens so the engine ignores the log change it causes.
import type { EntityType } from '../entities/model.js';
import type { LogSeverity, Trigger } from './model.js';

/** Where a fired trigger's `log_settings` entry goes (the logs feature publishes one as 'log-injector'). */
export interface TriggerLogSink {
  inject(entry: { entityType: EntityType; entityId: string; severity: LogSeverity; message: string; context: Record<string, unknown> }): void;
}

export class TriggerLogInjector {
  /** True while an entry is being written: a log entry written by log_settings must not re-enter evaluation. */
  injecting = false;

  constructor(
    private readonly sink: (() => TriggerLogSink | undefined) | undefined,
    private readonly warn: ((msg: string, extra?: Record<string, unknown>) => void) | undefined,
  ) {}

  inject(t: Trigger): void {
    const ls = t.logSettings!;
    const context = { trigger_id: t.id, condition_type: t.conditionType, resource: t.resourceUri };
    this.injecting = true;
    try {
      const sink = this.sink?.();
      if (sink) sink.inject({ entityType: t.entityType, entityId: t.entityId, severity: ls.severity, message: ls.marker, context });
      else this.warn?.(`${ls.marker} (${t.id})`, context);
    } catch (err) {
      this.warn?.(`trigger ${t.id}: log injection failed`, { err: (err as Error).message });
    } finally {
      this.injecting = false;
    }
  }
}
