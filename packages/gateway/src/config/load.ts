// Loading a robot gateway's configuration: the server core's loader with the gateway's own keys (ROS 2,
// SROS2, discovery), its structured settings and its derived defaults.
import { loadServerConfig, type FlatConfig, type LoadOptions, type ServerConfig } from '@medkit/server';
import { isRosDistro, securitySettingsFromEnv } from '@medkit/ros2/light';
import { ALL_KEYS } from './keys.js';

/** A robot gateway's effective configuration (the server core's, loaded with the gateway's keys). */
export type GatewayConfig = ServerConfig;

/**
 * Keys read as a whole by their feature rather than declared one by one: per-layer merge policies, the
 * aggregation peer list, the diagnostics name → code map, and the plugins (each plugin's keys are checked
 * against what it declares when it is loaded, plugins/config.ts).
 */
const STRUCTURED_PREFIXES = ['discovery.merge_pipeline.layers.', 'faults.bridges.diagnostics.name_to_code.', 'plugins.'];
const STRUCTURED_KEYS = new Set(['plugins', 'aggregation.peers']);
function isStructured(key: string): boolean {
  return STRUCTURED_KEYS.has(key) || STRUCTURED_PREFIXES.some((p) => key.startsWith(p));
}

/** ROS's own variables, read as rcl reads them (ROS_SECURITY_ENABLE only "true" enables, only "Enforce" enforces). */
function rosEnvironment(env: NodeJS.ProcessEnv): FlatConfig {
  const out: FlatConfig = {};
  if (env.ROS_DOMAIN_ID !== undefined && env.ROS_DOMAIN_ID !== '') out['ros.domain_id'] = env.ROS_DOMAIN_ID;
  if (env.ROS_LOCALHOST_ONLY === '1' || env.ROS_AUTOMATIC_DISCOVERY_RANGE === 'LOCALHOST') out['ros.localhost_only'] = true;
  if (env.ROS_STATIC_PEERS) out['ros.initial_peers'] = env.ROS_STATIC_PEERS;
  if (env.ROS_DISCOVERY_SERVER?.trim()) out['ros.discovery_server'] = env.ROS_DISCOVERY_SERVER.trim();
  // A sourced ROS install exports its distro; an unknown name (a fork, a typo) is left to `auto`.
  const distro = env.ROS_DISTRO?.trim().toLowerCase();
  if (distro && isRosDistro(distro)) out['ros.distro'] = distro;
  const sros2 = securitySettingsFromEnv(env);
  if (sros2.enabled !== undefined) out['ros.security.enabled'] = sros2.enabled;
  if (sros2.strategy !== undefined) out['ros.security.strategy'] = sros2.strategy;
  if (sros2.keystore !== undefined) out['ros.security.keystore'] = sros2.keystore;
  if (sros2.enclave !== undefined) out['ros.security.enclave'] = sros2.enclave;
  return out;
}

/** Loads the configuration; throws ConfigError when a `refuse` key is invalid or a source is unreadable. */
export function loadConfig(opts: LoadOptions = {}): GatewayConfig {
  return loadServerConfig(opts, {
    coreKeys: ALL_KEYS,
    structured: isStructured,
    environment: { read: rosEnvironment, aliases: { MEDKIT_MANIFEST: 'discovery.manifest_path', MEDKIT_DOMAIN: 'ros.domain_id' } },
    finish(values, merged) {
      // A manifest without an explicit mode means the user wants it used together with the live graph.
      if (values['discovery.manifest_path'] && !('discovery.mode' in merged)) values['discovery.mode'] = 'hybrid';
    },
  });
}
