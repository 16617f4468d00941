// The launcher's command line and the processes it plans to start.
import { describe, expect, it } from 'vitest';
import { parseLaunchOptions } from '../src/launcher/options.js';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { childEnv, launchPlan } from '../src/launcher/plan.js';
import { closedToOthers, installUnderTmp } from '../src/paths.js';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('parseLaunchOptions', () => {
  it('defaults to ports 8080/8081, domain 77 with the island on 78, real time', () => {
    expect(parseLaunchOptions([])).toMatchObject({ port: 8080, islandPort: 8081, domain: 77, islandDomain: 78, speed: 1, seed: 42, firstScenarioSec: 20, scenarioPeriodSec: 60 });
    expect(parseLaunchOptions(['--domain', '130'])).toMatchObject({ domain: 130, islandDomain: 131 });
    expect(parseLaunchOptions(['--help'])).toBeNull();
  });

  it('rejects bad values with a message naming the option', () => {
    expect(() => parseLaunchOptions(['--port', '80'])).toThrow(/--port/);
    expect(() => parseLaunchOptions(['--domain', '300'])).toThrow(/--domain/);
    expect(() => parseLaunchOptions(['--speed', '0'])).toThrow(/--speed/);
    expect(() => parseLaunchOptions(['--port', '9000', '--island-port', '9000'])).toThrow(/differ/);
    expect(() => parseLaunchOptions(['--domain', '5', '--island-domain', '5'])).toThrow(/own domain/);
    expect(() => parseLaunchOptions(['--bogus'])).toThrow();
    expect(() => parseLaunchOptions(['--node-options=--max-semi-space-size=1 rm'])).toThrow(/each starting with --/);
  });
});

describe('launchPlan', () => {
  const o = parseLaunchOptions(['--port', '9100', '--island-port', '9101', '--domain', '140', '--speed', '20'])!;
  const plan = launchPlan(o, '/tmp/demo-x', '/x/medkit.js');

  it('runs both gateways on loopback with their own domain, data dir and manifest, the main one federating the island', () => {
    const [island, main] = plan.gateways;
    expect(main.args.slice(0, NODE_RUNTIME_FLAGS.length + 2)).toEqual([...NODE_RUNTIME_FLAGS, '/x/medkit.js', 'gateway']);
    const arg = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
    expect(arg(main.args, '--host')).toBe('127.0.0.1');
    expect(arg(island.args, '--host')).toBe('127.0.0.1');
    expect(arg(main.args, '--domain')).toBe('140');
    expect(arg(island.args, '--domain')).toBe('141');
    expect(main.args).toContain('--localhost-only');
    expect(island.args).toContain('--localhost-only');
    expect(arg(main.args, '--data-dir')).toBe('/tmp/demo-x/main');
    expect(arg(island.args, '--data-dir')).toBe('/tmp/demo-x/safety-island');
    expect(arg(main.args, '--manifest')).toMatch(/manifests\/robot\.yaml$/);
    expect(arg(island.args, '--manifest')).toMatch(/manifests\/safety-island\.yaml$/);
    expect(main.args).toContain('aggregation.peer_urls=http://127.0.0.1:9101');
    expect(main.args).toContain('aggregation.peer_names=safety-island');
    expect(island.args.some((a) => /^faults\.snapshots\.config_file=.*safety-island-snapshots\.yaml$/.test(a))).toBe(true);
    // The demo's correlation rule: PROTECTIVE_STOP the root cause of the navigation aborts.
    expect(main.args.some((a) => /^faults\.correlation\.config_file=.*main-correlation\.yaml$/.test(a))).toBe(true);
    expect(plan.mainUrl).toBe('http://127.0.0.1:9100');
  });

  it('starts the gateways with other Node.js options when --node-options says so (benchmarks)', () => {
    const other = launchPlan(parseLaunchOptions(['--node-options=--max-semi-space-size=4  --expose-gc'])!, '/tmp/demo-y', '/x/medkit.js');
    for (const g of other.gateways) expect(g.args.slice(0, 4)).toEqual(['--max-semi-space-size=4', '--expose-gc', '/x/medkit.js', 'gateway']);
  });

  it('starts the node processes with the speed and seed, each on its domains', () => {
    const [island, robot] = plan.nodes;
    expect(robot.args.join(' ')).toContain('--domain 140 --speed 20 --seed 42');
    expect(island.args.join(' ')).toContain('--domain 140 --island-domain 141');
    expect(robot.env.ROS_DOMAIN_ID).toBe('140');
    expect(island.env.ROS_DOMAIN_ID).toBe('141');
  });

  it('runs nothing secured without --secure', () => {
    expect(plan.keystore).toBeUndefined();
    for (const p of [...plan.gateways, ...plan.nodes]) {
      expect(p.args.some((a) => a.startsWith('ros.security.'))).toBe(false);
      expect(Object.keys(p.env).some((k) => k.startsWith('ROS_SECURITY_'))).toBe(false);
    }
  });

  it('with --secure gives every process its own enclave: the gateways through ros.security.*, the node processes through ROS_SECURITY_*', () => {
    const secure = launchPlan(parseLaunchOptions(['--secure', '--domain', '140'])!, '/tmp/demo-s', '/x/medkit.js');
    const keystore = '/tmp/demo-s/sros2/keystore';
    expect(secure.keystore).toBe(keystore);
    const sets = (args: string[]) => args.filter((a) => a.startsWith('ros.security.'));
    const [island, main] = secure.gateways;
    expect(sets(main.args)).toEqual(['ros.security.enabled=true', 'ros.security.strategy=Enforce', `ros.security.keystore=${keystore}`, 'ros.security.enclave=/demo/main_gateway']);
    expect(sets(island.args)).toContain('ros.security.enclave=/demo/island_gateway');
    const [islandNodes, robot] = secure.nodes;
    expect(robot.env).toMatchObject({ ROS_DOMAIN_ID: '140', ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_STRATEGY: 'Enforce', ROS_SECURITY_KEYSTORE: keystore, ROS_SECURITY_ENCLAVE_OVERRIDE: '/demo/robot' });
    expect(islandNodes.env).toMatchObject({ ROS_DOMAIN_ID: '141', ROS_SECURITY_ENCLAVE_OVERRIDE: '/demo/safety_island' });
    // The managed script joins with an enclave of its own, which its sandbox's private /tmp must show.
    expect(secure.scriptEnv).toMatchObject({ ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_ENCLAVE_OVERRIDE: '/demo/trigger_person' });
    const visible = main.args.find((a) => a.startsWith('scripts.sandbox.visible_paths='))!;
    expect(visible.split('=')[1].split(',')).toContain(`${keystore}/enclaves/demo/trigger_person`);
  });

  it('grants each enclave what it needs: the robot may not publish what only the safety island may', async () => {
    const { demoGrants } = await import('../src/launcher/sros2.js');
    const g = demoGrants(140, 141);
    expect(g.robot[0]).toEqual({ kind: 'deny', domains: [140], publish: ['rt/cmd_vel_safe', 'rt/safety/*'] });
    expect(g.island).toEqual([{ kind: 'allow', domains: [140, 141], publish: ['*'], subscribe: ['*'] }]);
    expect(g.islandGateway[0].domains).toEqual([141]);
    expect(g.trigger[0].publish).toEqual(['rq/demo/trigger_personRequest', 'ros_discovery_info']);
  });

  it('gives children the ROS variables of their domain and none of the caller MEDKIT_/ROS_ settings', () => {
    const env = childEnv(77, { PATH: '/bin', MEDKIT_SERVER_PORT: '1', ROS_DOMAIN_ID: '0', ROS_STATIC_PEERS: '10.0.0.2' });
    expect(env).toEqual({ PATH: '/bin', ROS_DOMAIN_ID: '77', ROS_LOCALHOST_ONLY: '1', ROS_AUTOMATIC_DISCOVERY_RANGE: 'LOCALHOST' });
  });
});

describe('node names on the command line', () => {
  it('names every node of a process after --ros-args, and the process creates its nodes under those names', async () => {
    const { ROBOT_NODES, rosArgs } = await import('../src/process/ros-args.js');
    const { parseNodeProcessArgs } = await import('../src/process/args.js');
    const plan = launchPlan(parseLaunchOptions([])!, '/tmp/d', '/x/medkit.js');
    const robot = plan.nodes.find((n) => n.name === 'robot')!;
    expect(robot.args.slice(robot.args.indexOf('--ros-args'))).toEqual(rosArgs(ROBOT_NODES));
    const parsed = parseNodeProcessArgs(['--domain', '5', '--ros-args', '-r', 'lidar:__node:=front_lidar', '-r', 'lidar:__ns:=/s2']);
    expect(parsed.domain).toBe(5);
    expect(parsed.remap('lidar', '/sensors')).toEqual(['front_lidar', '/s2']);
    expect(parsed.remap('scenario', '/demo')).toEqual(['scenario', '/demo']);
  });
});

describe('the demo installed under /tmp', () => {
  it('names the first level below /tmp that holds it, and nothing for an install elsewhere', () => {
    const top = mkdtempSync(join('/tmp', 'medkit-install-'));
    try {
      mkdirSync(join(top, 'packages', 'demo'), { recursive: true });
      expect(installUnderTmp(join(top, 'packages', 'demo'))).toBe(top);
      expect(installUnderTmp(top)).toBe(top);
      expect(installUnderTmp('/usr/lib')).toBeUndefined();
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it("shows it to the main gateway's managed scripts (their private /tmp would hide the demo's helpers), only then", () => {
    const o = parseLaunchOptions([])!;
    const main = launchPlan(o, '/tmp/demo-y', '/x/medkit.js').gateways[1].args;
    const here = installUnderTmp();
    const sets = main.filter((a) => a.startsWith('scripts.sandbox.visible_paths='));
    expect(sets).toEqual(here ? [`scripts.sandbox.visible_paths=${here}`] : []);
  });
});

describe('the demo installed where its managed scripts cannot reach it', () => {
  it('names the outermost directory other users cannot enter on the way to dist/, and nothing when all can', () => {
    const top = mkdtempSync(join(tmpdir(), 'medkit-closed-'));
    try {
      const dist = join(top, 'a', 'b', 'dist');
      mkdirSync(dist, { recursive: true });
      chmodSync(top, 0o755);
      chmodSync(join(top, 'a'), 0o755);
      chmodSync(join(top, 'a', 'b'), 0o755);
      expect(closedToOthers(dist)).toBeUndefined();
      chmodSync(join(top, 'a'), 0o700);
      chmodSync(join(top, 'a', 'b'), 0o750);
      expect(closedToOthers(dist)).toBe(join(top, 'a'));
      chmodSync(top, 0o700);
      expect(closedToOthers(dist)).toBe(top);
    } finally {
      chmodSync(top, 0o755);
      rmSync(top, { recursive: true, force: true });
    }
  });
});
