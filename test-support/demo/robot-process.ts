// The demo robot's nodes in their own process (no launcher, no safety island: one ROS domain), and the flags of
// a gateway serving them with the demo manifest and the graph plugins. For tests that need the robot's ROS
// graph but not the whole `npm start` (graph defects, the UI's pipeline graph).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FlatConfig } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from '../gateway/gateway.js';
import { DIST, MANIFESTS } from '@medkit/demo';
import { buildDemo, eventually } from './demo.js';

export interface RobotChild {
  child: ChildProcess;
  stop(): void;
}

/** Starts dist/robot-process.js (build it first) and waits for its `ready` line. */
export async function startRobotProcess(domain: number): Promise<RobotChild> {
  const child = spawn(process.execPath, [join(DIST, 'robot-process.js'), '--domain', String(domain), '--speed', '10', '--no-autoplay'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await eventually(async () => out.includes('ready robot'), 'the robot process', 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { child, stop: () => void child.kill('SIGTERM') };
}

/** Gateway flags: the robot's domain on loopback, the demo manifest (hybrid) and both graph plugins. */
export function demoGraphGatewayFlags(domain: number): FlatConfig {
  return {
    'ros.enabled': true,
    'ros.domain_id': domain,
    'ros.localhost_only': true,
    'discovery.mode': 'hybrid',
    'discovery.manifest_path': join(MANIFESTS, 'robot.yaml'),
    plugins: ['graph_provider', 'graph_watchdog'],
  };
}

/** A demo robot (built first) and a default gateway serving it with {@link demoGraphGatewayFlags} plus `flags`. */
export interface DemoRobotGateway {
  robot: RobotChild;
  gateway: TestGateway;
  /** `http://host:port/api/v1` */
  api: string;
  close(): Promise<void>;
}

export async function startDemoRobotGateway(domain: number, flags: FlatConfig = {}): Promise<DemoRobotGateway> {
  buildDemo();
  const robot = await startRobotProcess(domain);
  try {
    const gateway = await startTestGateway({ defaults: true, flags: { ...demoGraphGatewayFlags(domain), ...flags } });
    return {
      robot,
      gateway,
      api: `${gateway.url}/api/v1`,
      async close() {
        await gateway.close();
        robot.stop();
      },
    };
  } catch (err) {
    robot.stop();
    throw err;
  }
}
