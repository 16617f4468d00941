// Requests for plugin-owned entities go to the owner's providers (gateway.md §2.4); everything else
// falls through to the built-in services. Plugin bodies go to the client verbatim.
import type { Entity, EntityType } from '../entities/model.js';
import { SovdError } from '../sovd/errors.js';
import { Verbatim } from '../sovd/verbatim.js';
import type { LogSeverity, PluginEntityRef, PluginLogEntry } from './contract.js';
import type { LifecycleEntity, LifecycleProvider } from '../lifecycle/provider.js';
import type { SovdTransition } from '../lifecycle/plan.js';
import type { LogProvider as LogManagerProvider } from '../logs/manager.js';
import type { StoredLog } from '../logs/model.js';
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
      await host.call(h.plugin, 'requestTransition', () => h.provider.requestTransition(refOf(e), name));
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
