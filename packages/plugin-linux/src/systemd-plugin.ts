// systemd_introspection (docs/introspection.md): the systemd unit of each App's process — found from its cgroup
// v2 path — and the unit's state from `systemctl show` (run with a deadline and a bounded output). Where
// systemd is not the init system the plugin probes that once, logs it and stays idle.
import { execFile } from 'node:child_process';
import { type IntrospectionInput, type IntrospectionResult, type PluginConfig, type PluginContext, type PluginModule } from '@medkit/plugin-api';
import type { ProcessIdHints } from './pid-map.js';
import { cgroupPathOf } from './cgroup.js';
import { notInSystemdUnit, systemdQueryFailed } from './errors.js';
import { nullable, processRouteDocs } from './openapi.js';
import { introspectionModule, ProcessIntrospectionPlugin, type ProcessProbe } from './process-plugin.js';
import { numberSetting, stringSetting } from './settings.js';

export const SYSTEMD_PLUGIN = 'systemd_introspection';

interface UnitInfo {
  pid: number;
  unit: string;
  unit_type: string;
  /** `system`, or `user` for a unit of a user's service manager (user@<uid>.service). */
  manager: 'system' | 'user';
  active_state: string | null;
  sub_state: string | null;
  restart_count: number | null;
  watchdog_usec: number | null;
}

/** Unit names systemd accepts (systemd.unit(5)); never starting with '-' so a name cannot be an option. */
const UNIT = /^[A-Za-z0-9:_.\\@][A-Za-z0-9:_.\\@-]{0,255}\.(service|scope|socket|mount|swap|timer|path|target|device|automount)$/;
/** How long one unit's properties are reused (introspection asks for every App on each refresh). */
const UNIT_CACHE_MS = 2000;

/** The unit a cgroup path ends in (the deepest non-slice unit), and whether a user manager runs it. */
export function unitOfCgroup(path: string): { unit: string; manager: 'system' | 'user'; uid?: number } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    if (!UNIT.test(parts[i])) continue;
    const userManager = parts.slice(0, i).map((p) => /^user@(\d+)\.service$/.exec(p)).find(Boolean);
    return userManager ? { unit: parts[i], manager: 'user', uid: Number(userManager[1]) } : { unit: parts[i], manager: 'system' };
  }
  return undefined;
}

/** `Key=Value` lines of `systemctl show`. */
function parseShow(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

const intOrNull = (v: string | undefined) => (v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : null);

class Systemctl {
  constructor(
    private readonly path: string,
    private readonly timeoutMs: number,
    private readonly maxBytes: number,
  ) {}

  run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.path, args, { timeout: this.timeoutMs, maxBuffer: this.maxBytes, killSignal: 'SIGKILL', env: { ...process.env, SYSTEMD_PAGER: '', LC_ALL: 'C' } }, (err, stdout, stderr) => {
        if (err) reject(new Error(String(stderr).trim().split('\n')[0] || err.message));
        else resolve(String(stdout));
      });
    });
  }
}

export class SystemdPlugin extends ProcessIntrospectionPlugin<UnitInfo> {
  /** Why systemd cannot be asked (not the init system, no systemctl); undefined when it can. */
  unavailable?: string;

  constructor(hints?: ProcessIdHints) {
    super(SYSTEMD_PLUGIN, 'x-medkit-systemd', 'units', hints);
  }

  protected async createProbe(config: PluginConfig): Promise<ProcessProbe<UnitInfo>> {
    const systemctl = new Systemctl(
      stringSetting(config, 'systemctl_path', 'systemctl'),
      numberSetting(config, 'query_timeout_ms', 2000, 50, 60_000),
      Math.trunc(numberSetting(config, 'max_output_bytes', 64 * 1024, 1024, 16 << 20)),
    );
    try {
      // Answers only when systemd runs as PID 1 ("System has not been booted with systemd" otherwise).
      await systemctl.run(['show', '--property=Version']);
    } catch (e) {
      this.unavailable = `systemd cannot be queried: ${(e as Error).message}`;
    }
    const cache = new Map<string, { at: number; props: Map<string, string> }>();
    const show = async (unit: string, user: boolean) => {
      const key = `${user ? 'user' : 'system'}:${unit}`;
      const hit = cache.get(key);
      if (hit && performance.now() - hit.at < UNIT_CACHE_MS) return hit.props;
      const props = parseShow(await systemctl.run([...(user ? ['--user'] : []), 'show', '--property=Id,ActiveState,SubState,NRestarts,WatchdogUSec', '--', unit]));
      if (cache.size >= 1024) cache.clear();
      cache.set(key, { at: performance.now(), props });
      return props;
    };
    return {
      groupKey: (u) => `${u.manager}:${u.unit}`,
      read: async ({ pid }) => {
        if (this.unavailable) throw systemdQueryFailed(this.unavailable, { pid });
        const path = await cgroupPathOf(this.settings.procDir, pid);
        const unit = path === undefined ? undefined : unitOfCgroup(path);
        if (!unit) throw notInSystemdUnit(`process ${pid} is not in a systemd unit`, { pid, cgroup: path ?? null });
        // A user manager is reachable only by its own user.
        const user = unit.manager === 'user';
        if (user && unit.uid !== process.getuid?.()) throw systemdQueryFailed(`unit ${unit.unit} belongs to the service manager of uid ${unit.uid}`, { pid, unit: unit.unit });
        let props: Map<string, string>;
        try {
          props = await show(unit.unit, user);
        } catch (e) {
          throw systemdQueryFailed(`systemctl show ${unit.unit} failed: ${(e as Error).message}`, { pid, unit: unit.unit });
        }
        return {
          pid,
          unit: unit.unit,
          unit_type: unit.unit.slice(unit.unit.lastIndexOf('.') + 1),
          manager: unit.manager,
          active_state: props.get('ActiveState') || null,
          sub_state: props.get('SubState') || null,
          restart_count: intOrNull(props.get('NRestarts')),
          watchdog_usec: intOrNull(props.get('WatchdogUSec')),
        };
      },
    };
  }

  override setContext(ctx: PluginContext): void {
    super.setContext(ctx);
    if (this.unavailable) ctx.log.info(`${this.unavailable}; x-medkit-systemd answers 503 and introspection adds nothing`);
  }

  override async introspect(input: IntrospectionInput): Promise<IntrospectionResult> {
    return this.unavailable ? {} : super.introspect(input);
  }
}

const UNIT_SCHEMA = {
  properties: {
    pid: { type: 'integer' },
    unit: { type: 'string' },
    unit_type: { type: 'string' },
    manager: { type: 'string', enum: ['system', 'user'] },
    active_state: nullable('string'),
    sub_state: nullable('string'),
    restart_count: nullable('integer'),
    watchdog_usec: nullable('integer'),
  },
};

export function systemdModule(hints?: ProcessIdHints): PluginModule {
  return introspectionModule(
    () => new SystemdPlugin(hints),
    () =>
      processRouteDocs('x-medkit-systemd', 'systemd unit', UNIT_SCHEMA, 'units', {
        'x-medkit-pid-lookup-failed': '404',
        'x-medkit-not-in-systemd-unit': '404',
        'x-medkit-proc-read-failed': '503',
        'x-medkit-systemd-query-failed': '503',
      }),
    ['systemctl_path', 'query_timeout_ms', 'max_output_bytes'],
  );
}
