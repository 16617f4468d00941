// The scripts feature: keys, tables, the `scripts` service and the routes. Enabled when
// `scripts.scripts_dir` is set; otherwise every script route answers 501 (docs/scripts.md).
import { resolve } from 'node:path';
import type { GatewayConfig } from '../config/index.js';
import { ENTITIES_SERVICE } from '../entities/service.js';
import { LOCKS_SERVICE } from '../locks/manager.js';
import type { ManifestScript } from '../entities/manifest/types.js';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { AUDIT_MIGRATIONS, ScriptAudit, SCRIPTS_KEYS, type ScriptsSettings } from '@medkit/scripts';
import { ExecutionManager } from '@medkit/scripts';
import type { ScriptExecutor } from '@medkit/scripts';
import { LocalProcessExecutor } from '@medkit/scripts';
import { planSandbox, type SandboxProbe } from '@medkit/scripts';
import { recoverInterrupted } from '@medkit/scripts';
import { ScriptRunner } from '@medkit/scripts';
import { ScriptsService } from '@medkit/scripts';
import { STORE_MIGRATIONS, ScriptStore } from '@medkit/scripts';
import { token, type Token, loadedRoutes } from '@medkit/server';
import { contributedChain } from '../entities/provider-chain.js';
import { warning } from '@medkit/kit';
import { SCRIPT_PROVIDERS } from './providers.js';

/** Name of the service other features (updates, entity details) find in `ctx.services`. */
export const SCRIPTS_SERVICE: Token<ScriptsService> = token('scripts');

export interface ScriptsFeatureOptions {
  /** Manifest `scripts:` entries (managed, not deletable), or a function read at init. */
  managedScripts?: ManifestScript[] | ((ctx: GatewayContext) => ManifestScript[]);
  /** Another backend instead of local child processes. */
  executor?: ScriptExecutor;
  /** What the machine offers the sandbox (tests: a machine without cgroups); default: this machine. */
  sandboxProbe?: SandboxProbe;
}

function readScriptsSettings(ctx: GatewayContext): ScriptsSettings {
  const dir = ctx.config.read(SCRIPTS_KEYS, 'scripts.scripts_dir');
  return {
    scriptsDir: dir ? resolve(dir) : '',
    allowUploads: ctx.config.read(SCRIPTS_KEYS, 'scripts.allow_uploads'),
    maxFileBytes: ctx.config.read(SCRIPTS_KEYS, 'scripts.max_file_size_mb') * 1024 * 1024,
    maxConcurrent: ctx.config.read(SCRIPTS_KEYS, 'scripts.max_concurrent_executions'),
    defaultTimeoutSec: ctx.config.read(SCRIPTS_KEYS, 'scripts.default_timeout_sec'),
    maxHistory: ctx.config.read(SCRIPTS_KEYS, 'scripts.max_execution_history'),
    killGraceMs: Math.round(ctx.config.read(SCRIPTS_KEYS, 'scripts.kill_grace_sec') * 1000),
    envPassthrough: ctx.config.read(SCRIPTS_KEYS, 'scripts.env_passthrough'),
    auditMaxRecords: ctx.config.read(SCRIPTS_KEYS, 'scripts.audit_max_records'),
    sandbox: {
      mode: ctx.config.read(SCRIPTS_KEYS, 'scripts.sandbox.mode'),
      network: ctx.config.read(SCRIPTS_KEYS, 'scripts.sandbox.network'),
      user: ctx.config.read(SCRIPTS_KEYS, 'scripts.sandbox.user'),
      userExplicit: ctx.config.explicit.has('scripts.sandbox.user'),
      cpuSec: ctx.config.read(SCRIPTS_KEYS, 'scripts.limits.cpu_sec'),
      memoryMb: ctx.config.read(SCRIPTS_KEYS, 'scripts.limits.memory_mb'),
      maxProcesses: ctx.config.read(SCRIPTS_KEYS, 'scripts.limits.max_processes'),
      maxFileMb: ctx.config.read(SCRIPTS_KEYS, 'scripts.limits.max_file_mb'),
      cpuCores: ctx.config.read(SCRIPTS_KEYS, 'scripts.limits.cpu_cores'),
      diskMb: ctx.config.read(SCRIPTS_KEYS, 'scripts.limits.disk_mb'),
      visiblePaths: ctx.config.read(SCRIPTS_KEYS, 'scripts.sandbox.visible_paths'),
    },
  };
}

/**
 * Diagnostic scripts on apps and components (docs/scripts.md). The first argument is unused and
 * exists so the factory fits the gateway's `(config) => GatewayFeature` list.
 */
export function createScriptsFeature(_config?: GatewayConfig, options: ScriptsFeatureOptions = {}): GatewayFeature {
  let service: ScriptsService | undefined;
  let maxFileBytes = 10 * 1024 * 1024;
  let sandboxDescription = '';
  return {
    name: 'scripts',
    provides: [SCRIPTS_SERVICE],
    uses: [ENTITIES_SERVICE, LOCKS_SERVICE, SCRIPT_PROVIDERS],
    keys: SCRIPTS_KEYS,
    migrations: [...STORE_MIGRATIONS, ...AUDIT_MIGRATIONS],
    init(ctx) {
      const settings = readScriptsSettings(ctx);
      maxFileBytes = settings.maxFileBytes;
      if (!settings.scriptsDir) {
        ctx.log.debug('scripts disabled (scripts.scripts_dir not set)');
        return;
      }
      const log = ctx.log.child({ component: 'scripts' });
      const store = new ScriptStore(ctx.db, settings.scriptsDir, log);
      const managed = typeof options.managedScripts === 'function' ? options.managedScripts(ctx) : (options.managedScripts ?? []);
      store.setManaged(managed);
      store.reconcile();
      const audit = new ScriptAudit(ctx.db, ctx.dataDir, settings.auditMaxRecords, log);
      // Decided once; a requirement that cannot be honoured stops start-up (SandboxError).
      const sandbox = options.executor ? undefined : planSandbox(settings.sandbox, options.sandboxProbe);
      if (sandbox?.warning) log.warn(sandbox.warning);
      // Said on /health too, so a fleet tool sees a gateway whose executions are bounded per process only.
      const cgroups = sandbox ? sandbox.cgroupStatus : 'provided by the configured executor';
      sandboxDescription = sandbox?.description ?? 'provided by the configured executor';
      const runner = new ScriptRunner(options.executor ?? new LocalProcessExecutor(sandbox), settings);
      const executions = new ExecutionManager(runner, { maxConcurrent: settings.maxConcurrent, maxHistory: settings.maxHistory }, audit);
      // Before anything runs: what a killed predecessor left running is ended, and its executions are failed.
      recoverInterrupted(audit, executions, sandbox?.cgroups?.reclaimStale() ?? [], log);
      service = new ScriptsService(settings, store, executions, audit, runner);
      ctx.services.provide(SCRIPTS_SERVICE, service);
      ctx.health.add(() => ({
        fields: { 'x-medkit-scripts': { running: executions.runningCount, max_concurrent_executions: settings.maxConcurrent, executor: runner.executor.name, sandbox: sandboxDescription, cgroups } },
        ...(cgroups.startsWith('unavailable') ? { warnings: [warning('scripts_cgroups_unavailable', `script executions have no cgroup limits (${cgroups}); memory, processes and CPU are bounded per process only`)] } : {}),
      }));
    },
    routes: (ctx) => loadedRoutes(() => import('./routes.js'), (m) => m.scriptsRoutes(ctx, () => service, maxFileBytes, contributedChain(ctx.services, SCRIPT_PROVIDERS))),
    async stop() {
      await service?.executions.stopAll();
    },
    summary: () => (service ? [['scripts', `${service.settings.scriptsDir} (uploads ${service.settings.allowUploads ? 'on' : 'off'}; sandbox: ${sandboxDescription})`]] : []),
  };
}
