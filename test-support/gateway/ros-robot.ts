// End-to-end harness for the ROS-backed resources: the fixture robot (test/fixtures/ros-robot.mjs,
// built on packages/ros2/dist) in its own process, and a real gateway joined to the same domain on
// 127.0.0.1. Every child process is killed in afterAll (and at the latest when the worker exits).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TSC } from '../medkit-cli.js';
import { createRosFeature } from '@medkit/gateway';
import { createEntitiesFeature } from '@medkit/gateway';
import type { GatewayFeature } from '@medkit/gateway';
import type { FlatConfig } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from './gateway.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROBOT = fileURLToPath(new URL('../../packages/gateway/test/fixtures/ros-robot.mjs', import.meta.url));

/** Compiles packages/ros2 into dist/ so the fixture processes run the current sources. */
export function buildRos2(): void {
  execFileSync(process.execPath, [TSC, '-b', 'packages/ros2'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

export interface RobotProcess {
  child: ChildProcess;
  lines: string[];
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Starts the fixture robot on `domain` and waits for its `ready` line. */
export async function startRobot(domain: number, opts: { rateHz?: number; only?: string[] } = {}): Promise<RobotProcess> {
  const args = [ROBOT, '--domain', String(domain)];
  if (opts.rateHz) args.push('--rate-hz', String(opts.rateHz));
  if (opts.only) args.push('--only', opts.only.join(','));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const lines: string[] = [];
  let err = '';
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  child.on('exit', () => live.delete(child));
  const robot: RobotProcess = {
    child,
    lines,
    waitForLine: async (re, timeoutMs = 15_000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find((l) => re.test(l));
        if (hit) return hit;
        if (child.exitCode !== null) throw new Error(`robot exited (${child.exitCode}) before ${re}: ${err}`);
        if (Date.now() > end) throw new Error(`robot: no ${re} within ${timeoutMs} ms; stdout ${lines.join('\n')}; stderr ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
  await robot.waitForLine(/^ready/);
  return robot;
}

/** The settings of a gateway on ROS `domain` over loopback, refreshing its tree at once. */
const rosFlags = (domain: number): FlatConfig => ({ 'ros.enabled': true, 'ros.domain_id': domain, 'ros.localhost_only': true, 'discovery.refresh_debounce_ms': 0 });

/** A gateway with the ROS feature and real discovery on `domain` (loopback), plus `features`. */
export async function startRosGateway(domain: number, features: GatewayFeature[], flags: FlatConfig = {}): Promise<TestGateway> {
  return startTestGateway({ features: [createRosFeature(), createEntitiesFeature(), ...features], flags: { ...rosFlags(domain), ...flags } });
}

/** The default gateway (every feature `medkit gateway` runs) on ROS `domain` over loopback. */
export async function startDefaultRosGateway(domain: number, flags: FlatConfig = {}): Promise<TestGateway> {
  return startTestGateway({ defaults: true, flags: { ...rosFlags(domain), ...flags } });
}

/** Fetches JSON; returns status, body and headers. */
export async function http(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const { json, ...rest } = init;
  const res = await fetch(url, json === undefined ? rest : { ...rest, body: JSON.stringify(json), headers: { 'content-type': 'application/json', ...(rest.headers ?? {}) } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The first call of a service through `POST …/executions`, sent again while the gateway answers it could not be
 * done yet (500 with reason `unavailable` or `timeout`). On a loaded box the gateway's new client may not be matched
 * both ways within service_call_timeout_sec, and a Fast DDS server drops a request whose client's reply reader it has
 * not matched yet (as rmw_fastrtps does: its match listener can lag the HEARTBEAT we took as the sign), which no
 * client can tell from a slow answer. Any other answer is returned as it is, for the caller to check.
 */
export async function firstServiceCall(url: string, parameters: unknown, timeoutMs = 60_000): ReturnType<typeof http> {
  return eventually(async () => {
    const res = await http(url, { method: 'POST', json: { parameters } });
    const reason = res.body?.parameters?.reason;
    if (res.status === 500 && (reason === 'unavailable' || reason === 'timeout')) throw new Error(res.body.message);
    return res;
  }, `an answer of ${url}`, timeoutMs);
}

/** Waits until the gateway lists App `id`. */
export function waitForApp(g: TestGateway, id: string, timeoutMs = 45_000): Promise<unknown> {
  return eventually(async () => (await http(`${g.url}/api/v1/apps/${id}`)).status === 200, `app ${id}`, timeoutMs);
}

/** The usual set-up of a ROS-backed test: builds ros2, starts the fixture robot, a gateway with `features` on the same domain, and waits for `app`. */
export async function startRobotWithGateway(
  domain: number,
  opts: { only?: string[]; features: GatewayFeature[]; flags?: FlatConfig; app: string },
): Promise<{ robot: RobotProcess; g: TestGateway }> {
  buildRos2();
  const robot = await startRobot(domain, { only: opts.only });
  const g = await startRosGateway(domain, opts.features, opts.flags);
  await waitForApp(g, opts.app);
  return { robot, g };
}
