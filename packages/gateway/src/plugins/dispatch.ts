// Requests for plugin-owned entities go to the owner's providers (gateway.md §2.4); everything else
// falls through to the built-in services. Plugin bodies go to the client verbatim.
import type { Entity, EntityType } from '../entities/model.js';
import { SovdError } from '../sovd/errors.js';
import { Verbatim } from '../sovd/verbatim.js';
import type { ConditionEvaluator, LogSeverity, PluginEntityRef, PluginLogEntry } from './contract.js';
import type { ConditionEvaluator as TriggerCondition } from '../triggers/conditions.js';
import { LifecycleProviderError, type LifecycleEntity, type LifecycleProvider } from '../lifecycle/provider.js';
import type { SovdTransition } from '../lifecycle/plan.js';
import type { LogProvider as LogManagerProvider } from '../logs/manager.js';
import type { StoredLog } from '../logs/model.js';
import type { UpdateProvider as UpdateBackend } from '../updates/provider.js';
import type { PluginHost } from './host.js';

interface Ref {
  type: EntityType;
  entity: Entity;
}

const refOf = (r: Ref): PluginEntityRef => ({ type: r.type, id: r.entity.id, entity: r.entity });

/** The data resource of plugin-owned entities; undefined for entities no plugin DataProvider owns. */
export function pluginData(host: PluginHost | undefined) {
  return (r: Ref) => {
    const hit = host?.providerFor('data', r.entity.id);
    if (!hit) return undefined;
    const { plugin, provider } = hit;
    const ref = refOf(r);
    return {
      list: async () => new Verbatim(await host!.call(plugin, 'listData', () => provider.listData(ref))),
      read: async (name: string) => new Verbatim(await host!.call(plugin, 'readData', () => provider.readData(ref, name))),
      write: async (name: string, value: unknown) => new Verbatim(await host!.call(plugin, 'writeData', () => provider.writeData(ref, name, value))),
    };
  };
}

/** The operations resource of plugin-owned entities (synchronous executions only). */
export function pluginOperations(host: PluginHost | undefined) {
  return (r: Ref) => {
    const hit = host?.providerFor('operations', r.entity.id);
    if (!hit) return undefined;
    const { plugin, provider } = hit;
    const ref = refOf(r);
    const list = () => host!.call(plugin, 'listOperations', () => provider.listOperations(ref));
    return {
      list: async () => new Verbatim(await list()),
      get: async (name: string) => {
        if (provider.getOperation) return new Verbatim(await host!.call(plugin, 'getOperation', () => provider.getOperation!(ref, name)));
        const items = ((await list()) as { items?: { id?: string }[] })?.items ?? [];
        const item = items.find((i) => i?.id === name);
        if (!item) throw new SovdError('operation-not-found', `Operation '${name}' not found`, { entity_id: ref.id, operation_id: name });
        return new Verbatim({ item });
      },
      execute: async (name: string, parameters: unknown) => new Verbatim(await host!.call(plugin, 'executeOperation', () => provider.executeOperation(ref, name, parameters))),
    };
  };
}

/** The faults of plugin-owned entities (list, one fault, clear). */
export function pluginFaults(host: PluginHost | undefined) {
  return (r: Ref) => {
    const hit = host?.providerFor('faults', r.entity.id);
    if (!hit) return undefined;
    const { plugin, provider } = hit;
    const ref = refOf(r);
    const list = () => host!.call(plugin, 'listFaults', () => provider.listFaults(ref));
    return {
      list: async () => new Verbatim(await list()),
      get: async (code: string) => new Verbatim(await host!.call(plugin, 'getFault', () => provider.getFault(ref, code))),
      clear: (code: string) => host!.call(plugin, 'clearFault', () => provider.clearFault(ref, code)),
      clearAll: async () => {
        const items = ((await list()) as { items?: { fault_code?: string }[] })?.items ?? [];
        for (const f of items) if (typeof f?.fault_code === 'string') await host!.call(plugin, 'clearFault', () => provider.clearFault(ref, f.fault_code!));
      },
    };
  };
}

/** The first plugin UpdateProvider as the update manager's backend (the manager keeps registration and status). */
export function pluginUpdates(host: PluginHost): UpdateBackend | undefined {
  const first = host.withProvider('updates')[0];
  if (!first) return undefined;
  const { plugin, provider } = first;
  return {
    name: plugin.name,
    validate: (metadata) => host.call(plugin, 'registerUpdate', () => provider.registerUpdate(metadata)),
    supportsAutomated: (metadata) => {
      try {
        return provider.supportsAutomated?.(String(metadata.id ?? '')) ?? false;
      } catch {
        return false;
      }
    },
    // No deadline here: an update step legitimately runs for minutes; the manager's own step timeout applies.
    prepare: (id, metadata, reporter) => provider.prepare(id, metadata, reporter),
    execute: (id, metadata, reporter) => provider.execute(id, metadata, reporter),
    remove: (id) => host.call(plugin, 'deleteUpdate', () => provider.deleteUpdate?.(id)),
  };
}

/** A plugin condition evaluator as the trigger engine's (gateway.md §2.7). */
export function triggerCondition(e: ConditionEvaluator): TriggerCondition {
  return { validate: (params) => e.validateParams(params), evaluate: (previous, current, params) => e.evaluate(previous, current, params) };
}

/** Plugins' LifecycleProviders as one built-in provider that handles the entities they own (gateway.md §2.9). */
export function pluginLifecycle(host: PluginHost): LifecycleProvider {
  const hit = (e: LifecycleEntity) => host.providerFor('lifecycle', e.entity.id);
  return {
    name: 'plugins',
    handles: (e) => hit(e) !== undefined,
    async status(e) {
      const h = hit(e)!;
      const s = await host.call(h.plugin, 'getStatus', () => h.provider.getStatus(refOf(e)));
      return { status: s.status === 'ready' ? 'ready' : 'notReady', transitions: (s.transitions ?? []) as SovdTransition[], ...(s.detail ? { detail: s.detail } : {}) };
    },
    async transition(e, name) {
      const h = hit(e)!;
      try {
        await host.call(h.plugin, 'requestTransition', () => h.provider.requestTransition(refOf(e), name));
      } catch (err) {
        // The lifecycle service maps these kinds to 403 / 409 / 501 and anything else to the plugin's status (§2.9).
        const s = err as SovdError;
        const kind = ({ 'insufficient-access-rights': 'access-denied', 'precondition-not-fulfilled': 'precondition-failed', 'not-implemented': 'unsupported' } as const)[s.code as string] ?? 'other';
        throw new LifecycleProviderError(kind, s.message, s.status, s.parameters ?? {});
      }
    },
  };
}

const SEVERITY: [number, LogSeverity][] = [[50, 'fatal'], [40, 'error'], [30, 'warning'], [20, 'info'], [0, 'debug']];
const LEVEL: Record<LogSeverity, number> = { debug: 10, info: 20, warning: 30, error: 40, fatal: 50 };

function toPluginEntry(e: StoredLog): PluginLogEntry {
  return {
    id: e.n,
    timestamp: new Date(Number(e.stampNs / 1_000_000n)).toISOString(),
    severity: SEVERITY.find(([l]) => e.level >= l)![1],
    source: e.source,
    logger: e.logger,
    message: e.message,
  };
}

/**
 * Plugins' LogProviders as log-manager providers (gateway.md §10.4): every one observes entries; the first
 * with getLogs serves queries; observers run synchronously and a throwing observer only counts a failure.
 */
export function pluginLogProviders(host: PluginHost): LogManagerProvider[] {
  return host.withProvider('logs').map(({ plugin, provider }) => ({
    name: plugin.name,
    managesIngestion: () => plugin.active && provider.managesIngestion?.() === true,
    onLogEntry: provider.onLogEntry
      ? (entry: StoredLog) => {
          if (!plugin.active) return false;
          try {
            return provider.onLogEntry!(toPluginEntry(entry)) === true;
          } catch (err) {
            host.noteFailure(plugin, `onLogEntry failed: ${(err as Error)?.message ?? String(err)}`);
            return false;
          }
        }
      : undefined,
    query: provider.getLogs
      ? async (sources, filter) => {
          const minSeverity = SEVERITY.find(([l]) => (filter.minLevel ?? 0) >= l)![1];
          const entries = await host.call(plugin, 'getLogs', () => provider.getLogs!({ nodeFqns: [...sources.exact, ...sources.prefixes], minSeverity }));
          return (entries ?? []).map((x, i) => ({
            n: Number.isInteger(x.id) ? x.id : i + 1,
            stampNs: BigInt(Date.parse(x.timestamp) || 0) * 1_000_000n,
            level: LEVEL[x.severity] ?? 20,
            logger: x.logger ?? x.source,
            source: x.source,
            message: String(x.message ?? ''),
            function: '',
            file: '',
            line: 0,
          })) as StoredLog[];
        }
      : undefined,
  }));
}
