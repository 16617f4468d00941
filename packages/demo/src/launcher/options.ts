/** The launcher's command line. */
import { parseArgs } from 'node:util';

export interface LaunchOptions {
  /** Main gateway port. */
  port: number;
  /** Safety island gateway port. */
  islandPort: number;
  /** ROS domain of the robot (and the main gateway). */
  domain: number;
  /** ROS domain of the safety island. */
  islandDomain: number;
  /** Simulation speed factor. */
  speed: number;
  seed: number;
  firstScenarioSec: number;
  scenarioPeriodSec: number;
  /** Persons only on demand (trigger_person), never on a schedule. */
  autoplay: boolean;
  /** Keep data here (default: a temporary directory removed on exit). */
  dataDir?: string;
  /** Log level of both gateways. */
  logLevel: string;
  /** How often the main gateway checks the safety island (ms). */
  peerCheckMs: number;
  /** Forward every child's output, not only errors. */
  verbose: boolean;
  /** The `medkit` script to run (default: the installed @medkit/cli). */
  medkit?: string;
  /** Node.js options of the two gateways (default: those `medkit` runs with on PATH, its #! line). */
  nodeOptions?: string[];
  /** Every process over DDS-Security (SROS2), with a throw-away keystore made by openssl. */
  secure: boolean;
}

export const LAUNCH_HELP = `medkit demo — a simulated robot, its safety island and two medkit gateways

Usage: npm start -- [options]      (or: node packages/demo/dist/launch.js [options])

  --port P               main gateway port (default 8080)
  --island-port P        safety island gateway port (default 8081)
  --domain N             ROS domain of the robot (default 77; an isolated domain, loopback only)
  --island-domain N      ROS domain of the safety island (default: domain + 1)
  --speed X              simulation speed factor (default 1; tests use 10–20)
  --seed N               random seed of the simulation (default 42)
  --first-scenario-sec S simulated seconds until the first person steps in (default 20)
  --scenario-period-sec S simulated seconds between persons (default 60)
  --no-autoplay          persons only on demand (operation trigger_person)
  --data-dir DIR         keep the gateways' data here (default: a temporary directory, deleted on exit)
  --log-level L          gateways' log level (default warn)
  --peer-check-ms MS     how often the main gateway checks the safety island (default 2000)
  --secure               run every process over DDS-Security (SROS2): a throw-away keystore made with openssl,
                         one enclave per process, SROS2's default governance (needs the openssl command)
  --verbose              show every process's output
  --node-options='…'     the gateways' Node.js options (default: the medkit command's own; for benchmarks)
  --help                 this text`;

function int(v: string | undefined, name: string, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} expects an integer in ${min}..${max}, got '${v}'`);
  return n;
}

/** Options the launcher shares with the node processes it starts (same names, same meaning). */
export const SIM_OPTIONS = {
  domain: { type: 'string' },
  'island-domain': { type: 'string' },
  speed: { type: 'string' },
  seed: { type: 'string' },
  'first-scenario-sec': { type: 'string' },
  'scenario-period-sec': { type: 'string' },
  'no-autoplay': { type: 'boolean' },
} as const;

/** Parses the command line; returns null for --help. Throws with a message on bad input. */
export function parseLaunchOptions(argv: string[]): LaunchOptions | null {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...SIM_OPTIONS,
      port: { type: 'string' },
      'island-port': { type: 'string' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string' },
      'peer-check-ms': { type: 'string' },
      verbose: { type: 'boolean' },
      secure: { type: 'boolean' },
      medkit: { type: 'string' },
      'node-options': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) return null;
  const domain = int(v.domain, 'domain', 77, 0, 232);
  const speed = v.speed === undefined ? 1 : Number(v.speed);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1000) throw new Error(`--speed expects a number in (0, 1000], got '${v.speed}'`);
  const secs = (x: string | undefined, name: string, def: number) => {
    if (x === undefined) return def;
    const n = Number(x);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} expects seconds ≥ 0, got '${x}'`);
    return n;
  };
  const o: LaunchOptions = {
    port: int(v.port, 'port', 8080, 1024, 65535),
    islandPort: int(v['island-port'], 'island-port', 8081, 1024, 65535),
    domain,
    islandDomain: int(v['island-domain'], 'island-domain', domain === 232 ? 231 : domain + 1, 0, 232),
    speed,
    seed: int(v.seed, 'seed', 42, 0, 2 ** 32 - 1),
    firstScenarioSec: secs(v['first-scenario-sec'], 'first-scenario-sec', 20),
    scenarioPeriodSec: Math.max(5, secs(v['scenario-period-sec'], 'scenario-period-sec', 60)),
    autoplay: !v['no-autoplay'],
    dataDir: v['data-dir'],
    logLevel: v['log-level'] ?? 'warn',
    peerCheckMs: int(v['peer-check-ms'], 'peer-check-ms', 2000, 100, 600000),
    verbose: Boolean(v.verbose),
    secure: Boolean(v.secure),
    medkit: v.medkit,
    ...(v['node-options'] !== undefined ? { nodeOptions: v['node-options'].split(/\s+/).filter(Boolean) } : {}),
  };
  if (o.nodeOptions?.some((x) => !x.startsWith('--'))) throw new Error(`--node-options takes Node.js options (each starting with --), got '${v['node-options']}'`);
  if (o.port === o.islandPort) throw new Error('--port and --island-port must differ');
  if (o.domain === o.islandDomain) throw new Error('--domain and --island-domain must differ (the safety island runs on its own domain)');
  return o;
}
