/**
 * What the launcher starts, as plain data (command, arguments, environment, how to tell it is up),
 * so the plan can be checked without starting anything.
 */
import { join } from 'node:path';
import { NODE_RUNTIME_FLAGS } from '@medkit/cli/runtime-flags';
import { CONFIG, DIST, MANIFESTS, installUnderTmp } from '../paths.js';
import type { LaunchOptions } from './options.js';
import { ISLAND_NODES, ROBOT_NODES, rosArgs } from '../process/ros-args.js';
import { DEMO_ENCLAVES, demoKeystore, enclavePath, securityEnv, securitySets } from './sros2.js';

/** Name under which the main gateway federates the safety island (prefix of renamed app ids). */
export const ISLAND_PEER_NAME = 'safety-island';
export const HOST = '127.0.0.1';

export interface ProcessSpec {
  /** Short name used in logs. */
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Up when this URL answers 200, or when the process prints a line matching `readyLine`. */
  healthUrl?: string;
  readyLine?: RegExp;
}

export interface LaunchPlan {
  mainUrl: string;
  islandUrl: string;
  dataDir: string;
  /** Started first, in parallel (the gateways). */
  gateways: ProcessSpec[];
  /** Started once the gateways answer (the ROS nodes). */
  nodes: ProcessSpec[];
  /** --secure: the SROS2 keystore every process joins with (made by the launcher before anything starts). */
  keystore?: string;
  /** --secure: what the managed script exports to join the robot's domain with its own enclave. */
  scriptEnv?: NodeJS.ProcessEnv;
}

/**
 * The children's environment: the parent's, without MEDKIT_* (the demo's settings are its own) and
 * with the ROS variables of the given domain, so anything they start (managed scripts) joins the
 * same isolated, loopback-only domain.
 */
export function childEnv(domain: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('MEDKIT_') && !k.startsWith('ROS_')) env[k] = v;
  env.ROS_DOMAIN_ID = String(domain);
  env.ROS_LOCALHOST_ONLY = '1';
  env.ROS_AUTOMATIC_DISCOVERY_RANGE = 'LOCALHOST';
  return env;
}

export function launchPlan(o: LaunchOptions, dataDir: string, medkit: string): LaunchPlan {
  const mainUrl = `http://${HOST}:${o.port}`;
  const keystore = o.secure ? demoKeystore(dataDir) : undefined;
  const secured = (enclave: string) => (keystore ? securitySets(keystore, enclave) : []);
  const securedEnv = (domain: number, enclave: string) => ({ ...childEnv(domain), ...(keystore ? securityEnv(keystore, enclave) : {}) });
  // The managed script reads its enclave through the private /tmp of its sandbox: shown read-only like the install.
  const visible = [installUnderTmp(), keystore && /^\/tmp\//.test(keystore) ? enclavePath(keystore, DEMO_ENCLAVES.trigger) : undefined].filter((p): p is string => p !== undefined);
  const islandUrl = `http://${HOST}:${o.islandPort}`;
  const gateway = (port: number, domain: number, dir: string, config: string, manifest: string, extra: string[]) => [
    // The Node.js options `medkit` runs with on PATH (its #! line), since the script is started through node here.
    ...(o.nodeOptions ?? NODE_RUNTIME_FLAGS), medkit, 'gateway',
    '--config', join(CONFIG, config),
    '--manifest', join(MANIFESTS, manifest),
    '--host', HOST,
    '--port', String(port),
    '--data-dir', join(dataDir, dir),
    '--domain', String(domain),
    '--localhost-only',
    '--log-level', o.logLevel,
    ...extra,
  ];
  const sim = ['--speed', String(o.speed), '--seed', String(o.seed)];
  return {
    mainUrl,
    islandUrl,
    dataDir,
    gateways: [
      {
        name: 'safety-island-gateway',
        args: gateway(o.islandPort, o.islandDomain, 'safety-island', 'safety-island-gateway.yaml', 'safety-island.yaml', [
          '--set', `faults.snapshots.config_file=${join(CONFIG, 'safety-island-snapshots.yaml')}`,
          ...secured(DEMO_ENCLAVES.islandGateway),
        ]),
        env: childEnv(o.islandDomain),
        healthUrl: `${islandUrl}/api/v1/health`,
      },
      {
        name: 'main-gateway',
        args: gateway(o.port, o.domain, 'main', 'main-gateway.yaml', 'robot.yaml', [
          '--set', `scripts.scripts_dir=${join(dataDir, 'scripts')}`,
          ...(visible.length > 0 ? ['--set', `scripts.sandbox.visible_paths=${visible.join(',')}`] : []),
          '--set', `aggregation.peer_urls=${islandUrl}`,
          '--set', `aggregation.peer_names=${ISLAND_PEER_NAME}`,
          '--set', `aggregation.health_check_interval_ms=${o.peerCheckMs}`,
          '--set', `faults.correlation.config_file=${join(CONFIG, 'main-correlation.yaml')}`,
          ...secured(DEMO_ENCLAVES.mainGateway),
        ]),
        env: childEnv(o.domain),
        healthUrl: `${mainUrl}/api/v1/health`,
      },
    ],
    nodes: [
      {
        name: 'safety-island',
        args: [join(DIST, 'island-process.js'), '--domain', String(o.domain), '--island-domain', String(o.islandDomain), ...sim, ...rosArgs(ISLAND_NODES)],
        env: securedEnv(o.islandDomain, DEMO_ENCLAVES.island),
        readyLine: /^ready safety-island/,
      },
      {
        name: 'robot',
        args: [
          join(DIST, 'robot-process.js'), '--domain', String(o.domain), ...sim,
          '--first-scenario-sec', String(o.firstScenarioSec), '--scenario-period-sec', String(o.scenarioPeriodSec),
          ...(o.autoplay ? [] : ['--no-autoplay']),
          ...rosArgs(ROBOT_NODES),
        ],
        env: securedEnv(o.domain, DEMO_ENCLAVES.robot),
        readyLine: /^ready robot/,
      },
    ],
    ...(keystore ? { keystore, scriptEnv: securityEnv(keystore, DEMO_ENCLAVES.trigger) } : {}),
  };
}
