// syslog_export over TLS (RFC 5425) against Debian's rsyslog with its OpenSSL stream driver (rsyslog-openssl): the
// test makes its own CA with openssl, rsyslogd's TLS input presents a server certificate from it and accepts only
// clients with a certificate from it (x509/certvalid); the plugin trusts that CA through tls.ca_file and presents
// tls.cert_file. A /rosout line and a fault event arrive octet-counted inside TLS, parsed by rsyslog. Without the CA
// the plugin refuses the server (nothing sent, said on /health); a CA file that cannot be read stops the plugin at
// start-up (fail closed: never in the clear). A description built to forge a second record stays one record.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAULTS_SERVICE, LOGS_SERVICE } from '@medkit/gateway';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { describeWith } from '../../../test-support/requirements.js';
import { freePort, HOSTILE_ESCAPED, HOSTILE_TEXT, RSYSLOG_OSSL, startRsyslog, until, type Rsyslog } from './rsyslog.js';
import { makeTestPki, type TestPki } from './test-pki.js';

interface SyslogStatus {
  sent: number;
  queued: number;
  connected: boolean;
  last_error?: string;
}

async function syslogGateway(config: Record<string, unknown>): Promise<TestGateway> {
  const flags: Record<string, unknown> = { plugins: ['syslog_export'], 'plugins.syslog_export.transport': 'tls' };
  for (const [k, v] of Object.entries(config)) flags[`plugins.syslog_export.${k}`] = v;
  return startTestGateway({ defaults: true, flags: flags as never });
}

async function warnings(gw: TestGateway): Promise<{ code: string; message: string }[]> {
  return (((await (await fetch(`${gw.url}/api/v1/health`)).json()) as { warnings?: { code: string; message: string }[] }).warnings ?? []);
}

describeWith(RSYSLOG_OSSL, 'syslog_export over TLS against rsyslog (ossl)', () => {
  let pki: TestPki;
  let rsyslog: Rsyslog;
  let port: number;

  beforeAll(async () => {
    pki = makeTestPki('amr-07');
    port = await freePort();
    rsyslog = await startRsyslog((dir) => [
      `global(workDirectory="${dir}" DefaultNetstreamDriver="ossl" DefaultNetstreamDriverCAFile="${pki.caFile}" DefaultNetstreamDriverCertFile="${pki.serverCert}" DefaultNetstreamDriverKeyFile="${pki.serverKey}")`,
      'module(load="imtcp" StreamDriver.Name="ossl" StreamDriver.Mode="1" StreamDriver.AuthMode="x509/certvalid")',
      `input(type="imtcp" address="127.0.0.1" port="${port}")`,
    ], port);
  });

  afterAll(() => {
    rsyslog?.stop();
    pki?.remove();
  });

  it('a /rosout line and a fault event arrive as RFC 5424 inside TLS, the client certificate accepted', async () => {
    const gw = await syslogGateway({ port, app_name: 'medkit-tls', 'tls.ca_file': pki.caFile, 'tls.cert_file': pki.clientCert, 'tls.key_file': pki.clientKey });
    try {
      gw.gateway.ctx.services.get(LOGS_SERVICE).ingestRosout({ stamp: { sec: 1_790_000_000, nanosec: 0 }, level: 40, name: 'demo.lidar', msg: 'scan timeout "front" [tls]', file: 'lidar.cpp', function: 'on_scan', line: 7, node: '/demo/lidar' });
      gw.gateway.ctx.services.get(FAULTS_SERVICE).report({ fault_code: 'LIDAR_TIMEOUT_TLS', event_type: 0, severity: 3, description: 'no scan for 2 s', source_id: '/demo/lidar' });
      // A description forging a second record (issue 66) arrives as one record, escaped, inside TLS too.
      gw.gateway.ctx.services.get(FAULTS_SERVICE).report({ fault_code: 'BRAKE_HOT_TLS', event_type: 0, severity: 3, description: HOSTILE_TEXT, source_id: '/demo/brake' });
      const mine = () => rsyslog.lines().filter((l) => l.includes('|medkit-tls|'));
      await until('the three messages over TLS', () => mine().length >= 3, 15_000);
      expect(mine()).toHaveLength(3);
      expect(rsyslog.lines().filter((l) => l.includes('ESTOP_PRESSED') && !l.includes('|medkit-tls|'))).toEqual([]);
      expect(mine().find((l) => l.includes('BRAKE_HOT_TLS'))!.split('|').slice(7).join('|').trim()).toBe(`fault BRAKE_HOT_TLS confirmed: ${HOSTILE_ESCAPED}`);
      const log = mine().find((l) => l.includes('|log|'))!.split('|');
      expect(log.slice(0, 2)).toEqual(['imtcp', '1']);
      expect([log[4], log[5]]).toEqual(['err', 'local0']);
      expect(log[6]).toBe('[medkit@32473 node="/demo/lidar" logger="demo.lidar" file="lidar.cpp" line="7" function="on_scan"]');
      expect(log[7].trim()).toBe('scan timeout "front" [tls]');
      const fault = mine().find((l) => l.includes('|fault.confirmed|'))!.split('|');
      expect(fault[4]).toBe('crit');
      expect(fault[6]).toContain('fault_code="LIDAR_TIMEOUT_TLS"');
      const st = (await (await fetch(`${gw.url}/api/v1/x-medkit-syslog`)).json()) as SyslogStatus;
      expect(st).toMatchObject({ connected: true, queued: 0 });
      expect(st.sent).toBeGreaterThanOrEqual(2);
    } finally {
      await gw.close();
    }
  });

  it('without tls.ca_file the server is not trusted: nothing is sent, the messages wait (bounded) and /health says why', async () => {
    const gw = await syslogGateway({ port, app_name: 'medkit-untrusted', max_queue: 5 });
    try {
      for (let i = 0; i < 8; i++) gw.gateway.ctx.services.get(LOGS_SERVICE).ingestRosout({ stamp: { sec: 1_790_000_000 + i, nanosec: 0 }, level: 40, name: 'demo.lidar', msg: `untrusted ${i}`, file: 'lidar.cpp', function: 'on_scan', line: 7, node: '/demo/lidar' });
      let st: SyslogStatus | undefined;
      await until('the handshake refused', async () => {
        st = (await (await fetch(`${gw.url}/api/v1/x-medkit-syslog`)).json()) as SyslogStatus;
        return st.last_error !== undefined;
      }, 15_000);
      expect(st).toMatchObject({ sent: 0, connected: false, queued: 5, dropped_queue_full: 3 });
      expect(st!.last_error).toMatch(/certificate/i);
      const w = (await warnings(gw)).find((x) => x.code === 'syslog_export.server_unreachable');
      expect(w?.message).toMatch(/certificate/i);
      expect(rsyslog.lines().filter((l) => l.includes('|medkit-untrusted|'))).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('a CA file that cannot be read stops the plugin at start-up, named on /health', async () => {
    const gw = await syslogGateway({ port, 'tls.ca_file': `${pki.dir}/missing-ca.pem` });
    try {
      const w = (await warnings(gw)).find((x) => x.code === 'plugin_disabled');
      expect(w?.message).toContain('plugins.syslog_export.tls.ca_file: cannot read');
      expect((await fetch(`${gw.url}/api/v1/x-medkit-syslog`)).status).not.toBe(200);
    } finally {
      await gw.close();
    }
  });
});
