/**
 * ROS remapping arguments of the demo's node processes. Like a ROS launch file, the launcher names every
 * node a process hosts on its command line (`--ros-args -r <node>:__node:=<name> -r <node>:__ns:=<ns>`), and
 * the process creates its nodes under those names. That makes the command line the truth about which node
 * runs where, which the gateway's procfs plugin reads to report each node's process (docs/introspection.md).
 */
import type { RosContext } from '@medkit/ros2';

/** The nodes of a process: their names in code and their namespaces. */
type NodeNames = readonly (readonly [name: string, namespace: string])[];

/** The robot process's nodes. */
export const ROBOT_NODES: NodeNames = [
  ['lidar', '/sensors'],
  ['sensor_monitor', '/sensors'],
  ['battery_monitor', '/base'],
  ['motor_controller', '/base'],
  ['controller_server', '/navigation'],
  ['bt_navigator', '/navigation'],
  ['obstacle_detector', '/perception'],
  ['scenario', '/demo'],
  // The graph watchdog's planted defects and the topic-rate monitor (src/nodes/pipeline-defects.ts, topic-monitor.ts).
  ['scan_filter', '/perception'],
  ['local_costmap', '/navigation'],
  ['topic_monitor', '/sensors'],
];

/** The safety island process's nodes. */
export const ISLAND_NODES: NodeNames = [
  ['safety_gate', '/safety'],
  ['island_link', '/safety'],
];

/** `--ros-args -r n:__node:=n -r n:__ns:=/ns …` for the given nodes. */
export function rosArgs(nodes: NodeNames): string[] {
  return ['--ros-args', ...nodes.flatMap(([name, ns]) => ['-r', `${name}:__node:=${name}`, '-r', `${name}:__ns:=${ns}`])];
}

/** Splits a command line at `--ros-args` (everything after it belongs to ROS). */
export function splitRosArgs(argv: readonly string[]): { args: string[]; ros: string[] } {
  const i = argv.indexOf('--ros-args');
  return i < 0 ? { args: [...argv], ros: [] } : { args: argv.slice(0, i), ros: argv.slice(i + 1) };
}

/** Node-targeted `-r <node>:__node:=` / `<node>:__ns:=` rules as a renaming function. */
export function nodeRemapper(ros: readonly string[]): (name: string, namespace: string) => [string, string] {
  const rules = new Map<string, { name?: string; ns?: string }>();
  for (const a of ros) {
    const m = /^([A-Za-z_]\w*):(__node|__ns):=(.+)$/.exec(a);
    if (!m) continue;
    const r = rules.get(m[1]) ?? {};
    if (m[2] === '__ns') r.ns = m[3];
    else r.name = m[3];
    rules.set(m[1], r);
  }
  return (name, namespace) => {
    const r = rules.get(name);
    return [r?.name ?? name, r?.ns ?? namespace];
  };
}

/** Makes `ctx.createNode` apply the remapping rules (the demo's node modules call it with their code names). */
export function applyRemaps<T extends RosContext>(ctx: T, remap: (name: string, namespace: string) => [string, string]): T {
  const create = ctx.createNode.bind(ctx);
  ctx.createNode = (name, namespace = '/', opts) => {
    const [n, ns] = remap(name, namespace);
    return create(n, ns, opts);
  };
  return ctx;
}
