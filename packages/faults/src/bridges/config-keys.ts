// The bridges' options (docs/faults.md) as gateway configuration keys under `faults.bridges.<bridge>.`, with
// the spec's names and defaults, and their translation into the sanitised per-bridge configs.
// A value outside a declared range stops start-up (docs/configuration.md; the reference clamped or used the
// default); the bridges' own sanitisers apply the rules of keys without one (e.g. `rescan_period_sec` ≤ 0 → 2).
import type { ConfigReader, KeySpec } from '@medkit/kit';
import { bool, float, int, list, str } from '@medkit/kit';
import { sanitizeActionBridgeConfig, type ActionBridgeConfig } from './action-status-bridge.js';
import { sanitizeDiagnosticBridgeConfig, type DiagnosticBridgeConfig } from './diagnostic-bridge.js';
import { sanitizeLogBridgeConfig, type LogBridgeConfig } from './log-bridge.js';

const MAX_INT32 = 2 ** 31 - 1;
const DIAG_PREFIX = 'faults.bridges.diagnostics';
/** Structured map `name_to_code.<diagnostic name>: <code>` (read from the raw config, not a scalar key). */
const NAME_TO_CODE_PREFIX = `${DIAG_PREFIX}.name_to_code`;

export const BRIDGE_KEYS = {
  'faults.bridges.diagnostics.enabled': bool(true, '[ours] Turn /diagnostics statuses into faults (diagnostic bridge, docs/faults.md) when connected to ROS. `name_to_code.<diagnostic name>: <code>` entries under this section map names to codes.'),
  'faults.bridges.diagnostics.diagnostics_topic': str('/diagnostics', 'DiagnosticArray topic the diagnostic bridge subscribes (empty → /diagnostics).'),
  'faults.bridges.diagnostics.auto_generate_codes': bool(true, 'Derive a code from the status name (upper snake, no prefix) when neither name_to_code nor keyvalue_codes yields one.'),
  'faults.bridges.diagnostics.keyvalue_codes': list([], 'Status value keys tried in order; the first present one\'s value is the fault code.'),
  'faults.bridges.diagnostics.use_hardware_id_as_source_id': bool(false, 'Use a status\'s hardware_id as source_id when it contains `/` (else the bridge node).'),
  'faults.bridges.diagnostics.max_tracked_sources': int(512, 'Reporters kept per source id, least recently used evicted.', { min: 1, max: MAX_INT32 }),
  'faults.bridges.rosout.enabled': bool(true, '[ours] Turn /rosout WARN and above into faults (log bridge, docs/faults.md) when connected to ROS.'),
  'faults.bridges.rosout.rosout_topic': str('/rosout', 'Log topic the log bridge subscribes (empty → /rosout).'),
  'faults.bridges.rosout.severity_floor': int(30, 'Lowest log level turned into a fault (levels ≤ INFO 20 never are).', { min: 0, max: 50 }),
  'faults.bridges.rosout.code_prefix': str('LOG', 'Code prefix, upper-snake normalised, at most 32 characters (empty → LOG).'),
  'faults.bridges.rosout.exclude_nodes': list([], 'Skip logs whose source node FQN contains any of these substrings.'),
  'faults.bridges.rosout.include_only_nodes': list([], 'When non-empty, only logs whose source node FQN contains one of these substrings.'),
  'faults.bridges.rosout.max_tracked_nodes': int(512, 'Reporters kept per source node, least recently used evicted.', { min: 1, max: MAX_INT32 }),
  'faults.bridges.rosout.report_cooldown_sec': float(5, 'ERROR/FATAL with the same code and severity are forwarded once per this time (0 = off).', { min: 0 }),
  'faults.bridges.rosout.exclude_medkit_stack': bool(true, 'Skip logs of the fault manager, gateway and bridges themselves.'),
  'faults.bridges.action_status.enabled': bool(true, '[ours] Turn aborted action goals into faults (action status bridge, docs/faults.md) when connected to ROS.'),
  'faults.bridges.action_status.aborted_severity': int(2, 'Severity of the FAILED report of an aborted (or canceled) goal (0..3).', { min: 0, max: 3 }),
  'faults.bridges.action_status.canceled_is_fault': bool(false, 'Also treat CANCELED goals as faults (`..._CANCELED` codes).'),
  'faults.bridges.action_status.heal_on_succeeded': bool(true, 'Report PASSED when a failed action next succeeds (or vanishes).'),
  'faults.bridges.action_status.rescan_period_sec': float(2, 'Period of the scan for new and vanished action status topics (≤0 → 2).'),
  'faults.bridges.action_status.retry_period_sec': float(0.05, 'Retry period of reports the fault manager did not accept yet (≤0 → 0.05).'),
  'faults.bridges.action_status.code_prefix': str('ACTION', 'Code prefix, upper-snake normalised (empty → ACTION).'),
  'faults.bridges.action_status.exclude_actions': list([], 'Skip actions whose name contains any of these substrings.'),
  'faults.bridges.action_status.include_only_actions': list([], 'When non-empty, only actions whose name contains one of these substrings.'),
  'faults.bridges.action_status.dedup_capacity': int(4096, 'Goal ids remembered to log each aborted/canceled goal once.', { min: 1 }),
} satisfies Record<string, KeySpec>;

/** What the bridges read from the gateway configuration (`GatewayConfig` satisfies it). */
/** The loaded configuration (the gateway's). */
type BridgeConfigSource = Pick<ConfigReader, 'read' | 'section'>;

export interface BridgeConfigs {
  diagnostics: DiagnosticBridgeConfig;
  rosout: LogBridgeConfig;
  actions: ActionBridgeConfig;
}

/** `name_to_code.<name>: <code>` entries; non-string or empty codes are skipped (reported through `warn`). */
function nameToCodeFrom(raw: Record<string, unknown>, warn: (m: string) => void = () => {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(raw)) {
    const name = key.slice(NAME_TO_CODE_PREFIX.length + 1);
    if (name === '') continue;
    if ((typeof v === 'string' && v.trim() !== '') || typeof v === 'number') out[name] = String(v).trim();
    else warn(`${key}: expected a fault code string; ignored`);
  }
  return out;
}

/** The three bridges' sanitised configs from the loaded gateway configuration. */
export function bridgeConfigsFrom(config: BridgeConfigSource, warn?: (m: string) => void): BridgeConfigs {
  return {
    diagnostics: sanitizeDiagnosticBridgeConfig({
      enabled: config.read(BRIDGE_KEYS, 'faults.bridges.diagnostics.enabled'),
      diagnostics_topic: config.read(BRIDGE_KEYS, 'faults.bridges.diagnostics.diagnostics_topic'),
      auto_generate_codes: config.read(BRIDGE_KEYS, 'faults.bridges.diagnostics.auto_generate_codes'),
      keyvalue_codes: config.read(BRIDGE_KEYS, 'faults.bridges.diagnostics.keyvalue_codes'),
      use_hardware_id_as_source_id: config.read(BRIDGE_KEYS, 'faults.bridges.diagnostics.use_hardware_id_as_source_id'),
      max_tracked_sources: config.read(BRIDGE_KEYS, 'faults.bridges.diagnostics.max_tracked_sources'),
      name_to_code: nameToCodeFrom(config.section(NAME_TO_CODE_PREFIX), warn),
    }),
    rosout: sanitizeLogBridgeConfig({
      enabled: config.read(BRIDGE_KEYS, 'faults.bridges.rosout.enabled'),
      rosout_topic: config.read(BRIDGE_KEYS, 'faults.bridges.rosout.rosout_topic'),
      severity_floor: config.read(BRIDGE_KEYS, 'faults.bridges.rosout.severity_floor'),
      code_prefix: config.read(BRIDGE_KEYS, 'faults.bridges.rosout.code_prefix'),
      exclude_nodes: config.read(BRIDGE_KEYS, 'faults.bridges.rosout.exclude_nodes'),
      include_only_nodes: config.read(BRIDGE_KEYS, 'faults.bridges.rosout.include_only_nodes'),
      max_tracked_nodes: config.read(BRIDGE_KEYS, 'faults.bridges.rosout.max_tracked_nodes'),
      report_cooldown_sec: config.read(BRIDGE_KEYS, 'faults.bridges.rosout.report_cooldown_sec'),
      exclude_medkit_stack: config.read(BRIDGE_KEYS, 'faults.bridges.rosout.exclude_medkit_stack'),
    }),
    actions: sanitizeActionBridgeConfig({
      enabled: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.enabled'),
      aborted_severity: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.aborted_severity'),
      canceled_is_fault: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.canceled_is_fault'),
      heal_on_succeeded: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.heal_on_succeeded'),
      rescan_period_sec: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.rescan_period_sec'),
      retry_period_sec: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.retry_period_sec'),
      code_prefix: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.code_prefix'),
      exclude_actions: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.exclude_actions'),
      include_only_actions: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.include_only_actions'),
      dedup_capacity: config.read(BRIDGE_KEYS, 'faults.bridges.action_status.dedup_capacity'),
    }),
  };
}
