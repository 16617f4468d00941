// The syslog_export built-in plugin (docs/logs-export.md, "syslog"): log entries and fault events as RFC 5424
// messages with structured data, over UDP (one datagram each), TCP (octet counting, RFC 6587) or TLS (RFC 5425:
// the same octet-counted frames inside TLS, the server verified against tls.ca_file, a client certificate when
// configured), for rsyslog, syslog-ng and the SIEMs behind them. The queue is bounded in records; a dead or slow
// server drops, counted.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { hostname } from 'node:os';
import { PluginError, PLUGIN_API_VERSION, type LogProvider, type LogSeverity, type MedkitPlugin, type PluginConfig, type PluginContext, type PluginFaultEvent, type PluginLogEntry, type PluginModule, type PluginRoute } from '@medkit/plugin-api';
import { readPemFile } from './config.js';
import { faultEventName } from './records.js';
import { sdValue, syslogText } from './syslog-text.js';

export const SYSLOG_PLUGIN = 'syslog_export';

/** The SD-ID of medkit's structured data: 32473 is the enterprise number RFC 5612 reserves for examples and docs. */
export const SD_ID = 'medkit@32473';

const SEVERITY: Readonly<Record<LogSeverity, number>> = { debug: 7, info: 6, warning: 4, error: 3, fatal: 2 };
/** Fault severities 0..3 as syslog severities (informational, warning, error, critical); a heal or clear is notice. */
const FAULT_SEVERITY = [6, 4, 3, 2];
const RANK: Readonly<Record<LogSeverity, number>> = { debug: 0, info: 1, warning: 2, error: 3, fatal: 4 };

interface SyslogSettings {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  /** PEM material for `tls` (read at configure: a file that cannot be read stops the plugin). */
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; serverName?: string };
  facility: number;
  appName: string;
  minSeverity: LogSeverity;
  faults: boolean;
  maxQueue: number;
}

const TLS_KEYS = ['ca_file', 'cert_file', 'key_file', 'server_name'];

/** The keys the module declares; `tls.*` is a group whose keys {@link readSettings} checks. */
export const SYSLOG_CONFIG_KEYS: readonly string[] = ['host', 'port', 'transport', 'facility', 'app_name', 'min_severity', 'faults', 'max_queue', 'tls.*'];

function bad(key: string, why: string): never {
  throw new PluginError('invalid-parameter', `plugins.${SYSLOG_PLUGIN}.${key}: ${why}`, 400);
}

function readTls(c: PluginConfig, transport: SyslogSettings['transport']): SyslogSettings['tls'] {
  if (c.tls === undefined) return {};
  if (typeof c.tls !== 'object' || c.tls === null || Array.isArray(c.tls)) bad('tls', `a group of ${TLS_KEYS.join(', ')}`);
  const t = c.tls as Record<string, unknown>;
  for (const k of Object.keys(t)) if (!TLS_KEYS.includes(k)) bad(`tls.${k}`, `unknown key (the group tls has ${TLS_KEYS.join(', ')})`);
  if (transport !== 'tls') bad('tls', `set for transport ${transport}: tls.* is for transport tls`);
  if (Boolean(t.cert_file) !== Boolean(t.key_file)) bad('tls.cert_file', 'tls.cert_file and tls.key_file go together');
  if (t.server_name !== undefined && typeof t.server_name !== 'string') bad('tls.server_name', 'a host name');
  const pem = (k: string) => readPemFile(SYSLOG_PLUGIN, `tls.${k}`, t[k]);
  return { ca: pem('ca_file'), cert: pem('cert_file'), key: pem('key_file'), ...(t.server_name ? { serverName: t.server_name as string } : {}) };
}

function readSettings(c: PluginConfig): SyslogSettings {
  const transport = c.transport ?? 'udp';
  if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls') bad('transport', 'udp, tcp or tls');
  const port = c.port ?? (transport === 'tls' ? 6514 : 514);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) bad('port', 'a port number');
  const facility = c.facility ?? 16;
  if (typeof facility !== 'number' || !Number.isInteger(facility) || facility < 0 || facility > 23) bad('facility', 'a facility number 0..23 (16 = local0)');
  const minSeverity = (c.min_severity ?? 'info') as LogSeverity;
  if (!(minSeverity in RANK)) bad('min_severity', 'debug, info, warning, error or fatal');
  const maxQueue = c.max_queue ?? 1000;
  if (typeof maxQueue !== 'number' || !Number.isInteger(maxQueue) || maxQueue < 1) bad('max_queue', 'a positive integer');
  const appName = String(c.app_name ?? 'medkit');
  if (!/^[!-~]{1,48}$/.test(appName)) bad('app_name', '1 to 48 printable ASCII characters, no space');
  if (c.faults !== undefined && typeof c.faults !== 'boolean') bad('faults', 'true or false');
  return { host: String(c.host ?? '127.0.0.1'), port, transport, tls: readTls(c, transport), facility, appName, minSeverity, faults: c.faults !== false, maxQueue };
}

/**
 * One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`. The header fields are printable
 * ASCII by construction; SD values and MSG are escaped (syslog-text.ts), so no text can start another record.
 */
export function formatRfc5424(o: { facility: number; severity: number; timestamp: string; host: string; appName: string; msgId: string; params: Record<string, string | number>; message: string }): string {
  const sd = Object.entries(o.params).map(([k, v]) => ` ${k}="${sdValue(String(v))}"`).join('');
  const host = o.host.replace(/[^!-~]/g, '').slice(0, 255) || '-';
  return `<${o.facility * 8 + o.severity}>1 ${o.timestamp} ${host} ${o.appName} ${process.pid} ${o.msgId} [${SD_ID}${sd}] ${syslogText(o.message)}`;
}

export class SyslogExportPlugin implements MedkitPlugin, LogProvider {
  private s?: SyslogSettings;
  private udp?: UdpSocket;
  private tcp?: Socket;
  private connected = false;
  private queue: Buffer[] = [];
  private retryMs = 500;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private offFaults?: () => void;
  readonly counters = { sent: 0, dropped_queue_full: 0, dropped_send_failed: 0 };
  private lastError?: string;

  name(): string {
    return SYSLOG_PLUGIN;
  }

  configure(config: PluginConfig): void {
    this.s = readSettings(config);
  }

  setContext(ctx: PluginContext): void {
    const s = this.s!;
    if (s.transport === 'udp') {
      this.udp = createSocket(s.host.includes(':') ? 'udp6' : 'udp4');
      this.udp.on('error', (err) => (this.lastError = err.message));
      this.udp.unref();
    } else this.connect();
    if (s.faults) this.offFaults = ctx.subscribeFaultEvents?.((e) => this.send(this.faultMessage(e)));
    ctx.reportWarnings?.(() => (this.lastError && !this.connected && s.transport !== 'udp' ? [{ code: 'server_unreachable', message: `syslog ${s.host}:${s.port}: ${this.lastError}; ${this.queue.length} messages queued` }] : []));
  }

  private connect(): void {
    const s = this.s!;
    if (this.closed) return;
    // TLS (RFC 5425): the server's certificate is verified (against tls.ca_file when set, else the system's CAs) and
    // must name the host (or tls.server_name); a handshake that fails closes the socket and is retried like TCP.
    const tls = s.tls;
    const sock = s.transport === 'tls'
      ? connectTls({ host: s.host, port: s.port, ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName ?? (/^[\d.:]+$/.test(s.host) ? undefined : s.host) })
      : connect({ host: s.host, port: s.port });
    this.tcp = sock;
    sock.on(s.transport === 'tls' ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      this.retryMs = 500;
      this.flush();
    });
    sock.on('error', (err) => (this.lastError = err.message));
    sock.on('close', () => {
      this.connected = false;
      if (this.closed) return;
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.timer.unref();
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    });
  }

  private flush(): void {
    while (this.connected && this.queue.length > 0 && this.tcp && !this.tcp.writableNeedDrain) {
      const m = this.queue.shift()!;
      this.tcp.write(Buffer.concat([Buffer.from(`${m.length} `), m]));
      this.counters.sent++;
    }
    if (this.tcp?.writableNeedDrain) this.tcp.once('drain', () => this.flush());
  }

  private send(line: string): void {
    const s = this.s!;
    const m = Buffer.from(line, 'utf8');
    if (s.transport === 'udp') {
      this.udp?.send(m, s.port, s.host, (err) => {
        if (err) {
          this.counters.dropped_send_failed++;
          this.lastError = err.message;
        } else this.counters.sent++;
      });
      return;
    }
    if (this.queue.length >= s.maxQueue) {
      this.counters.dropped_queue_full++;
      return;
    }
    this.queue.push(m);
    this.flush();
  }

  private faultMessage(e: PluginFaultEvent): string {
    const s = this.s!;
    const f = e.fault;
    const name = faultEventName(e);
    return formatRfc5424({
      facility: s.facility,
      severity: e.event_type === 'fault_cleared' ? 5 : (FAULT_SEVERITY[f.severity] ?? 3),
      timestamp: e.timestamp,
      host: hostname(),
      appName: s.appName,
      msgId: name.slice('medkit.'.length),
      params: { event: name, fault_code: f.fault_code, severity: f.severity_label, status: f.status, occurrence_count: f.occurrence_count, ...(e.entity ? { entity_id: e.entity.id } : {}), path: e.path },
      message: `fault ${f.fault_code} ${name.slice('medkit.fault.'.length)}${f.description ? `: ${f.description}` : ''}`,
    });
  }

  onLogEntry(entry: PluginLogEntry): boolean {
    const s = this.s;
    if (!s || RANK[entry.severity] < RANK[s.minSeverity]) return false;
    this.send(formatRfc5424({
      facility: s.facility,
      severity: SEVERITY[entry.severity],
      timestamp: entry.timestamp,
      host: hostname(),
      appName: s.appName,
      msgId: 'log',
      params: { node: entry.source, logger: entry.logger, ...(entry.file ? { file: entry.file, line: entry.line ?? 0 } : {}), ...(entry.function ? { function: entry.function } : {}) },
      message: entry.message,
    }));
    return false;
  }

  getRoutes(): PluginRoute[] {
    return [{ method: 'GET', pattern: 'x-medkit-syslog', handler: (_q, res) => res.sendJson({ ...this.counters, queued: this.queue.length, connected: this.s?.transport === 'udp' || this.connected, ...(this.lastError ? { last_error: this.lastError } : {}) }) }];
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    this.offFaults?.();
    clearTimeout(this.timer);
    this.udp?.close();
    if (this.tcp) {
      const sock = this.tcp;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => (sock.destroy(), resolve()), 1000);
        sock.end(() => (clearTimeout(t), resolve()));
      });
    }
  }
}

export function syslogExportModule(): PluginModule {
  return {
    pluginApiVersion: PLUGIN_API_VERSION,
    createPlugin: () => new SyslogExportPlugin(),
    getLogProvider: (p: MedkitPlugin) => p as SyslogExportPlugin,
    configKeys: SYSLOG_CONFIG_KEYS,
  };
}
