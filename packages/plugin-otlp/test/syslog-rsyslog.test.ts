// The syslog_export built-in plugin against Debian's rsyslog (docs/logs-export.md, "syslog"): the test starts
// rsyslogd with a configuration of its own in a temp dir (UDP and TCP inputs on 127.0.0.1, one file out), a real
// gateway sends a /rosout line and a fault event over each transport, and rsyslog's own parse of the RFC 5424
// messages (version, app name, MSGID, severity, structured data, message) is what the test reads back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAULTS_SERVICE, LOGS_SERVICE } from '@medkit/gateway';
import { startTestGateway } from '../../../test-support/gateway/gateway.js';
import { describeWith } from '../../../test-support/requirements.js';
import { freePort, RSYSLOG, startRsyslog, until, type Rsyslog } from './rsyslog.js';

describeWith(RSYSLOG, 'syslog_export against rsyslog', () => {
  let rsyslog: Rsyslog;
  let udpPort: number;
  let tcpPort: number;

  beforeAll(async () => {
    udpPort = await freePort();
    tcpPort = await freePort();
    rsyslog = await startRsyslog((dir) => [
      `global(workDirectory="${dir}")`,
      'module(load="imudp")',
      'module(load="imtcp")',
      `input(type="imudp" address="127.0.0.1" port="${udpPort}")`,
      `input(type="imtcp" address="127.0.0.1" port="${tcpPort}")`,
    ], tcpPort);
  });

  afterAll(() => rsyslog?.stop());

  it.each(['udp', 'tcp'] as const)('over %s: a /rosout line and a fault event arrive as RFC 5424 with structured data', async (transport) => {
    const port = transport === 'udp' ? udpPort : tcpPort;
    const gw = await startTestGateway({ defaults: true, flags: { plugins: ['syslog_export'], 'plugins.syslog_export.port': port, 'plugins.syslog_export.transport': transport, 'plugins.syslog_export.app_name': `medkit-${transport}` } as never });
    try {
      gw.gateway.ctx.services.get(LOGS_SERVICE).ingestRosout({ stamp: { sec: 1_790_000_000, nanosec: 0 }, level: 40, name: 'demo.lidar', msg: `scan timeout "front" [${transport}]`, file: 'lidar.cpp', function: 'on_scan', line: 7, node: '/demo/lidar' });
      gw.gateway.ctx.services.get(FAULTS_SERVICE).report({ fault_code: `LIDAR_TIMEOUT_${transport.toUpperCase()}`, event_type: 0, severity: 3, description: 'no scan for 2 s', source_id: '/demo/lidar' });
      await until(`both messages over ${transport}`, () => rsyslog.lines().filter((l) => l.includes(`|medkit-${transport}|`)).length >= 2);
      const lines = rsyslog.lines().filter((l) => l.includes(`|medkit-${transport}|`));
      const log = lines.find((l) => l.includes('|log|'))!;
      expect(log).toBeDefined();
      const [input, version, , , severity, facility, sd, msg] = log.split('|');
      expect(input).toBe(transport === 'udp' ? 'imudp' : 'imtcp');
      expect([version, severity, facility]).toEqual(['1', 'err', 'local0']);
      expect(sd).toBe('[medkit@32473 node="/demo/lidar" logger="demo.lidar" file="lidar.cpp" line="7" function="on_scan"]');
      expect(msg.trim()).toBe(`scan timeout "front" [${transport}]`);
      const fault = lines.find((l) => l.includes('|fault.confirmed|'))!;
      expect(fault).toBeDefined();
      const f = fault.split('|');
      expect(f[4]).toBe('crit');
      expect(f[6]).toContain(`fault_code="LIDAR_TIMEOUT_${transport.toUpperCase()}"`);
      expect(f[6]).toContain('status="CONFIRMED" occurrence_count="1"');
      expect(f[6]).toContain(`path="/api/v1/faults/LIDAR_TIMEOUT_${transport.toUpperCase()}"`);
    } finally {
      await gw.close();
    }
  });
});
