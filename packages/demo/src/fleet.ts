/**
 * The demo's `fleet` mode (`npm start -- fleet`): several simulated robots reporting to one fleet gateway
 * that serves the fleet console. Each robot is a real medkit gateway (the demo robot's manifest, no ROS)
 * with the fleet link on, fed by a light fault simulator instead of the full ROS robot; the fleet gateway
 * is a `medkit fleet` child process. Without --nats / --database it starts a throw-away nats-server
 * (JetStream) and PostgreSQL cluster of its own on free loopback ports (Debian `nats-server` and
 * `postgresql`), removed again on Ctrl-C (docs/fleet.md "A local fleet").
 *
 *   node packages/demo/dist/launch.js fleet [--robots 5] [--port 8090] [--nats nats://127.0.0.1:4222]
 *        [--database postgres://medkit@127.0.0.1:5432/medkit] [--fleet demo]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createFaultsFeature, createGateway, FAULTS_SERVICE, loadConfig, type Gateway } from '@medkit/gateway';
import { defaultFeatures, FEATURE_KEYS } from '@medkit/cli';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { SignalSim } from './fleet-signals.js';
import { MANIFESTS, medkitBin, REPO_ROOT } from './paths.js';

/** What the simulator asks of a robot's fault manager (the gateway's 'faults' service). */
interface FaultReporter {
  report(req: { fault_code: string; event_type: 0 | 1; severity: number; description: string; source_id: string }): unknown;
}

/** Faults the simulated robots raise and heal: code, severity, source node (an app of the manifest), description. */
const SCENARIOS: [string, number, string, string][] = [
  ['PROTECTIVE_STOP', 3, '/safety/island_link', 'Obstacle inside the protective field'],
  ['LIDAR_TIMEOUT', 2, '/sensors/lidar', 'No scan for 500 ms'],
  ['BATTERY_LOW', 1, '/base/battery_monitor', 'Battery below 20 %'],
  ['NAV_PLAN_FAILED', 2, '/navigation/controller_server', 'No path to goal'],
];

/** `npm start -- fleet --help`. */
export const FLEET_USAGE = `Usage: npm start -- fleet [options]   (node packages/demo/dist/launch.js fleet [options])

A local fleet: simulated robots (real medkit gateways with the fleet link, no ROS) reporting to one fleet
gateway that serves the fleet console (docs/fleet.md "A local fleet").

Options:
  --robots N        simulated robots, 1..100 (default 5)
  --port P          the fleet console and API port (default 8090)
  --nats URL        an existing NATS JetStream server (default: a throw-away nats-server)
  --database URL    an existing PostgreSQL database (default: a throw-away cluster in a temp dir)
  --fleet ID        the fleet id (default demo)
  -h, --help        this text`;

/** Runs the fleet demo until SIGINT/SIGTERM; resolves with the exit code. */
export async function fleetDemo(argv: string[]): Promise<number> {
  let v: { robots?: string; port?: string; nats?: string; database?: string; fleet?: string; help?: boolean };
  try {
    v = parseArgs({
      args: argv,
      options: {
        robots: { type: 'string', default: '5' },
        port: { type: 'string', default: '8090' },
        nats: { type: 'string' },
        database: { type: 'string' },
        fleet: { type: 'string', default: 'demo' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    // A bad option is a one-line error, not a stack trace.
    console.error(`medkit demo fleet: ${(err as Error).message} (npm start -- fleet --help lists the options)`);
    return 2;
  }
  if (v.help) {
    console.log(FLEET_USAGE);
    return 0;
  }
  const count = Number(v.robots);
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    console.error('medkit demo fleet: --robots must be 1..100');
    return 2;
  }
  let servers: LocalServers;
  try {
    servers = await localServers(v.nats, v.database);
  } catch (err) {
    console.error(`medkit demo fleet: ${(err as Error).message}`);
    return 1;
  }
  const nats = servers.nats;
  const database = servers.database;
  const dataRoot = mkdtempSync(join(tmpdir(), 'medkit-demo-fleet-'));
  const fleetProc = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, medkitBin(), 'fleet', '--port', v.port!, '--nats', nats, '--database', database, '--fleet', v.fleet!, '--data-dir', join(dataRoot, 'fleet'), '--no-ros', '--log-level', 'warn'], { stdio: 'inherit' });

  const robots: Gateway[] = [];
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;
  for (let i = 1; i <= count; i++) {
    const id = `amr-${String(i).padStart(2, '0')}`;
    const config = loadConfig({
      env: {},
      extraKeys: FEATURE_KEYS,
      flags: {
        data_dir: join(dataRoot, id),
        'ros.enabled': false,
        'discovery.mode': 'manifest_only',
        'discovery.manifest_path': join(MANIFESTS, 'robot.yaml'),
        'logging.level': 'warn',
        'fleet.enabled': true,
        'fleet.id': v.fleet!,
        'fleet.robot_id': id,
        'fleet.nats.servers': nats,
        // Each fault keeps a freeze frame of its node's signal and a black-box recording of all signals.
        'faults.snapshots.rosbag.enabled': true,
        'faults.snapshots.rosbag.topics': 'all',
        'faults.snapshots.rosbag.duration_sec': 5,
        'faults.snapshots.rosbag.duration_after_sec': 1,
        'faults.snapshots.recapture_cooldown_sec': 0,
        'faults.healing_enabled': true,
        'faults.healing_threshold': 1,
      },
    });
    const signals = new SignalSim();
    const features = defaultFeatures(config).map((f) => (f.name === 'faults' ? createFaultsFeature(config, { sampler: signals, graph: signals }) : f));
    const g = await createGateway({ config, features });
    const url = await g.listen(0);
    robots.push(g);
    console.error(`medkit demo fleet: robot ${id} at ${url}/api/v1`);
    const faults: FaultReporter & { system: { blackbox?: { onMessage(topic: string, type: string, def: string, data: Uint8Array, ns: bigint): void } } } = g.ctx.services.get(FAULTS_SERVICE);
    // Signals tick every 200 ms into the freeze-frame history and the black box.
    timers.push(setInterval(() => signals.tick((topic, type, def, data, ns) => faults.system.blackbox?.onMessage(topic, type, def, data, ns)), 200));
    // Each robot toggles one random scenario every few seconds (its signal goes bad first): a live, changing fleet.
    timers.push(setInterval(() => {
      const [code, severity, source, description] = SCENARIOS[Math.floor(Math.random() * SCENARIOS.length)];
      const failed = Math.random() < 0.6;
      signals.disturb(source, failed);
      // The signal has a second to show the trouble before the report (what a freeze frame is for).
      setTimeout(() => !stopping && faults.report({ fault_code: code, event_type: failed ? 0 : 1, severity: failed ? severity : 0, description: failed ? description : '', source_id: source }), 1000).unref();
    }, 4000 + Math.floor(Math.random() * 4000)));
  }
  /** Stops the robots, the fleet server and the local servers, and removes the data. */
  const shutdown = async () => {
    stopping = true;
    for (const t of timers) clearInterval(t);
    await Promise.all(robots.map((g) => g.close()));
    if (fleetProc.exitCode === null) {
      fleetProc.kill('SIGTERM');
      await new Promise((r) => fleetProc.once('exit', r));
    }
    rmSync(dataRoot, { recursive: true, force: true });
    await servers.stop();
  };
  // The console's address is printed once the fleet server answers, not merely once it was started.
  if (!(await fleetReady(`http://127.0.0.1:${v.port}/api/v1/health`, fleetProc, 60_000))) {
    console.error('medkit demo fleet: the fleet server did not answer /api/v1/health within 60 s (its output is above)');
    await shutdown();
    return 1;
  }
  console.error(`\nmedkit demo fleet: ${count} robots → fleet '${v.fleet}' (NATS ${nats}, PostgreSQL ${database.replace(/:[^:@/]*@/, ':***@')})
  fleet console: http://127.0.0.1:${v.port}/
  fleet API:     http://127.0.0.1:${v.port}/api/v1 (Swagger UI at /docs)
  try:  curl http://127.0.0.1:${v.port}/api/v1/components
        curl 'http://127.0.0.1:${v.port}/api/v1/faults?severity=error'
        curl -N http://127.0.0.1:${v.port}/api/v1/faults/stream
Ctrl-C stops everything.`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    fleetProc.once('exit', () => resolve());
  });
  await shutdown();
  return 0;
}

/** True once `url` answers 200; false when the process exits first or `timeoutMs` passes. */
async function fleetReady(url: string, proc: { exitCode: number | null }, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && proc.exitCode === null) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

interface LocalServers {
  nats: string;
  database: string;
  stop(): Promise<void>;
}

/**
 * The given NATS and PostgreSQL, or throw-away ones started here (the same helpers the fleet tests use:
 * test-support/servers/, workspace only). Needs Debian's nats-server and postgresql for what is not given.
 */
async function localServers(nats: string | undefined, database: string | undefined): Promise<LocalServers> {
  const stops: (() => Promise<void> | void)[] = [];
  const helper = (name: string) => pathToFileURL(join(REPO_ROOT, 'test-support', 'servers', name)).href;
  try {
    if (!nats) {
      const mod = (await import(helper('nats.mjs'))) as { startNatsCluster(size: number): Promise<{ urls: string[]; stop(): Promise<void> }> };
      const cluster = await mod.startNatsCluster(1).catch((err: Error) => {
        throw new Error(`could not start nats-server (apt-get install nats-server, or pass --nats URL): ${err.message}`);
      });
      stops.push(() => cluster.stop());
      nats = cluster.urls[0];
    }
    if (!database) {
      const mod = (await import(helper('postgres.mjs'))) as { startPostgres(): Promise<{ url: string; stop(): void }> };
      const pg = await mod.startPostgres().catch((err: Error) => {
        throw new Error(`could not start PostgreSQL (apt-get install postgresql, or pass --database URL): ${err.message}`);
      });
      stops.push(() => pg.stop());
      database = pg.url;
    }
  } catch (err) {
    for (const s of stops.reverse()) await s();
    throw err;
  }
  return {
    nats,
    database,
    async stop() {
      for (const s of stops.reverse()) await s();
    },
  };
}
