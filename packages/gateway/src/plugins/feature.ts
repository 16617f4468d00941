// The plugins feature (gateway.md §2): loads the configured plugin modules (and in-process ones, same
// contract), configures them and gives each its PluginContext, publishes the host for the features that
// route to providers (entities, data, operations, lifecycle, logs), mounts vendor routes, reports on /health.
import type { GatewayFeature } from '../feature.js';
import { token, type Token } from '../registry/index.js';
import { ROS_SERVICE } from '../ros/connection.js';
import { warning } from '../info/health-registry.js';
import { readPluginSettings, DEFAULT_CALL_TIMEOUT_MS } from './config.js';
import type { PluginConfig, PluginModule } from './contract.js';
import { createPluginContext } from './context.js';
import { PluginHost } from './host.js';
import { loadPlugins } from './loader.js';
import { BUILTIN_PLUGIN_NAMES, BUILTIN_PLUGINS, type BuiltinDeps } from './builtins.js';
import { ProcessIdHints } from './process-hints.js';
import { pluginDocPaths, registerPluginRoutes } from './routes.js';

/** The plugin host, for features that hand entities to their owner's providers. */
export const PLUGINS_SERVICE: Token<PluginHost> = token('plugins');

/** A plugin registered in-process (built-ins, tests): the module object a plugin file would export. */
export interface InProcessPlugin {
  name: string;
  module: PluginModule;
  config?: PluginConfig;
  callTimeoutMs?: number;
}

export interface PluginsFeatureOptions {
  /** Added before the configured ones, in this order. */
  plugins?: InProcessPlugin[];
}

export function createPluginsFeature(opts: PluginsFeatureOptions = {}): GatewayFeature {
  let host: PluginHost | undefined;
  return {
    name: 'plugins',
    provides: [PLUGINS_SERVICE],
    // Built-ins reach ROS through BuiltinDeps (beacons) or their context (graph plugins subscribe from setContext).
    uses: [ROS_SERVICE],
    async init(ctx) {
      const settings = readPluginSettings(ctx.config, BUILTIN_PLUGIN_NAMES);
      const h = new PluginHost(ctx.log.child({ component: 'plugins' }));
      host = h;
      for (const p of opts.plugins ?? []) h.add(p.name, p.module, p.config ?? {}, p.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
      const deps: BuiltinDeps = { ros: () => ctx.services.find(ROS_SERVICE), processHints: new ProcessIdHints() };
      await loadPlugins(h, settings, process.cwd(), (name) => (Object.hasOwn(BUILTIN_PLUGINS, name) ? BUILTIN_PLUGINS[name](deps) : undefined));
      ctx.services.provide(PLUGINS_SERVICE, h);
      // Zero overhead without plugins (§2.1): nothing else is installed.
      if (h.list.length === 0) return;
      await h.start((p) => createPluginContext(ctx, h, p));
      ctx.health.add(() => {
        const plugins = h.health();
        return {
          fields: { 'x-medkit-plugins': plugins },
          warnings: plugins.flatMap((p) =>
            p.state === 'disabled' ? [warning('plugin_disabled', `plugin '${p.name}' is disabled: ${p.error ?? 'unknown error'}`)] : p.last_error ? [warning('plugin_call_failed', `plugin '${p.name}': ${p.last_error}`)] : [],
          ),
        };
      });
    },
    routes: () => (app) => {
      if (host) registerPluginRoutes(host)(app);
    },
    docsPaths: () => [() => (host ? pluginDocPaths(host) : {})],
    async stop() {
      await host?.shutdown();
    },
    summary: () => (host && host.list.length > 0 ? [['plugins', host.list.map((p) => `${p.name} (${p.state})`).join(', ')]] : []),
  };
}
