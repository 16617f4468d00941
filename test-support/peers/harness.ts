// Test harness for the real DDS peers (Cyclone C, Fast DDS C++): builds them on demand,
// spawns them with the loopback discovery configs, and turns their stdout lines (one event
// per line, see README.md) into promises tests can wait on. Every spawned peer is tracked
// and killed by killAllPeers() (use it in afterAll) or, at the latest, when Node exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { buildPeer, BUILD_DIR, PEERS_DIR, type PeerVendor } from './build-peers.js';

export { buildPeer, buildPeers, PeerBuildError, PEERS_DIR, type PeerBinaries, type PeerVendor } from './build-peers.js';

/** What the peer does; the same modes exist in every vendor's peer. */
export type PeerMode = 'talker' | 'listener' | 'server' | 'client' | 'throughput-pub' | 'throughput-sub' | 'report' | 'keyed-pub' | 'keyed-sub' | 'params' | 'params-mute' | 'action';

/** Command-line options of a peer (README.md has the defaults per mode). */
export interface PeerOptions {
  /** ROS domain id (ports 7400 + 250 * domain). Each test file uses its own. */
  domain: number;
  /** Node name listed in ros_discovery_info (default: the mode, e.g. `talker`). */
  node?: string;
  /** Node namespace, starting with `/` (default `/`). */
  ns?: string;
  /** Messages (talker, throughput-pub; 0 = unlimited) or requests (client, default 5; report, default 1). */
  count?: number;
  /** Talker/client: pause before each message/request; throughput-pub: pause after matching. */
  periodMs?: number;
  reliability?: 'reliable' | 'best_effort';
  durability?: 'volatile' | 'transient_local';
  /** History depth, KEEP_LAST n; 0 = KEEP_ALL. */
  depth?: number;
  /** Pad each string to this many bytes (talker: default none; throughput-pub: 1024). */
  size?: number;
  /** DDS topic name (default `rt/chatter`, throughput modes `rt/throughput`). */
  topic?: string;
  /** Service base name: topics `rq/<service>Request` / `rr/<service>Reply` (default `add_two_ints`; report: `fault_manager/report_fault`); action: the action name (default `fibonacci`). */
  service?: string;
  /** Exit after this many seconds (default: run until stopped; a client exits when done). */
  durationS?: number;
  /** Client request i (1-based) sends a = a + i - 1 (default 1) and b (default 40). */
  a?: number;
  b?: number;
  /** Writers wait until this many readers matched before sending. */
  waitMatch?: number;
  /** Client: per-request reply timeout (default 5000). */
  timeoutMs?: number;
  /** Client: a request that timed out is sent again under its number, this many times at most (default 0). */
  retries?: number;
  /** Report mode: fault code (default PEER_FAULT). */
  code?: string;
  /** Report mode: source_id (default the node's FQN). */
  source?: string;
  /** Report mode: severity 0..255 as sent (default 2). */
  severity?: number;
  /** Report mode: 0 FAILED (default) or 1 PASSED. */
  eventType?: number;
  /** Keyed peers: number of instances (ids 0..keys-1, default 3). */
  keys?: number;
  /** How long to wait for the `ready` line (default 20 s). */
  readyTimeoutMs?: number;
  /** Extra environment variables for the peer process. */
  env?: Record<string, string>;
}

/** How a peer process ended. */
export interface PeerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running peer and its output. */
export interface PeerProcess {
  readonly vendor: PeerVendor;
  readonly mode: PeerMode;
  readonly pid: number;
  /** The full command line (binary + arguments), for error messages and reruns by hand. */
  readonly argv: string[];
  /** The participant GUID from the `ready` line, 32 lowercase hex digits. */
  readonly guid: string;
  /** All stdout lines so far (grows while the peer runs). */
  readonly lines: string[];
  /** All stderr lines so far. */
  readonly stderr: string[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<PeerExit>;
  /** Lines so far that match `re`, as match arrays. */
  matches(re: RegExp): RegExpMatchArray[];
  /** Resolves with the first line (already printed or future) matching `re`. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves once `count` lines match `re`, with all of them. */
  waitForLines(re: RegExp, count: number, timeoutMs?: number): Promise<RegExpMatchArray[]>;
  /** Sends a signal (default SIGTERM: the peer deletes its participant and prints `bye`). */
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs` (default 5 s). */
  stop(graceMs?: number): Promise<PeerExit>;
}

/** The loopback discovery configs of docs/ros2.md 8.2. */
export const CYCLONE_CONFIG = join(PEERS_DIR, 'cyclone-lo.xml');
export const FASTDDS_CONFIG = join(PEERS_DIR, 'fastdds-lo.xml');

/**
 * Environment that puts a DDS program (peer, ddsperf, ...) on loopback-only unicast
 * discovery in `domain`: CYCLONEDDS_URI, FASTRTPS_DEFAULT_PROFILES_FILE and ROS_DOMAIN_ID.
 */
export function peerEnv(domain: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Settings a developer's shell may carry that would move the peer off our configs.
  for (const k of ['FASTDDS_DEFAULT_PROFILES_FILE', 'ROS_DISCOVERY_SERVER', 'FASTDDS_BUILTIN_TRANSPORTS', 'ROS_LOCALHOST_ONLY']) delete env[k];
  return {
    ...env,
    CYCLONEDDS_URI: `file://${CYCLONE_CONFIG}`,
    FASTRTPS_DEFAULT_PROFILES_FILE: FASTDDS_CONFIG,
    ROS_DOMAIN_ID: String(domain),
    ...extra,
  };
}

/** Translates PeerOptions into the peers' command-line flags. */
export function peerArgs(mode: PeerMode, o: PeerOptions): string[] {
  const args: string[] = [mode, '--domain', String(o.domain)];
  const flag = (name: string, v: string | number | undefined) => {
    if (v !== undefined) args.push(name, String(v));
  };
  flag('--node', o.node);
  flag('--ns', o.ns);
  flag('--count', o.count);
  flag('--period-ms', o.periodMs);
  flag('--reliability', o.reliability);
  flag('--durability', o.durability);
  flag('--depth', o.depth);
  flag('--size', o.size);
  flag('--topic', o.topic);
  flag('--service', o.service);
  flag('--duration-s', o.durationS);
  flag('--a', o.a);
  flag('--b', o.b);
  flag('--wait-match', o.waitMatch);
  flag('--timeout-ms', o.timeoutMs);
  flag('--retries', o.retries);
  flag('--code', o.code);
  flag('--source', o.source);
  flag('--severity', o.severity);
  flag('--event-type', o.eventType);
  flag('--keys', o.keys);
  return args;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a test run dies without afterAll: no peer may outlive the worker.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

interface Waiter {
  re: RegExp;
  count: number;
  resolve: (m: RegExpMatchArray[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Starts a peer (building it first if needed) and resolves once it printed its `ready`
 * line. Rejects with the peer's output if it exits or stays silent past readyTimeoutMs.
 */
export async function spawnPeer(vendor: PeerVendor, mode: PeerMode, options: PeerOptions): Promise<PeerProcess> {
  const binary = await buildPeer(vendor);
  const args = peerArgs(mode, options);
  // cwd = the build dir: Fast DDS would also load a DEFAULT_FASTRTPS_PROFILES.xml found in cwd.
  const child = spawn(binary, args, { cwd: BUILD_DIR, env: peerEnv(options.domain, options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  installExitHook();
  live.add(child);

  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<Waiter>();
  let exitInfo: PeerExit | null = null;
  const label = `${vendor} ${args.join(' ')}`;

  const describe = () =>
    `peer "${label}" (pid ${child.pid})\n--- stdout (last 30) ---\n${lines.slice(-30).join('\n')}\n--- stderr (last 30) ---\n${stderr.slice(-30).join('\n')}`;

  const collect = (re: RegExp) => lines.map((l) => l.match(re)).filter((m): m is RegExpMatchArray => m !== null);

  const settle = () => {
    for (const w of waiters) {
      const found = collect(w.re);
      if (found.length >= w.count) {
        clearTimeout(w.timer);
        waiters.delete(w);
        w.resolve(found.slice(0, w.count));
      } else if (exitInfo) {
        clearTimeout(w.timer);
        waiters.delete(w);
        w.reject(new Error(`peer exited (code ${exitInfo.code}, signal ${exitInfo.signal}) before ${w.count}x ${w.re}: ${describe()}`));
      }
    }
  };

  const exited = new Promise<PeerExit>((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      // Let readline deliver what is still buffered before failing waiters.
      setImmediate(() => {
        settle();
        resolve(exitInfo as PeerExit);
      });
    });
    child.on('error', (err) => {
      stderr.push(`spawn error: ${err.message}`);
      exitInfo = { code: null, signal: null };
      live.delete(child);
      settle();
      resolve(exitInfo);
    });
  });

  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    settle();
  });
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));

  const waitForLines = (re: RegExp, count: number, timeoutMs = 10_000): Promise<RegExpMatchArray[]> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count}x ${re} from ${describe()}`));
      }, timeoutMs);
      const w: Waiter = { re, count, resolve, reject, timer };
      waiters.add(w);
      settle();
    });

  const kill = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!exitInfo) child.kill(signal);
  };

  const peer: PeerProcess = {
    vendor,
    mode,
    pid: child.pid ?? -1,
    argv: [binary, ...args],
    guid: '',
    lines,
    stderr,
    exited,
    matches: collect,
    waitForLine: async (re, timeoutMs) => (await waitForLines(re, 1, timeoutMs))[0],
    waitForLines,
    kill,
    stop: async (graceMs = 5000) => {
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  try {
    const ready = await peer.waitForLine(/^ready guid=([0-9a-f]{32})\b/, options.readyTimeoutMs ?? 20_000);
    return { ...peer, guid: ready[1] };
  } catch (e) {
    kill('SIGKILL');
    throw e;
  }
}

/** Stops every peer this process spawned (SIGTERM, then SIGKILL). Call it in afterAll. */
export async function killAllPeers(graceMs = 3000): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
