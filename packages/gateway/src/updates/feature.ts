// The software-updates feature. `updates.enabled: false` (default) → every route answers 501; when
// enabled, the provider given to the factory is used, else the built-in script provider.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GatewayConfig } from '../config/index.js';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { SCRIPTS_SERVICE } from '../scripts/feature.js';
import { LocalProcessExecutor, SCRIPTS_KEYS } from '@medkit/scripts';
import { ScriptRunner } from '@medkit/scripts';
import { UPDATES_KEYS } from './config.js';
import { UpdateManager } from './manager.js';
import { getSamplers } from '../sampling/index.js';
import { UPDATE_PROVIDERS, type UpdateProvider } from './provider.js';
import { ScriptUpdateProvider } from './script-provider.js';
import { UPDATES_MIGRATIONS, UpdateStore } from './store.js';
import { token, type Token, loadedRoutes } from '@medkit/server';

/** Service name of the UpdateManager in `ctx.services`. */
export const UPDATES_SERVICE: Token<UpdateManager> = token('updates');

export interface UpdatesFeatureOptions {
  /** A plugin provider; default: the built-in script provider. */
  provider?: UpdateProvider | ((ctx: GatewayContext) => UpdateProvider);
}

function builtInProvider(ctx: GatewayContext): UpdateProvider {
  const scripts = ctx.services.find(SCRIPTS_SERVICE);
  const dir = ctx.config.read(UPDATES_KEYS, 'updates.packages_dir') || join(ctx.dataDir, 'updates');
  const packagesDir = resolve(dir);
  mkdirSync(packagesDir, { recursive: true });
  // Without the scripts feature, steps still run with the same process handling and a closed environment.
  const runner =
    scripts?.runner ??
    new ScriptRunner(new LocalProcessExecutor(), {
      defaultTimeoutSec: ctx.config.read(UPDATES_KEYS, 'updates.step_timeout_sec'),
      killGraceMs: Math.round(ctx.config.read(SCRIPTS_KEYS, 'scripts.kill_grace_sec') * 1000),
      envPassthrough: ctx.config.read(SCRIPTS_KEYS, 'scripts.env_passthrough'),
    });
  return new ScriptUpdateProvider({
    runner,
    packagesDir,
    ...(scripts ? { findScript: (id: string) => scripts.store.findById(id) } : {}),
    stepTimeoutSec: ctx.config.read(UPDATES_KEYS, 'updates.step_timeout_sec'),
  });
}

/** Software updates (docs/updates.md). */
export function createUpdatesFeature(_config?: GatewayConfig, options: UpdatesFeatureOptions = {}): GatewayFeature {
  let manager: UpdateManager | undefined;
  return {
    name: 'updates',
    provides: [UPDATES_SERVICE],
    // Reuses the scripts feature's runner when it is there.
    uses: [SCRIPTS_SERVICE, UPDATE_PROVIDERS],
    keys: UPDATES_KEYS,
    migrations: UPDATES_MIGRATIONS,
    init(ctx) {
      if (!ctx.config.read(UPDATES_KEYS, 'updates.enabled')) return;
      // The first contributed backend (the first plugin UpdateProvider in config order) replaces the built-in one (docs/plugins.md).
      const contributed = ctx.services.find(UPDATE_PROVIDERS)?.()[0];
      const provider = typeof options.provider === 'function' ? options.provider(ctx) : (options.provider ?? contributed ?? builtInProvider(ctx));
      manager = new UpdateManager(new UpdateStore(ctx.db), provider, ctx.log.child({ component: 'updates' }));
      ctx.services.provide(UPDATES_SERVICE, manager);
      // Cyclic subscriptions and triggers on `/updates/{id}/status` read and follow the package's status.
      const m = manager;
      getSamplers(ctx).register('update-status', {
        sample: async (_entity, updateId) => m.get(updateId ?? '').status,
        subscribe: (_entity, updateId, onValue) => m.onStatus((id, status) => {
          if (id === updateId) onValue(status);
        }),
      }, { itemPath: 'required' });
    },
    routes: () => loadedRoutes(() => import('./routes.js'), (m) => m.updatesRoutes(() => manager)),
    async stop() {
      await manager?.stopAll();
    },
    summary: () => (manager ? [['updates', `provider ${manager.provider.name}`]] : []),
  };
}
