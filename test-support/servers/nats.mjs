// A real nats-server JetStream cluster (Debian `nats-server`) on loopback, in a temp dir, for tests and
// bench/fleet. Nodes can be killed and restarted; stop() kills every node and removes the dir.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.mjs';

function exited(p) {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => p.once('exit', () => r()));
}

/**
 * Starts `size` JetStream nodes (size 1 = no cluster block). `opts.extraConfig` is appended to every node's
 * configuration (e.g. an `authorization { … }` block); `opts.clusterConfig` goes inside every node's `cluster { … }`
 * block (e.g. `no_advertise: true`).
 * @param {number} size
 * @param {{extraConfig?: string, clusterConfig?: string}} [opts]
 * @returns {Promise<{nodes: {name: string, clientPort: number, monitorPort: number, log: string, url: string, proc?: import('node:child_process').ChildProcess}[], urls: string[],
 *   logs(): string, kill(i: number): Promise<void>, freeze(i: number): void, thaw(i: number): void, restart(i: number): Promise<void>, reconfigure(extraConfig: string): void, killAll(): Promise<void>, startAll(): Promise<void>, stop(): Promise<void>}>}
 */
/** @typedef {Awaited<ReturnType<typeof startNatsCluster>>} NatsCluster A running cluster, as startNatsCluster returns it. */

/**
 * Polls the node's monitoring /healthz for `limitMs`: with `ready`, until it answers 200 (JetStream enabled), else until
 * it answers. A cluster node starting beside its peers on a loaded box has been seen to answer nothing for 15 s while
 * its routes settled (2026-11-30, "Duplicate Route"), so cluster nodes get longer.
 */
async function waitForHealth(n, ready, limitMs) {
  const until = Date.now() + limitMs;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${n.monitorPort}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200 || (!ready && status !== 0)) return;
    if (Date.now() > until) throw new Error(`nats-server ${n.name}: /healthz answered ${status || 'nothing'} after ${limitMs / 1000} s: ${n.log.trim().split('\n').slice(-3).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startNatsCluster(size, opts = {}) {
  // A port chosen free may be taken by another test before the server binds it (the server then exits), and a loaded
  // box has kept a node from listening for 15 s: a cluster that does not come up is started again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNatsClusterOnce(size, opts);
    } catch (err) {
      if (attempt >= 3) throw err;
      console.warn(`nats cluster did not start (attempt ${attempt} of 3), again on new ports: ${err.message}`);
    }
  }
}

/** One try of startNatsCluster: on failure every node it started is killed and its directory removed. */
async function startNatsClusterOnce(size, opts) {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-nats-'));
  const clusterPorts = [];
  const nodes = [];
  for (let i = 0; i < size; i++) {
    const clientPort = await freePort();
    clusterPorts.push(await freePort());
    nodes.push({ name: `n${i}`, clientPort, monitorPort: await freePort(), url: `nats://127.0.0.1:${clientPort}`, proc: undefined, log: '' });
  }
  const writeConfs = (extraConfig) => nodes.forEach((n, i) => {
    const routes = clusterPorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
    const cluster = size > 1 ? `cluster { name: medkit-test, listen: "127.0.0.1:${clusterPorts[i]}", routes: [${routes}]${opts.clusterConfig ? `, ${opts.clusterConfig}` : ''} }` : '';
    writeFileSync(join(dir, `${n.name}.conf`), `server_name: ${n.name}
listen: "127.0.0.1:${n.clientPort}"
http: "127.0.0.1:${n.monitorPort}"
jetstream { store_dir: "${join(dir, n.name)}", max_memory_store: 64MB, max_file_store: 1GB }
${cluster}
${extraConfig ?? ''}
`);
  });
  writeConfs(opts.extraConfig);
  const start = async (n) => {
    const proc = spawn('nats-server', ['-c', join(dir, `${n.name}.conf`)], { stdio: ['ignore', 'ignore', 'pipe'] });
    n.proc = proc;
    n.log = '';
    proc.stderr?.on('data', (d) => (n.log = (n.log + d.toString()).slice(-4000)));
    // An exit before the port answers fails the start at once (an exit after it is the caller's: kill, restart).
    let listening = false;
    const died = exited(proc).then(() => {
      if (!listening) throw new Error(`nats-server ${n.name} exited at start: ${n.log.trim().split('\n').slice(-3).join(' | ')}`);
    });
    await Promise.race([waitForPort(n.clientPort), died]);
    listening = true;
    // The port was free when chosen, but another test may have taken it since: then this server exits at once
    // and the port answers for someone else. Fail loudly instead of testing against a foreign server.
    await new Promise((r) => setTimeout(r, 200));
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`nats-server ${n.name} exited at start (port ${n.clientPort}): ${n.log.trim().split('\n').slice(-3).join(' | ')}`);
    // The client port answers before JetStream is up (seen on a loaded machine: "jetstream is not enabled" for
    // the first publishes). A single node is ready once its health endpoint says so; a cluster's nodes need each
    // other for that, so they are only waited for to answer it at all.
    await waitForHealth(n, size === 1, size === 1 ? 15_000 : 45_000);
  };
  const kill = async (n) => {
    const p = n.proc;
    if (!p) return;
    p.kill('SIGKILL');
    await exited(p);
    n.proc = undefined;
  };
  try {
    await Promise.all(nodes.map(start));
  } catch (err) {
    await Promise.all(nodes.map(kill));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    kill: (i) => kill(nodes[i]),
    // SIGSTOP: the node keeps its connections open and answers nothing (a hung host); kill() still ends it.
    freeze: (i) => { nodes[i].proc?.kill('SIGSTOP'); },
    // SIGCONT: a frozen node goes on where it stopped.
    thaw: (i) => { nodes[i].proc?.kill('SIGCONT'); },
    restart: (i) => start(nodes[i]),
    // New extra configuration (e.g. other users), applied by a live reload (SIGHUP) of every running node.
    reconfigure: (extraConfig) => {
      writeConfs(extraConfig);
      for (const n of nodes) n.proc?.kill('SIGHUP');
    },
    /**
     * The last lines each node wrote (for a test's failure message), after the first lines of a crash (a Go panic's
     * message comes before a stack longer than the tail: 2026-11-29, a node's stack with its cause cut off).
     */
    logs: () => nodes.map((n) => {
      const lines = n.log.trim().split('\n');
      const crash = lines.findIndex((l) => /^(panic|fatal error):/.test(l));
      const head = crash >= 0 && crash < lines.length - 15 ? `${lines.slice(crash, crash + 3).join('\n')}\n...\n` : '';
      return `--- ${n.name} (${n.proc ? `pid ${n.proc.pid}` : 'not running'}) ---\n${head}${lines.slice(-15).join('\n')}`;
    }).join('\n'),
    killAll: async () => { await Promise.all(nodes.map(kill)); },
    startAll: async () => { await Promise.all(nodes.map(start)); },
    async stop() {
      await Promise.all(nodes.map(kill));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
