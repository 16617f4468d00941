// The `opcua` plugin's configuration (docs/opcua.md): every key checked, bounded and
// typed before anything connects. A bad value is refused with an OpcuaConfigError that names the key;
// credentials are never part of a message.
import { readFile, stat } from 'node:fs/promises';
import { parse } from 'yaml';
import { isValidEntityId, validateFaultCode } from '@medkit/plugin-api';
import { parseNodeId } from './node-id.js';
import { dataPathKeys, nodeDataKeys, type KeyChecks } from './data-keys.js';
import { loadUserCertificate, UserCertificateError } from './user-token.js';
import { CONDITION_REPLAY_STRATEGIES, LIMITS, SECURITY_MODES, SECURITY_POLICIES, SEVERITIES, USER_AUTH_MODES, type EventAlarmConfig, type NodeAlarm, type NodeConfig, type OpcuaConfig, type UserCertificate } from './config-model.js';

/** Refusal of one configuration value; `key` is the plugin key (`nodes[2].node_id`), the message starts with it. */
export class OpcuaConfigError extends Error {
  readonly code: string = 'opcua-config-invalid';
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`plugins.opcua.${key}: ${problem}`);
    this.name = 'OpcuaConfigError';
  }
}

export * from './config-model.js';

const TOP_KEYS = new Set([
  'endpoint_url', 'security_mode', 'security_policy', 'user_auth_mode', 'username', 'username_env', 'password', 'password_env',
  'pki_dir', 'client_cert_path', 'client_key_path', 'reject_untrusted', 'area_id', 'component_id', 'component_name',
  'subscription_interval_ms', 'request_timeout_ms', 'connect_timeout_ms', 'keepalive_interval_ms', 'keepalive_max_missed', 'reconnect', 'comms_lost_fault_enabled',
  'comms_lost_fault_code', 'comms_lost_debounce_ms', 'comms_lost_severity', 'node_map_path', 'nodes', 'event_alarms',
  'poll_interval_ms', 'prefer_subscriptions',
  'auto_alarms', 'auto_alarms_max', 'require_confirm_for_clear', 'condition_replay_strategy',
  'user_cert_path', 'user_key_path', 'auto_browse', 'browse_root', 'browse_max_depth', 'browse_max_variables', 'discovery',
]);
const NODE_MAP_KEYS = new Set(['area_id', 'component_id', 'component_name', 'nodes', 'event_alarms']);
/** Keys that hold a map checked below (onlyKeys), declared with everything under them. */
const MAP_KEYS = new Set(['reconnect', 'discovery']);
/** The plugin's configuration keys (PluginModule.configKeys). */
export const OPCUA_CONFIG_KEYS: readonly string[] = [...TOP_KEYS].map((k) => (MAP_KEYS.has(k) ? `${k}.*` : k));
const NODE_KEYS = new Set(['node_id', 'data_name', 'entity_id', 'display_name', 'unit', 'writable', 'min_value', 'max_value', 'alarm',
  'data_type', 'ros2_topic', 'status_bits', 'fault_enum', 'fault_enum_unmapped', 'status_word_width']);
const ALARM_KEYS = new Set(['fault_code', 'severity', 'threshold', 'above_threshold', 'message']);
const EVENT_KEYS = new Set(['alarm_source', 'entity_id', 'fault_code', 'severity_override', 'message', 'require_confirm_for_clear', 'require_ack_for_clear']);
/** Data names double as the last segment of `…/data/<name>` (a ROS-topic-like token, so triggers accept it). */
const DATA_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

type Raw = Record<string, unknown>;

function isMap(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function onlyKeys(obj: Raw, allowed: Set<string>, at: string): void {
  for (const k of Object.keys(obj)) if (!allowed.has(k)) throw new OpcuaConfigError(at ? `${at}.${k}` : k, 'unknown key');
}

function text(v: unknown, key: string, opts: { max?: number; optional?: boolean } = {}): string | undefined {
  if (v === undefined || v === null || v === '') {
    if (opts.optional) return undefined;
    throw new OpcuaConfigError(key, 'is required');
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new OpcuaConfigError(key, `must be a string, got ${Array.isArray(v) ? 'a list' : typeof v}`);
  const s = String(v);
  const max = opts.max ?? 256;
  if (s.length > max) throw new OpcuaConfigError(key, `is longer than ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new OpcuaConfigError(key, 'contains control characters');
  return s;
}

function oneOf<T extends string>(v: unknown, key: string, allowed: readonly T[], dflt: T): T {
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new OpcuaConfigError(key, `must be one of ${allowed.join(', ')}`);
}

function bool(v: unknown, key: string, dflt: boolean): boolean {
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new OpcuaConfigError(key, 'must be true or false');
}

/** A finite number; digits from flags or the environment are accepted, booleans are not (Number(true) is 1). */
function num(v: unknown, key: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new OpcuaConfigError(key, `must be a finite number, got '${String(v).slice(0, 40)}'`);
  return n;
}

function int(v: unknown, key: string, dflt: number, min: number, max: number): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = num(v, key);
  if (!Number.isInteger(n) || n < min || n > max) throw new OpcuaConfigError(key, `must be an integer ${min}–${max}`);
  return n;
}

function faultCode(v: unknown, key: string, codes: Set<string>): string {
  const code = text(v, key, { max: 128 })!;
  const bad = validateFaultCode(code);
  if (bad) throw new OpcuaConfigError(key, bad);
  if (codes.has(code)) throw new OpcuaConfigError(key, `fault code '${code}' is used twice (fault codes are global)`);
  codes.add(code);
  return code;
}

function entityId(v: unknown, key: string): string | undefined {
  const id = text(v, key, { optional: true });
  if (id !== undefined && !isValidEntityId(id)) throw new OpcuaConfigError(key, `'${id}' is not a valid entity id`);
  return id;
}

function endpoint(v: unknown): string {
  const url = text(v, 'endpoint_url', { max: 2048 })!;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OpcuaConfigError('endpoint_url', 'is not a URL (opc.tcp://host:port[/path])');
  }
  if (parsed.protocol !== 'opc.tcp:') throw new OpcuaConfigError('endpoint_url', `must use opc.tcp://, not ${parsed.protocol}//`);
  if (!parsed.hostname) throw new OpcuaConfigError('endpoint_url', 'has no host');
  if (parsed.username || parsed.password) throw new OpcuaConfigError('endpoint_url', 'must not carry credentials (use username / password_env)');
  if (parsed.port !== '' && (Number(parsed.port) < 1 || Number(parsed.port) > 65535)) throw new OpcuaConfigError('endpoint_url', 'port must be 1–65535');
  return url;
}

/** `value` or the environment variable named by `<key>_env` (never both). */
function secret(raw: Raw, key: 'username' | 'password', env: NodeJS.ProcessEnv): string | undefined {
  const direct = raw[key];
  const envKey = `${key}_env`;
  const envName = raw[envKey];
  if (direct !== undefined && envName !== undefined) throw new OpcuaConfigError(key, `set either ${key} or ${envKey}, not both`);
  if (envName !== undefined) {
    const name = text(envName, envKey, { max: 128 })!;
    if (!ENV_NAME.test(name)) throw new OpcuaConfigError(envKey, 'must be an environment variable name');
    const value = env[name];
    if (value === undefined || value === '') throw new OpcuaConfigError(envKey, `environment variable ${name} is not set`);
    return value;
  }
  if (direct === undefined || direct === null || direct === '') return undefined;
  if (typeof direct !== 'string') throw new OpcuaConfigError(key, 'must be a string');
  if (direct.length > 1024) throw new OpcuaConfigError(key, 'is longer than 1024 characters');
  return direct;
}

function nodeAlarm(v: unknown, at: string, codes: Set<string>): NodeAlarm {
  if (!isMap(v)) throw new OpcuaConfigError(at, 'must be a map {fault_code, threshold, …}');
  onlyKeys(v, ALARM_KEYS, at);
  if (v.threshold === undefined) throw new OpcuaConfigError(`${at}.threshold`, 'is required');
  return {
    fault_code: faultCode(v.fault_code, `${at}.fault_code`, codes),
    severity: oneOf(v.severity, `${at}.severity`, SEVERITIES, 'ERROR'),
    threshold: num(v.threshold, `${at}.threshold`),
    above_threshold: bool(v.above_threshold, `${at}.above_threshold`, true),
    message: text(v.message, `${at}.message`, { max: 512, optional: true }),
  };
}

function node(v: unknown, i: number, names: Set<string>, codes: Set<string>): NodeConfig {
  const at = `nodes[${i}]`;
  if (!isMap(v)) throw new OpcuaConfigError(at, 'must be a map {node_id, data_name, …}');
  onlyKeys(v, NODE_KEYS, at);
  const node_id = text(v.node_id, `${at}.node_id`, { max: 4096 })!;
  const problem = parseNodeId(node_id);
  if (problem) throw new OpcuaConfigError(`${at}.node_id`, problem);
  const data_name = text(v.data_name, `${at}.data_name`, { max: 64 })!;
  if (!DATA_NAME.test(data_name) || data_name.includes('__')) throw new OpcuaConfigError(`${at}.data_name`, `'${data_name}' must be a letter then letters, digits or single '_' (at most 64)`);
  if (names.has(data_name)) throw new OpcuaConfigError(`${at}.data_name`, `'${data_name}' is used twice`);
  names.add(data_name);
  const min_value = v.min_value === undefined ? undefined : num(v.min_value, `${at}.min_value`);
  const max_value = v.max_value === undefined ? undefined : num(v.max_value, `${at}.max_value`);
  if (min_value !== undefined && max_value !== undefined && min_value > max_value) throw new OpcuaConfigError(`${at}.min_value`, 'is above max_value');
  const entity_id = entityId(v.entity_id, `${at}.entity_id`);
  return {
    node_id,
    data_name,
    ...(entity_id !== undefined ? { entity_id } : {}),
    display_name: text(v.display_name, `${at}.display_name`, { optional: true }) ?? data_name,
    unit: text(v.unit, `${at}.unit`, { max: 32, optional: true }),
    writable: bool(v.writable, `${at}.writable`, false),
    ...(min_value !== undefined ? { min_value } : {}),
    ...(max_value !== undefined ? { max_value } : {}),
    ...(v.alarm !== undefined ? { alarm: nodeAlarm(v.alarm, `${at}.alarm`, codes) } : {}),
    ...nodeDataKeys(v, at, checks(codes)),
  };
}

/** The key checks data-keys.ts uses (one error type, one fault-code registry). */
function checks(codes: Set<string>): KeyChecks {
  return {
    fail: (key, problem) => {
      throw new OpcuaConfigError(key, problem);
    },
    faultCode: (v, key) => faultCode(v, key, codes),
    severity: (v, key) => oneOf(v, key, SEVERITIES, 'ERROR'),
    text: (v, key, max) => text(v, key, { max, optional: true }),
    onlyKeys,
    isMap,
    bool,
    num,
  };
}

function eventAlarm(v: unknown, i: number, codes: Set<string>, requireConfirm: boolean): EventAlarmConfig {
  const at = `event_alarms[${i}]`;
  if (!isMap(v)) throw new OpcuaConfigError(at, 'must be a map {alarm_source, fault_code, …}');
  onlyKeys(v, EVENT_KEYS, at);
  // Replaced, not aliased: its `false` cleared an inactive alarm at once, which the state machine no longer does.
  if (v.require_ack_for_clear !== undefined) {
    throw new OpcuaConfigError(`${at}.require_ack_for_clear`, 'was replaced by require_confirm_for_clear: an inactive alarm is now cleared once acknowledged, and also confirmed unless require_confirm_for_clear is false');
  }
  const alarm_source = text(v.alarm_source, `${at}.alarm_source`, { max: 4096 })!;
  const problem = parseNodeId(alarm_source);
  if (problem) throw new OpcuaConfigError(`${at}.alarm_source`, problem);
  const override = v.severity_override === undefined ? undefined : oneOf(v.severity_override, `${at}.severity_override`, SEVERITIES, 'ERROR');
  return {
    alarm_source,
    fault_code: faultCode(v.fault_code, `${at}.fault_code`, codes),
    ...(override ? { severity_override: override } : {}),
    message: text(v.message, `${at}.message`, { max: 512, optional: true }),
    ...(v.entity_id !== undefined ? { entity_id: entityId(v.entity_id, `${at}.entity_id`) } : {}),
    require_confirm_for_clear: bool(v.require_confirm_for_clear, `${at}.require_confirm_for_clear`, requireConfirm),
  };
}

function list(v: unknown, key: string, max: number): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OpcuaConfigError(key, 'must be a list');
  if (v.length > max) throw new OpcuaConfigError(key, `has ${v.length} entries; at most ${max} are allowed`);
  return v;
}

/** Reads the node map YAML (`area_id`, `component_id`, `component_name`, `nodes`, `event_alarms`), size-bounded. */
async function readNodeMap(path: string): Promise<Raw> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw new OpcuaConfigError('node_map_path', `cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (size > LIMITS.nodeMapBytes) throw new OpcuaConfigError('node_map_path', `'${path}' is larger than ${LIMITS.nodeMapBytes} bytes`);
  let doc: unknown;
  try {
    doc = parse(await readFile(path, 'utf8'), { maxAliasCount: 100 });
  } catch (err) {
    throw new OpcuaConfigError('node_map_path', `'${path}' is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isMap(doc)) throw new OpcuaConfigError('node_map_path', `'${path}' must be a YAML map`);
  onlyKeys(doc, NODE_MAP_KEYS, 'node_map_path');
  return doc;
}

/** Bounds of auto_browse (docs/opcua.md "auto_browse"): configurable below these hard caps. */
const BROWSE_CAPS = { depth: 10, variables: LIMITS.nodes } as const;

async function userCertificate(certPath: string, keyPath: string): Promise<UserCertificate> {
  try {
    return await loadUserCertificate(certPath, keyPath);
  } catch (err) {
    if (err instanceof UserCertificateError) throw new OpcuaConfigError(err.key, err.message);
    throw err;
  }
}

/** The X509 user token files, auto_browse and endpoint discovery keys. */
async function sourceOptions(src: Raw, mode: OpcuaConfig['user_auth_mode']): Promise<Pick<OpcuaConfig, 'x509' | 'auto_browse' | 'browse_root' | 'browse_max_depth' | 'browse_max_variables' | 'discovery_enabled'>> {
  const certPath = text(src.user_cert_path, 'user_cert_path', { max: 4096, optional: true });
  const keyPath = text(src.user_key_path, 'user_key_path', { max: 4096, optional: true });
  if (mode !== 'X509' && (certPath || keyPath)) throw new OpcuaConfigError(certPath ? 'user_cert_path' : 'user_key_path', `is set but user_auth_mode is ${mode}, not X509`);
  if (mode === 'X509' && !certPath) throw new OpcuaConfigError('user_cert_path', 'is required with user_auth_mode X509');
  if (mode === 'X509' && !keyPath) throw new OpcuaConfigError('user_key_path', 'is required with user_auth_mode X509');
  const discovery = src.discovery === undefined ? {} : src.discovery;
  if (!isMap(discovery)) throw new OpcuaConfigError('discovery', 'must be a map {enabled}');
  onlyKeys(discovery, new Set(['enabled']), 'discovery');
  const browse_root = text(src.browse_root, 'browse_root', { max: 4096, optional: true }) ?? 'i=85';
  const problem = parseNodeId(browse_root);
  if (problem) throw new OpcuaConfigError('browse_root', problem);
  return {
    ...(mode === 'X509' ? { x509: await userCertificate(certPath!, keyPath!) } : {}),
    auto_browse: bool(src.auto_browse, 'auto_browse', false),
    browse_root,
    browse_max_depth: int(src.browse_max_depth, 'browse_max_depth', 5, 1, BROWSE_CAPS.depth),
    browse_max_variables: int(src.browse_max_variables, 'browse_max_variables', 1000, 1, BROWSE_CAPS.variables),
    discovery_enabled: bool(discovery.enabled, 'discovery.enabled', false),
  };
}

/**
 * Checks the plugin's configuration (the `plugins.opcua.*` keys, plus the node map file they name) and
 * returns it typed. Throws OpcuaConfigError naming the first bad key.
 */
export async function parseOpcuaConfig(raw: Raw, env: NodeJS.ProcessEnv = process.env): Promise<OpcuaConfig> {
  if (!isMap(raw)) throw new OpcuaConfigError('', 'configuration must be a map');
  onlyKeys(raw, TOP_KEYS, '');
  const mapPath = text(raw.node_map_path, 'node_map_path', { max: 4096, optional: true });
  const fromFile = mapPath ? await readNodeMap(mapPath) : {};
  for (const k of NODE_MAP_KEYS) {
    if (fromFile[k] !== undefined && raw[k] !== undefined) throw new OpcuaConfigError(k, `is set both here and in node_map_path`);
  }
  const src: Raw = { ...raw, ...fromFile };

  const security_mode = oneOf(src.security_mode, 'security_mode', SECURITY_MODES, 'None');
  const security_policy = oneOf(src.security_policy, 'security_policy', SECURITY_POLICIES, 'None');
  if ((security_mode === 'None') !== (security_policy === 'None')) {
    throw new OpcuaConfigError('security_policy', `${security_policy} does not go with security_mode ${security_mode} (None goes only with None)`);
  }
  const user_auth_mode = oneOf(src.user_auth_mode, 'user_auth_mode', USER_AUTH_MODES, 'Anonymous');
  const username = secret(src, 'username', env);
  const password = secret(src, 'password', env);
  if (user_auth_mode === 'UsernamePassword' && (!username || password === undefined)) {
    throw new OpcuaConfigError('user_auth_mode', 'UsernamePassword needs username (or username_env) and password (or password_env)');
  }
  if (user_auth_mode !== 'UsernamePassword' && (username || password)) throw new OpcuaConfigError('user_auth_mode', `is ${user_auth_mode} but a username or password is set`);
  const sources = await sourceOptions(src, user_auth_mode);

  const reconnect = src.reconnect === undefined ? {} : src.reconnect;
  if (!isMap(reconnect)) throw new OpcuaConfigError('reconnect', 'must be a map {initial_delay_ms, max_delay_ms}');
  onlyKeys(reconnect, new Set(['initial_delay_ms', 'max_delay_ms']), 'reconnect');
  const initial = int(reconnect.initial_delay_ms, 'reconnect.initial_delay_ms', 500, 10, 60_000);
  const maxDelay = int(reconnect.max_delay_ms, 'reconnect.max_delay_ms', 30_000, 10, 600_000);
  if (maxDelay < initial) throw new OpcuaConfigError('reconnect.max_delay_ms', 'is below reconnect.initial_delay_ms');

  const codes = new Set<string>();
  const comms_lost_fault_code = faultCode(src.comms_lost_fault_code ?? 'PLC_COMMS_LOST', 'comms_lost_fault_code', codes);
  const names = new Set<string>();
  const nodes = list(src.nodes, 'nodes', LIMITS.nodes).map((n, i) => node(n, i, names, codes));
  const require_confirm_for_clear = bool(src.require_confirm_for_clear, 'require_confirm_for_clear', true);
  const event_alarms = list(src.event_alarms, 'event_alarms', LIMITS.eventAlarms).map((a, i) => eventAlarm(a, i, codes, require_confirm_for_clear));
  const auto_alarms = bool(src.auto_alarms, 'auto_alarms', false);
  if (nodes.length === 0 && event_alarms.length === 0 && !auto_alarms && !sources.auto_browse) {
    throw new OpcuaConfigError('nodes', 'no nodes, no event_alarms, no auto_alarms and no auto_browse: nothing to bridge');
  }

  const area_id = entityId(src.area_id, 'area_id');
  const component_id = entityId(src.component_id, 'component_id') ?? 'opcua_plc';
  // An App id must not name the component or the area: one id, one entity.
  nodes.forEach((n, i) => {
    if (n.entity_id !== undefined && (n.entity_id === component_id || n.entity_id === area_id)) {
      throw new OpcuaConfigError(`nodes[${i}].entity_id`, `'${n.entity_id}' is the ${n.entity_id === component_id ? 'component' : 'area'} id; an entity_id names an App`);
    }
  });
  // An event alarm's entity is one the plugin creates: an App of the node map, or the component.
  const apps = new Set(nodes.flatMap((n) => (n.entity_id ? [n.entity_id] : [])));
  event_alarms.forEach((a, i) => {
    if (a.entity_id !== undefined && a.entity_id !== component_id && !apps.has(a.entity_id)) {
      throw new OpcuaConfigError(`event_alarms[${i}].entity_id`, `'${a.entity_id}' is not an App of the node map (a nodes[].entity_id) nor the component`);
    }
  });
  return {
    endpoint_url: endpoint(src.endpoint_url),
    security_mode,
    security_policy,
    user_auth_mode,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    pki_dir: text(src.pki_dir, 'pki_dir', { max: 4096, optional: true }),
    client_cert_path: text(src.client_cert_path, 'client_cert_path', { max: 4096, optional: true }),
    client_key_path: text(src.client_key_path, 'client_key_path', { max: 4096, optional: true }),
    reject_untrusted: bool(src.reject_untrusted, 'reject_untrusted', true),
    ...(area_id ? { area_id } : {}),
    component_id,
    component_name: text(src.component_name, 'component_name', { optional: true }) ?? component_id,
    subscription_interval_ms: int(src.subscription_interval_ms, 'subscription_interval_ms', 500, 50, 60_000),
    request_timeout_ms: int(src.request_timeout_ms, 'request_timeout_ms', 3000, 100, 60_000),
    connect_timeout_ms: int(src.connect_timeout_ms, 'connect_timeout_ms', 5000, 100, 120_000),
    keepalive_interval_ms: int(src.keepalive_interval_ms, 'keepalive_interval_ms', 2000, 100, 60_000),
    keepalive_max_missed: int(src.keepalive_max_missed, 'keepalive_max_missed', 2, 1, 100),
    reconnect_initial_delay_ms: initial,
    reconnect_max_delay_ms: maxDelay,
    comms_lost_fault_enabled: bool(src.comms_lost_fault_enabled, 'comms_lost_fault_enabled', true),
    comms_lost_fault_code,
    comms_lost_debounce_ms: int(src.comms_lost_debounce_ms, 'comms_lost_debounce_ms', 5000, 0, 3_600_000),
    comms_lost_severity: oneOf(src.comms_lost_severity, 'comms_lost_severity', SEVERITIES, 'ERROR'),
    nodes,
    event_alarms,
    ...dataPathKeys(src, checks(codes)),
    auto_alarms,
    auto_alarms_max: int(src.auto_alarms_max, 'auto_alarms_max', 500, 1, LIMITS.autoAlarms),
    require_confirm_for_clear,
    condition_replay_strategy: oneOf(src.condition_replay_strategy, 'condition_replay_strategy', CONDITION_REPLAY_STRATEGIES, 'auto'),
    ...sources,
  };
}
