/** Command-line options shared by the demo node processes. */
import { parseArgs } from 'node:util';
import { SIM_OPTIONS } from '../launcher/options.js';
import { nodeRemapper, splitRosArgs } from './ros-args.js';

interface NodeProcessArgs {
  domain: number;
  islandDomain: number;
  speed: number;
  seed: number;
  firstScenarioSec?: number;
  scenarioPeriodSec?: number;
  autoplay: boolean;
  /** Node renames from the arguments after `--ros-args`. */
  remap: (name: string, namespace: string) => [string, string];
}

function number(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} expects a number, got '${v}'`);
  return n;
}

export function parseNodeProcessArgs(argv: string[]): NodeProcessArgs {
  const { args, ros } = splitRosArgs(argv);
  const { values: v } = parseArgs({ args, strict: true, options: SIM_OPTIONS });
  const domain = number(v.domain, 'domain', Number(process.env.ROS_DOMAIN_ID ?? 0));
  return {
    domain,
    islandDomain: number(v['island-domain'], 'island-domain', domain + 1),
    speed: number(v.speed, 'speed', 1),
    seed: number(v.seed, 'seed', 42),
    firstScenarioSec: v['first-scenario-sec'] === undefined ? undefined : number(v['first-scenario-sec'], 'first-scenario-sec', 20),
    autoplay: !v['no-autoplay'],
    scenarioPeriodSec: v['scenario-period-sec'] === undefined ? undefined : number(v['scenario-period-sec'], 'scenario-period-sec', 60),
    remap: nodeRemapper(ros),
  };
}
