// Plugins' providers as the providers each resource's feature takes (docs/plugins.md): requests for
// plugin-owned entities go to the owner's providers, everything else falls through to the built-in services.
// Plugin bodies go to the client verbatim. The plugins feature contributes these to the features.
import type { ServedEntity } from '../entities/provider-chain.js';
import { type ConditionEvaluator, type JsonValue, type LogSeverity, type PluginEntityRef, isPluginError, type PluginLogEntry } from '@medkit/plugin-api';
import { SovdError } from '@medkit/sovd';
import { Verbatim } from '@medkit/server';
import { ResourcePendingError } from '../sampling/registry.js';
import type { ConditionEvaluator as TriggerCondition } from '../triggers/conditions.js';
import { LifecycleProviderError, type LifecycleEntity, type LifecycleProvider } from '../lifecycle/provider.js';
import type { SovdTransition } from '../lifecycle/plan.js';
import type { LogProvider as LogManagerProvider } from '../logs/manager.js';
import type { StoredLog } from '../logs/model.js';
import type { UpdateProvider as UpdateBackend } from '../updates/provider.js';
import type { DataProvider } from '../data/providers.js';
import type { OperationProvider } from '../operations/providers.js';
import type { FaultProvider } from '../faults/gateway/providers.js';
import type { ScriptProvider } from '../scripts/providers.js';
import type { PluginHost, PluginProviders } from './host.js';

type Ref = ServedEntity;

const refOf = (r: Ref): PluginEntityRef => ({ type: r.type, id: r.entity.id, entity: r.entity });

/**
 * A resource of plugin-owned entities: `build` gets the owner's provider of `kind`, the entity, and `call`
 * (the host's guarded call); undefined for entities no plugin with that provider owns.
 */
function ownedResource<K extends keyof PluginProviders, R>(
  host: PluginHost,
  kind: K,
  build: (provider: NonNullable<PluginProviders[K]>, ref: PluginEntityRef, call: <T>(name: string, fn: () => T | Promise<T>) => Promise<T>) => R,
): (r: Ref) => R | undefined {
  return (r) => {
    const hit = host.providerFor(kind, r.entity.id);
    return hit ? build(hit.provider, refOf(r), (name, fn) => host.call(hit.plugin, name, fn)) : undefined;
  };
}

const verbatim = async (p: Promise<unknown>) => new Verbatim(await p);

/** The data of plugin-owned entities; `streams` when some plugin's DataProvider streams changes (so `data` triggers can observe them). */
export const pluginData = (host: PluginHost): DataProvider => ({
  streams: () => host.withProvider('data').some(({ provider }) => provider.subscribeData !== undefined),
  resourceFor: ownedResource(host, 'data', (provider, ref, call) => ({
    list: () => verbatim(call('listData', () => provider.listData(ref))),
    read: (name: string) => verbatim(call('readData', () => provider.readData(ref, name))),
    write: (name: string, value: unknown) => verbatim(call('writeData', () => provider.writeData(ref, name, value))),
    /** Streams one item's changes (triggers); undefined when the provider cannot. */
    subscribe: provider.subscribeData
      ? (name: string, onValue: (value: unknown) => void, onError?: (err: Error) => void) => {
          try {
            return provider.subscribeData!(ref, name, onValue, onError);
          } catch (err) {
            // An item the plugin does not have (yet) waits like a ROS topic nobody publishes yet.
            if (isPluginError(err) && err.status === 404) throw new ResourcePendingError(err.message);
            throw err;
          }
        }
      : undefined,
  })),
});

/** The operations of plugin-owned entities (synchronous executions only). */
export const pluginOperations = (host: PluginHost): OperationProvider => ({
  resourceFor: ownedResource(host, 'operations', (provider, ref, call) => {
    const list = () => call('listOperations', () => provider.listOperations(ref));
    return {
      list: () => verbatim(list()),
      get: async (name: string) => {
        if (provider.getOperation) return verbatim(call('getOperation', () => provider.getOperation!(ref, name)));
        const items = ((await list()) as { items?: { id?: string }[] })?.items ?? [];
        const item = items.find((i) => i?.id === name);
        if (!item) throw new SovdError('operation-not-found', `Operation '${name}' not found`, { entity_id: ref.id, operation_id: name });
        return new Verbatim({ item });
      },
      execute: (name: string, parameters: unknown) => verbatim(call('executeOperation', () => provider.executeOperation(ref, name, parameters))),
    };
  }),
});

/** The faults of plugin-owned entities (list, one fault, clear). */
export const pluginFaults = (host: PluginHost): FaultProvider => ({
  resourceFor: ownedResource(host, 'faults', (provider, ref, call) => {
    const list = () => call('listFaults', () => provider.listFaults(ref));
    const clear = (code: string) => call('clearFault', () => provider.clearFault(ref, code));
    return {
      list: () => verbatim(list()),
      get: (code: string) => verbatim(call('getFault', () => provider.getFault(ref, code))),
      clear,
      clearAll: async () => {
        const items = ((await list()) as { items?: { fault_code?: string }[] })?.items ?? [];
        for (const f of items) if (typeof f?.fault_code === 'string') await clear(f.fault_code);
      },
    };
  }),
});

/**
 * The script backend of an entity (docs/plugins.md, docs/scripts.md): its owner's ScriptProvider, else the first plugin's
 * (which replaces the built-in backend); undefined when no plugin has one (the built-in service serves it).
 */
export function pluginScripts(host: PluginHost): ScriptProvider {
  const owned = ownedResource(host, 'scripts', (provider, ref, call) => ({ provider, ref, call }));
  const resourceFor = (r: Ref) => {
    const first = host.withProvider('scripts')[0];
    const hit = owned(r) ?? (first ? { provider: first.provider, ref: refOf(r), call: <T>(name: string, fn: () => T | Promise<T>) => host.call(first.plugin, name, fn) } : undefined);
    if (!hit) return undefined;
    const { provider: p, ref, call } = hit;
    const optional = <T>(name: string, fn: ((...a: never[]) => T) | undefined, run: () => T | Promise<T>) => {
      if (!fn) throw new SovdError('not-implemented', `The script backend of this entity does not support ${name}`, { entity_id: ref.id });
      return call(name, run);
    };
    return {
      list: () => verbatim(call('listScripts', () => p.listScripts(ref))),
      get: (scriptId: string) => verbatim(call('getScript', () => p.getScript(ref, scriptId))),
      start: (scriptId: string, request: { execution_type: string; parameters?: JsonValue }) => call('startExecution', () => p.startExecution(ref, scriptId, request)),
      execution: (scriptId: string, executionId: string) => verbatim(call('getExecution', () => p.getExecution(ref, scriptId, executionId))),
      control: (scriptId: string, executionId: string, action: 'stop' | 'forced_termination') =>
        verbatim(optional('controlExecution', p.controlExecution, () => p.controlExecution!(ref, scriptId, executionId, action))),
      removeExecution: (scriptId: string, executionId: string) => optional('deleteExecution', p.deleteExecution, () => p.deleteExecution!(ref, scriptId, executionId)),
      remove: (scriptId: string) => optional('deleteScript', p.deleteScript, () => p.deleteScript!(ref, scriptId)),
    };
  };
  return { resourceFor };
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

/** A plugin condition evaluator as the trigger engine's (docs/plugins.md). */
export function triggerCondition(e: ConditionEvaluator): TriggerCondition {
  return { validate: (params) => e.validateParams(params), evaluate: (previous, current, params) => e.evaluate(previous, current, params) };
}

/** Plugins' LifecycleProviders as one built-in provider that handles the entities they own (docs/plugins.md). */
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
        // The lifecycle service maps these kinds to 403 / 409 / 501 and anything else to the plugin's status (docs/plugins.md).
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
    file: e.file,
    line: e.line,
    function: e.function,
  };
}

/**
 * Plugins' LogProviders as log-manager providers (docs/resources.md): every one observes entries; the first
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
