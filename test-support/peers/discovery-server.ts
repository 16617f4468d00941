// A real Fast DDS Discovery Server for tests (`fastdds discovery`, Debian's fastdds-tools), on 127.0.0.1 at a port
// derived from the test's ROS domain, and the environment that makes a Fast DDS peer one of its clients.
//
// `fastdds` is a Python wrapper that starts `fast-discovery-server` as its child: the server runs in a process group
// of its own, and stopping it signals the whole group, so no server outlives its test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Requirement } from '../requirements.js';

/** What the server tests need besides the Fast DDS peers' toolchain. */
export const FASTDDS_DISCOVERY_SERVER: Requirement[] = [{ kind: 'bin', name: 'fastdds', debian: 'fastdds-tools' }];

/**
 * A UDP port for discovery server `k` (0..7) of a test in ROS `domain`: 7402 + 250 * domain + k. RTPS leaves offsets
 * 2..9 of each domain's block of 250 ports unused (0 and 1 are its multicast ports, 10 up the participants' unicast
 * ports), so the port belongs to the test's domain and two runs on one machine (different domains) never share one.
 */
export function discoveryServerPort(domain: number, k = 0): number {
  if (!Number.isInteger(k) || k < 0 || k > 7) throw new RangeError(`server index ${k} not in 0..7`);
  return 7400 + 250 * domain + 2 + k;
}

/** Environment that makes a Fast DDS peer a client of these servers (position = server id). */
export function clientEnv(...ports: number[]): Record<string, string> {
  return { ROS_DISCOVERY_SERVER: ports.map((p) => `127.0.0.1:${p}`).join(';') };
}

export interface DiscoveryServerProcess {
  readonly id: number;
  readonly port: number;
  readonly output: string[];
  /** Signals the server's process group (default SIGKILL: a crash, no goodbye on the wire) and waits for its exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Starts `fastdds discovery -i <id> -l 127.0.0.1 -p <port>` and resolves once it says it runs (at most `timeoutMs`). */
export async function startDiscoveryServer(id: number, port: number, timeoutMs = 15_000): Promise<DiscoveryServerProcess> {
  const child = spawn('fastdds', ['discovery', '-i', String(id), '-l', '127.0.0.1', '-p', String(port)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const c of running) killGroup(c, 'SIGKILL');
    });
  }
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`discovery server ${id} on port ${port} did not start within ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
    const onLine = (line: string) => {
      output.push(line);
      if (/Server is running/.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`discovery server ${id} on port ${port} exited before it ran:\n${output.join('\n')}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    killGroup(child, signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  };
  try {
    await ready;
  } catch (e) {
    await stop();
    throw e;
  }
  return { id, port, output, stop };
}

/** Stops every server still running (afterEach / afterAll). */
export async function stopAllDiscoveryServers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          killGroup(c, 'SIGKILL');
          setTimeout(resolve, 5000);
        }),
    ),
  );
}
