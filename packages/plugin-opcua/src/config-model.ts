// The `opcua` plugin's configuration as the rest of the plugin reads it: the checked, typed values and their
// bounds (config.ts parses and checks them).
import type { PointSeverity } from '@medkit/plugin-api';
import type { DataPathConfig, NodeDataKeys } from './data-keys.js';

export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export const SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128Sha256RsaOaep', 'Aes256Sha256RsaPss'] as const;
export const USER_AUTH_MODES = ['Anonymous', 'UsernamePassword', 'X509'] as const;
export const SEVERITIES: readonly PointSeverity[] = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'];

/** Limits on what a node map may declare (hostile or mistaken files stay bounded). */
export const LIMITS = { nodes: 1000, eventAlarms: 1000, nodeMapBytes: 1 << 20, stringValue: 65_535, autoAlarms: 10_000 } as const;

/** A threshold rule on a numeric or boolean node (docs/faults.md). */
export interface NodeAlarm {
  fault_code: string;
  severity: PointSeverity;
  threshold: number;
  /** true: fault while value > threshold (booleans: while true); false: while value < threshold (booleans: while false). */
  above_threshold: boolean;
  message?: string;
}

/** One configured node → one data item of the component (`data_type`, `ros2_topic`, `status_bits`, `fault_enum`: data-keys.ts). */
export interface NodeConfig extends NodeDataKeys {
  node_id: string;
  data_name: string;
  /** The App serving this item (created by the plugin on the component); absent: the component serves it. */
  entity_id?: string;
  display_name: string;
  unit?: string;
  writable: boolean;
  min_value?: number;
  max_value?: number;
  alarm?: NodeAlarm;
}

/** One native OPC-UA alarm/condition → one fault code. */
export interface EventAlarmConfig {
  /** The condition's NodeId (ConditionId) or its source node's NodeId (SourceNode). */
  alarm_source: string;
  fault_code: string;
  /** Replaces the severity derived from the event's 1–1000 Severity. */
  severity_override?: PointSeverity;
  /** Replaces the event's message as the fault description. */
  message?: string;
  /** The App (a node-map `entity_id`) or the component reporting the fault; absent: the component. */
  entity_id?: string;
  /** true: an inactive, acknowledged alarm is cleared only once also confirmed (docs/opcua.md "State machine"). */
  require_confirm_for_clear: boolean;
}

/** How the conditions active before a (re)connection are learned (docs/opcua.md "Replay"). */
export const CONDITION_REPLAY_STRATEGIES = ['auto', 'method', 'read', 'off'] as const;
export type ConditionReplayStrategy = (typeof CONDITION_REPLAY_STRATEGIES)[number];

export interface OpcuaConfig extends DataPathConfig {
  endpoint_url: string;
  security_mode: (typeof SECURITY_MODES)[number];
  security_policy: (typeof SECURITY_POLICIES)[number];
  user_auth_mode: (typeof USER_AUTH_MODES)[number];
  /** Resolved from `username` / `username_env`; never logged. */
  username?: string;
  /** Resolved from `password` / `password_env`; never logged. */
  password?: string;
  /** Certificate store of the client (own certificate, trusted and rejected server certificates). */
  pki_dir?: string;
  client_cert_path?: string;
  client_key_path?: string;
  reject_untrusted: boolean;
  area_id?: string;
  component_id: string;
  component_name: string;
  subscription_interval_ms: number;
  request_timeout_ms: number;
  connect_timeout_ms: number;
  /** How often the connection proves the server answers (a read of ServerStatus.CurrentTime). */
  keepalive_interval_ms: number;
  /** Consecutive requests (keep-alive, poll, read, write) missing request_timeout_ms that declare the server hung. */
  keepalive_max_missed: number;
  reconnect_initial_delay_ms: number;
  reconnect_max_delay_ms: number;
  comms_lost_fault_enabled: boolean;
  comms_lost_fault_code: string;
  comms_lost_debounce_ms: number;
  comms_lost_severity: PointSeverity;
  nodes: NodeConfig[];
  event_alarms: EventAlarmConfig[];
  /** Map every condition of the server to a fault (docs/opcua.md "Zero-config alarms"). */
  auto_alarms: boolean;
  /** At most this many auto-mapped conditions; more are ignored and counted. */
  auto_alarms_max: number;
  /** Default of `event_alarms[].require_confirm_for_clear`, and the value for auto-mapped conditions. */
  require_confirm_for_clear: boolean;
  condition_replay_strategy: ConditionReplayStrategy;
  /** Identity, discovery and X509 options (docs/opcua.md "Identity", "auto_browse", "Endpoint discovery"). */
  x509?: UserCertificate;
  auto_browse: boolean;
  browse_root: string;
  browse_max_depth: number;
  browse_max_variables: number;
  discovery_enabled: boolean;
}

/** The user certificate (DER, as the token carries it) and its private key (PEM, never logged). */
export interface UserCertificate {
  certificateDer: Buffer;
  privateKeyPem: string;
  /** For x-plc-status: whose certificate this is (not secret). */
  subject: string;
  fingerprint256: string;
}
