/**
 * `--secure`: where the demo's throw-away SROS2 keystore lives, its enclaves (one per process, as ROS 2 gives
 * each process one) and what each may publish and subscribe. Plain data and paths only: the keystore itself is
 * made by make-keystore.ts (openssl), which the launcher loads only for --secure.
 */
import { join } from 'node:path';
import type { PermissionRuleSpec } from '@medkit/ros2/security';

/** The enclave of each process the demo starts (and of the managed script's helper). */
export const DEMO_ENCLAVES = {
  robot: '/demo/robot',
  island: '/demo/safety_island',
  mainGateway: '/demo/main_gateway',
  islandGateway: '/demo/island_gateway',
  trigger: '/demo/trigger_person',
} as const;

export type DemoEnclave = keyof typeof DEMO_ENCLAVES;

/** The keystore root (ROS_SECURITY_KEYSTORE) inside the run's data directory. */
export const demoKeystore = (dataDir: string): string => join(dataDir, 'sros2', 'keystore');
/** The CAs' keys and openssl's database: next to the keystore, not in it. */
export const demoKeystoreCa = (dataDir: string): string => join(dataDir, 'sros2', 'ca');

/** `<keystore>/enclaves/<enclave>`. */
export const enclavePath = (keystore: string, enclave: string): string => join(keystore, 'enclaves', ...enclave.split('/').filter(Boolean));

/** The ROS_SECURITY_* variables of a process running with `enclave` (read as rcl reads them). */
export function securityEnv(keystore: string, enclave: string): NodeJS.ProcessEnv {
  return { ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_STRATEGY: 'Enforce', ROS_SECURITY_KEYSTORE: keystore, ROS_SECURITY_ENCLAVE_OVERRIDE: enclave };
}

/** The `ros.security.*` settings of a gateway joining with `enclave`. */
export function securitySets(keystore: string, enclave: string): string[] {
  return ['ros.security.enabled=true', 'ros.security.strategy=Enforce', `ros.security.keystore=${keystore}`, `ros.security.enclave=${enclave}`].flatMap((s) => ['--set', s]);
}

/**
 * What each enclave is granted (SROS2 permissions: DDS topic names, `rt/` topics, `rq/`/`rr/` service requests
 * and replies), by the domains it needs:
 * - the gateways everything on their own domain (a diagnostic gateway reads any topic, calls any service);
 * - the robot everything on the robot's domain except publishing what only the safety island may publish (the
 *   safe velocity the motors follow, the protective stop): a robot node cannot bypass the island;
 * - the safety island its own domain and the robot's (its link relays between them);
 * - the managed script's helper only the trigger_person service (and the graph topic every context announces).
 */
export function demoGrants(robotDomain: number, islandDomain: number): Record<DemoEnclave, PermissionRuleSpec[]> {
  const all = (domains: number[]): PermissionRuleSpec => ({ kind: 'allow', domains, publish: ['*'], subscribe: ['*'] });
  return {
    robot: [{ kind: 'deny', domains: [robotDomain], publish: ['rt/cmd_vel_safe', 'rt/safety/*'] }, all([robotDomain])],
    island: [all([robotDomain, islandDomain])],
    mainGateway: [all([robotDomain])],
    islandGateway: [all([islandDomain])],
    trigger: [{ kind: 'allow', domains: [robotDomain], publish: ['rq/demo/trigger_personRequest', 'ros_discovery_info'], subscribe: ['rr/demo/trigger_personReply', 'ros_discovery_info'] }],
  };
}
