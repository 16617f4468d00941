// The otlp_export plugin's configuration (docs/logs-export.md): `plugins.otlp_export.*`, checked here so a wrong
// value stops the plugin at configure() with a message naming the key, never a silent default.
import { readFileSync } from 'node:fs';
import { PluginError, type LogSeverity, type PluginConfig } from '@medkit/plugin-api';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface OtlpEndpoint {
  /** The logs URL, e.g. `http://collector:4318/v1/logs` (no path is added). */
  url: string;
  protocol: OtlpProtocol;
  /** Sent with every request (API keys, tenant ids). */
  headers: Record<string, string>;
  /** Where the gateway's metrics go with `metrics.enabled`: `metrics_url`, else `url` with `/v1/logs` made `/v1/metrics`. */
  metricsUrl?: string;
}

/** Whose TLS client settings an `https:` endpoint starts from (the plugin's own `tls.*` files override them). */
export type TlsInherit = 'auto' | 'fleet.nats' | 'aggregation' | 'none';

export interface OtlpSettings {
  endpoints: OtlpEndpoint[];
  /** PEM material for `https:` endpoints (`tls.ca_file`, `tls.cert_file` + `tls.key_file`), and whose settings fill the rest. */
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; inherit: TlsInherit };
  logs: { enabled: boolean; minSeverity: LogSeverity };
  faults: { enabled: boolean };
  /** Per endpoint: records (and estimated bytes) accepted and not yet delivered or given up, in-flight included. */
  queue: { maxRecords: number; maxBytes: number };
  batch: { maxRecords: number; delayMs: number };
  export: { timeoutMs: number; concurrency: number };
  resource: { robotId?: string; fleetId?: string; attributes: Record<string, string> };
  /** Base URL prefixed to a fault's detail path in `medkit.fault.url` (empty: the path alone). */
  publicUrl: string;
  /** Fault events kept in a SQLite file until each endpoint's collector acknowledged them (off by default); file '' = in the plugin's data dir. */
  outbox: { enabled: boolean; file: string; maxRecords: number; maxBytes: number };
  /** The gateway's /metrics sent to each endpoint's metrics URL every intervalMs (off by default). */
  metrics: { enabled: boolean; intervalMs: number; timeoutMs: number };
}

/** The groups of keys and what each holds; the plugin checks the keys inside a group itself. */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  tls: ['ca_file', 'cert_file', 'key_file', 'inherit'],
  logs: ['enabled', 'min_severity'],
  faults: ['enabled'],
  queue: ['max_records', 'max_bytes'],
  batch: ['max_records', 'delay_ms'],
  export: ['timeout_ms', 'concurrency'],
  resource: ['robot_id', 'fleet_id', 'attributes'],
  outbox: ['enabled', 'file', 'max_records', 'max_bytes'],
  metrics: ['enabled', 'interval_ms', 'timeout_ms', 'url'],
};

const INHERIT: readonly TlsInherit[] = ['auto', 'fleet.nats', 'aggregation', 'none'];

/**
 * The keys the module declares (docs/plugins.md, "Declare your keys"): a group (`queue.*`) is declared whole and
 * its keys are checked by {@link readOtlpSettings}, so `queue.max_record` is refused all the same.
 */
export const OTLP_CONFIG_KEYS: readonly string[] = ['url', 'endpoints', 'protocol', 'public_url', 'headers.*', ...Object.keys(GROUPS).map((g) => `${g}.*`)];

const SEVERITIES: readonly LogSeverity[] = ['debug', 'info', 'warning', 'error', 'fatal'];

function bad(key: string, why: string): never {
  throw new PluginError('invalid-parameter', `plugins.otlp_export.${key}: ${why}`, 400);
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function int(c: Record<string, unknown>, group: string, key: string, dflt: number, min: number, max: number): number {
  const v = c[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(`${group}.${key}`, `an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return v;
}

function bool(v: unknown, key: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') bad(key, `true or false (got ${JSON.stringify(v)})`);
  return v;
}

/** A map of strings; nested groups (dotted keys arrive nested: `deployment.environment`) are joined with dots again. */
function strings(v: unknown, key: string, out: Record<string, string> = {}, prefix = ''): Record<string, string> {
  for (const [k, x] of Object.entries(obj(v))) {
    if (typeof x === 'object' && x !== null && !Array.isArray(x)) strings(x, `${key}.${k}`, out, `${prefix}${k}.`);
    else if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[`${prefix}${k}`] = String(x);
    else bad(`${key}.${k}`, 'a string');
  }
  return out;
}

function httpUrl(url: unknown, key: string, what: string): string {
  if (typeof url !== 'string' || !/^https?:\/\/[^/]/.test(url)) bad(key, `an http:// or https:// URL of the OTLP ${what} endpoint (got ${JSON.stringify(url)})`);
  try {
    new URL(url);
  } catch {
    bad(key, `not a URL: ${url}`);
  }
  return url;
}

/** `metrics`: metrics.enabled, and the top-level `metrics.url` for the endpoint of `url`. */
function endpoint(v: unknown, key: string, protocol: OtlpProtocol, headers: Record<string, string>, metrics: { enabled: boolean; url?: unknown }): OtlpEndpoint {
  const e = typeof v === 'string' ? { url: v } : obj(v);
  const url = httpUrl(e.url, key, 'logs');
  const p = e.protocol ?? protocol;
  if (p !== 'http/protobuf' && p !== 'http/json') bad(`${key}.protocol`, `http/protobuf or http/json (got ${JSON.stringify(p)})`);
  const out: OtlpEndpoint = { url, protocol: p, headers: { ...headers, ...strings(e.headers, `${key}.headers`) } };
  if (!metrics.enabled) return out;
  // The collector's metrics path beside its logs path (OTLP/HTTP's default paths), unless given.
  const mkey = key === 'url' ? 'metrics.url' : `${key}.metrics_url`;
  const given = key === 'url' ? metrics.url : e.metrics_url;
  if (given !== undefined && given !== '') out.metricsUrl = httpUrl(given, mkey, 'metrics');
  else if (/\/v1\/logs\/?$/.test(url)) out.metricsUrl = url.replace(/\/v1\/logs(\/?)$/, '/v1/metrics$1');
  else bad(mkey, `required with metrics.enabled when ${key} does not end in /v1/logs: the collector's OTLP metrics URL, e.g. http://collector:4318/v1/metrics`);
  return out;
}

/**
 * A PEM file of a plugin's `tls.*` keys, read now (at configure): a file that cannot be read stops the plugin with
 * the key and the file named, so it never falls back to sending in the clear or unverified. Empty: not set.
 */
export function readPemFile(plugin: string, key: string, file: unknown): Buffer | undefined {
  if (file === undefined || file === '') return undefined;
  if (typeof file !== 'string') throw new PluginError('invalid-parameter', `plugins.${plugin}.${key}: a file path`, 400);
  try {
    return readFileSync(file);
  } catch (err) {
    throw new PluginError('invalid-parameter', `plugins.${plugin}.${key}: cannot read ${file}: ${(err as Error).message}`, 400);
  }
}

const pem = (key: string, file: unknown) => readPemFile('otlp_export', key, file);

/** Reads and checks the plugin's configuration (dotted keys arrive nested). */
export function readOtlpSettings(c: PluginConfig): OtlpSettings {
  for (const [group, keys] of Object.entries(GROUPS)) {
    if (c[group] === undefined) continue;
    if (typeof c[group] !== 'object' || c[group] === null || Array.isArray(c[group])) bad(group, `a group of ${keys.join(', ')}`);
    for (const k of Object.keys(c[group] as object)) if (!keys.includes(k)) bad(`${group}.${k}`, `unknown key (the group ${group} has ${keys.join(', ')})`);
  }
  const logs = obj(c.logs);
  const faults = obj(c.faults);
  const queue = obj(c.queue);
  const batch = obj(c.batch);
  const exp = obj(c.export);
  const resource = obj(c.resource);
  const tls = obj(c.tls);
  const protocol = (c.protocol ?? 'http/protobuf') as OtlpProtocol;
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') bad('protocol', `http/protobuf or http/json (got ${JSON.stringify(protocol)})`);
  const headers = strings(c.headers, 'headers');
  const metrics = obj(c.metrics);
  const metricsOn = bool(metrics.enabled, 'metrics.enabled', false);
  const endpoints: OtlpEndpoint[] = [];
  if (c.url !== undefined) endpoints.push(endpoint(c.url, 'url', protocol, headers, { enabled: metricsOn, url: metrics.url }));
  if (c.endpoints !== undefined) {
    if (!Array.isArray(c.endpoints)) bad('endpoints', 'a list of {url, protocol?, headers?, metrics_url?}');
    c.endpoints.forEach((e, i) => endpoints.push(endpoint(e, `endpoints[${i}]`, protocol, headers, { enabled: metricsOn })));
  }
  if (endpoints.length === 0) bad('url', 'set url (or endpoints): where to send the records, e.g. http://127.0.0.1:4318/v1/logs');
  const minSeverity = (logs.min_severity ?? 'info') as LogSeverity;
  if (!SEVERITIES.includes(minSeverity)) bad('logs.min_severity', `one of ${SEVERITIES.join(', ')}`);
  const certFile = tls.cert_file;
  const keyFile = tls.key_file;
  if (Boolean(certFile) !== Boolean(keyFile)) bad('tls.cert_file', 'tls.cert_file and tls.key_file go together');
  const maxRecords = int(queue, 'queue', 'max_records', 2048, 1, 1_000_000);
  const text = (v: unknown, key: string): string | undefined => {
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') bad(key, 'a string');
    return String(v);
  };
  const publicUrl = text(c.public_url, 'public_url') ?? '';
  const outbox = obj(c.outbox);
  const outboxOn = bool(outbox.enabled, 'outbox.enabled', false);
  const outboxFile = text(outbox.file, 'outbox.file') ?? '';
  const inherit = (tls.inherit ?? 'auto') as TlsInherit;
  if (!INHERIT.includes(inherit)) bad('tls.inherit', `one of ${INHERIT.join(', ')} (got ${JSON.stringify(tls.inherit)})`);
  const intervalMs = int(metrics, 'metrics', 'interval_ms', 30_000, 1000, 3_600_000);
  return {
    endpoints,
    tls: { ca: pem('tls.ca_file', tls.ca_file), cert: pem('tls.cert_file', certFile), key: pem('tls.key_file', keyFile), inherit },
    logs: { enabled: bool(logs.enabled, 'logs.enabled', true), minSeverity },
    faults: { enabled: bool(faults.enabled, 'faults.enabled', true) },
    queue: { maxRecords, maxBytes: int(queue, 'queue', 'max_bytes', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024) },
    batch: { maxRecords: Math.min(int(batch, 'batch', 'max_records', 512, 1, 100_000), maxRecords), delayMs: int(batch, 'batch', 'delay_ms', 1000, 10, 600_000) },
    export: { timeoutMs: int(exp, 'export', 'timeout_ms', 10_000, 100, 600_000), concurrency: int(exp, 'export', 'concurrency', 2, 1, 64) },
    resource: { robotId: text(resource.robot_id, 'resource.robot_id'), fleetId: text(resource.fleet_id, 'resource.fleet_id'), attributes: strings(resource.attributes, 'resource.attributes') },
    publicUrl: publicUrl.replace(/\/+$/, ''),
    outbox: { enabled: outboxOn, file: outboxFile, maxRecords: int(outbox, 'outbox', 'max_records', 10_000, 1, 10_000_000), maxBytes: int(outbox, 'outbox', 'max_bytes', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024) },
    // An export never outlives its interval: at most one is in flight per endpoint.
    metrics: { enabled: metricsOn, intervalMs, timeoutMs: Math.min(int(metrics, 'metrics', 'timeout_ms', 10_000, 100, 600_000), intervalMs) },
  };
}
