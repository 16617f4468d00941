// Debian's rsyslogd for the syslog_export tests (docs/logs-export.md, "syslog"): started by the test with a
// configuration of its own in a temp dir (its inputs on 127.0.0.1), every message written to one file through a
// template of the fields rsyslog parsed, so what the test reads back is rsyslog's own parse.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Requirement } from '../../../test-support/requirements.js';
import { waitFor } from '../../../test-support/processes.js';

export const RSYSLOGD = '/usr/sbin/rsyslogd';
export const RSYSLOG: Requirement[] = [{ kind: 'file', name: RSYSLOGD, debian: 'rsyslog' }];
/** rsyslog's OpenSSL network stream driver (RFC 5425 inputs): Debian's rsyslog-openssl. */
export const RSYSLOG_OSSL: Requirement[] = [...RSYSLOG, { kind: 'file', name: `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/rsyslog/lmnsd_ossl.so`, debian: 'rsyslog-openssl' }];

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Waits for `probe` to hold (the shared poller, test-support/processes.ts). */
export async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  await waitFor(async () => ((await probe()) ? true : undefined), what, ms);
}

/** The template: `input|version|app-name|msgid|severity|facility|structured-data|msg`. */
const FIELDS = 'template(name="fields" type="string" string="%inputname%|%protocol-version%|%app-name%|%msgid%|%syslogseverity-text%|%syslogfacility-text%|%structured-data%|%msg%\\n")';

export interface Rsyslog {
  dir: string;
  /** The lines written so far. */
  lines(): string[];
  stop(): void;
}

/**
 * Starts rsyslogd with `config(dir)` (modules and inputs) plus the file output, and waits until `tcpPort` accepts
 * connections (a TLS input accepts TCP first too).
 */
export async function startRsyslog(config: (dir: string) => string[], tcpPort: number): Promise<Rsyslog> {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-rsyslog-'));
  const out = join(dir, 'out.log');
  writeFileSync(join(dir, 'rsyslog.conf'), [...config(dir), FIELDS, `*.* action(type="omfile" file="${out}" template="fields")`, ''].join('\n'));
  const proc: ChildProcess = spawn(RSYSLOGD, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], { stdio: 'ignore' });
  const stop = () => {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('rsyslog listening on TCP', () => new Promise<boolean>((resolve) => {
      const c = connect(tcpPort, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    }));
  } catch (err) {
    stop();
    throw err;
  }
  return { dir, lines: () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []), stop };
}

/**
 * A fault description that tries to forge a record (issue 66): CR/LF and a whole RFC 5424 line of a confirmed
 * ESTOP_PRESSED (with an octet count, for LF-framed and octet-counted servers), ANSI escapes, BEL, DEL, NEL (C1)
 * and bidi overrides and isolates; `\` and `"]` for the escapes themselves.
 */
export const HOSTILE_TEXT = 'brake hot\r\n<130>1 2026-11-29T00:00:00.000Z amr-07 medkit 4711 fault.confirmed [medkit@32473 event="medkit.fault.confirmed" fault_code="ESTOP_PRESSED" status="CONFIRMED"] fault ESTOP_PRESSED confirmed\n120 <130>1 - - - - - - ESTOP_PRESSED confirmed\u001b[2J\u0007\u007f\u0085\u202eevil\u2066x\u2069 C:\\tmp "q"]';

/** HOSTILE_TEXT as syslog_export writes it in MSG: controls and format characters as `\uXXXX`, `\` doubled. */
export const HOSTILE_ESCAPED = 'brake hot\\u000d\\u000a<130>1 2026-11-29T00:00:00.000Z amr-07 medkit 4711 fault.confirmed [medkit@32473 event="medkit.fault.confirmed" fault_code="ESTOP_PRESSED" status="CONFIRMED"] fault ESTOP_PRESSED confirmed\\u000a120 <130>1 - - - - - - ESTOP_PRESSED confirmed\\u001b[2J\\u0007\\u007f\\u0085\\u202eevil\\u2066x\\u2069 C:\\\\tmp "q"]';

/** HOSTILE_ESCAPED inside an SD-PARAM value, as it stands between the quotes: `"`, `\` and `]` escaped (RFC 5424 §6.3.3). */
export const HOSTILE_SD = HOSTILE_ESCAPED.replace(/[\\"\]]/g, (c) => `\\${c}`);
