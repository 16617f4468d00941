// The plugins feature (docs/plugins.md): loads the configured plugin modules (and in-process ones, same
// contract), configures them and gives each its PluginContext, mounts vendor routes, reports on /health.
// Plugins' providers reach the features as adapters (dispatch.ts) published under the tokens each feature
// declares for the providers it takes (DATA_PROVIDERS, ...); this feature provides them, those features use
// them, so every one of them initialises after the plugins started.
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { token, type Token } from '@medkit/server';
import type { Contributed } from '../entities/provider-chain.js';
import { ENTITY_CONTRIBUTIONS } from '../entities/contributions.js';
import { DATA_PROVIDERS } from '../data/providers.js';
import { OPERATION_PROVIDERS } from '../operations/providers.js';
import { FAULT_PROVIDERS } from '../faults/gateway/providers.js';
import { SCRIPT_PROVIDERS } from '../scripts/providers.js';
import { LIFECYCLE_PROVIDERS } from '../lifecycle/provider.js';
import { LOG_PROVIDERS } from '../logs/manager.js';
import { UPDATE_PROVIDERS } from '../updates/provider.js';
import { CONTRIBUTED_CONDITIONS } from '../triggers/conditions-service.js';
import { pluginData, pluginFaults, pluginLifecycle, pluginLogProviders, pluginOperations, pluginScripts, pluginUpdates, triggerCondition } from './dispatch.js';
import type { PluginProviders } from './host.js';
import { ROS_SERVICE } from '../ros/connection.js';
import { warning } from '@medkit/kit';
import { readPluginSettings, DEFAULT_CALL_TIMEOUT_MS } from './config.js';
import type { PluginConfig, PluginModule } from '@medkit/plugin-api';
import { createPluginContext } from './context.js';
import { PluginHost } from './host.js';
import { loadPlugins } from './loader.js';
import { ProcessIdHints } from './process-hints.js';
import { PluginFaultEventHub } from './fault-events.js';
import { FAULTS_SERVICE } from '../faults/gateway/service.js';
import { pluginDocPaths, registerPluginRoutes } from './routes.js';

/** The plugin host (for the composition and tests; features take plugins' providers through their own tokens). */
export const PLUGINS_SERVICE: Token<PluginHost> = token('plugins');

/** What this feature contributes to other features' tokens, besides PLUGINS_SERVICE. */
const CONTRIBUTIONS = [ENTITY_CONTRIBUTIONS, DATA_PROVIDERS, OPERATION_PROVIDERS, FAULT_PROVIDERS, SCRIPT_PROVIDERS, LIFECYCLE_PROVIDERS, LOG_PROVIDERS, UPDATE_PROVIDERS, CONTRIBUTED_CONDITIONS];

/**
 * Publishes the plugins' providers for the features that take them. Each is read when its feature asks (as the
 * features asked the host before): an adapter while some active plugin has a provider of its kind, else none.
 */
function contributeProviders(services: GatewayContext['services'], h: PluginHost): void {
  const ifAny = <P>(kind: keyof PluginProviders, make: () => P): Contributed<P> => () => (h.withProvider(kind).length > 0 ? [make()] : []);
  services.provide(DATA_PROVIDERS, ifAny('data', () => pluginData(h)));
  services.provide(OPERATION_PROVIDERS, ifAny('operations', () => pluginOperations(h)));
  services.provide(FAULT_PROVIDERS, ifAny('faults', () => pluginFaults(h)));
  services.provide(SCRIPT_PROVIDERS, ifAny('scripts', () => pluginScripts(h)));
  services.provide(LIFECYCLE_PROVIDERS, ifAny('lifecycle', () => pluginLifecycle(h)));
  services.provide(LOG_PROVIDERS, () => pluginLogProviders(h));
  services.provide(UPDATE_PROVIDERS, () => {
    const u = pluginUpdates(h);
    return u ? [u] : [];
  });
  services.provide(CONTRIBUTED_CONDITIONS, () => [...h.conditions].map(([name, e]) => ({ name, evaluator: triggerCondition(e) })));
}

/** A plugin registered in-process (built-ins, tests): the module object a plugin file would export. */
export interface InProcessPlugin {
  name: string;
  module: PluginModule;
  config?: PluginConfig;
  callTimeoutMs?: number;
}

/**
 * Plugins that ship with a product built on the gateway, by configuration name (docs/plugins.md): listing a
 * name in `plugins` enables it without a `path` (a path given for it loads that file instead). Each entry
 * imports its module when called, so a gateway that does not enable it never loads it or its libraries.
 */
export type BuiltinPluginCatalog = Readonly<Record<string, () => PluginModule | Promise<PluginModule>>>;

export interface PluginsFeatureOptions {
  /** Added before the configured ones, in this order. */
  plugins?: InProcessPlugin[];
  /** The built-in plugins that may be enabled by name (the `medkit` command passes its own). */
  builtins?: BuiltinPluginCatalog;
}

export function createPluginsFeature(opts: PluginsFeatureOptions = {}): GatewayFeature {
  let host: PluginHost | undefined;
  const faultEvents = new PluginFaultEventHub();
  return {
    name: 'plugins',
    provides: [PLUGINS_SERVICE, ...CONTRIBUTIONS],
    // Plugins reach ROS through their context (ros()), from setContext on.
    uses: [ROS_SERVICE],
    async init(ctx) {
      const builtins = opts.builtins ?? {};
      const settings = readPluginSettings(ctx.config, Object.keys(builtins));
      const h = new PluginHost(ctx.log.child({ component: 'plugins' }));
      host = h;
      for (const p of opts.plugins ?? []) h.add(p.name, p.module, p.config ?? {}, p.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
      const warnings = await loadPlugins(h, settings, process.cwd(), (name) => (Object.hasOwn(builtins, name) ? builtins[name]() : undefined));
      for (const w of warnings) ctx.log.warn(w);
      ctx.services.provide(PLUGINS_SERVICE, h);
      ctx.services.provide(ENTITY_CONTRIBUTIONS, {
        discoveryLayers: () => h.discoveryLayers(),
        // Plugins change entity details only when there are plugins (capabilities, hasData/hasOperations, metadata).
        details: h.list.length > 0 ? { detailOf: (type, e) => h.detailOf(type, e), revision: () => h.detailsRevision } : undefined,
      });
      // Zero overhead without plugins (docs/plugins.md): nothing else is installed.
      if (h.list.length === 0) return;
      const hints = new ProcessIdHints();
      await h.start((p) => createPluginContext(ctx, h, p, hints, faultEvents));
      contributeProviders(ctx.services, h);
      ctx.health.add(() => {
        const plugins = h.health();
        return {
          fields: { 'x-medkit-plugins': plugins },
          warnings: plugins.flatMap((p) => [
            ...(p.state === 'disabled' ? [warning('plugin_disabled', `plugin '${p.name}' is disabled: ${p.error ?? 'unknown error'}`)] : p.last_error ? [warning('plugin_call_failed', `plugin '${p.name}': ${p.last_error}`)] : []),
            // The plugin's own: its code, prefixed with the plugin's name so two plugins never share one.
            ...p.warnings.map((w) => warning(`${p.name}.${w.code}`, `plugin '${p.name}': ${w.message}`)),
          ]),
          // A plugin that says it cannot do part of its job (PluginWarning.degrades) degrades /health like a gateway part.
          degraded: plugins.some((p) => p.warnings.some((w) => w.degrades === true)),
        };
      });
    },
    routes: () => (app) => {
      if (host) registerPluginRoutes(host)(app);
    },
    docsPaths: () => [() => (host ? pluginDocPaths(host) : {})],
    start(ctx) {
      // The faults feature initialises after this one (it uses the plugin host): connect its events now.
      const faults = ctx.services.find(FAULTS_SERVICE);
      if (faults && host && host.list.length > 0) faultEvents.connect({ events: faults.manager.events, entityOf: (s) => faults.entities.entityOf(s) });
    },
    async stop() {
      faultEvents.close();
      await host?.shutdown();
    },
    summary: () => (host && host.list.length > 0 ? [['plugins', host.list.map((p) => `${p.name} (${p.state})`).join(', ')]] : []),
  };
}
