// The syslog_export built-in plugin against Debian's rsyslog (docs/logs-export.md, "syslog"): the test starts
// rsyslogd with a configuration of its own in a temp dir (UDP and TCP inputs on 127.0.0.1, one file out), a real
// gateway sends a /rosout line and a fault event over each transport, and rsyslog's own parse of the RFC 5424
// messages (version, app name, MSGID, severity, structured data, message) is what the test reads back; a fault
// description and a /rosout line built to forge a second record arrive as one record each, escaped (issue 66).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAULTS_SERVICE, LOGS_SERVICE } from '@medkit/gateway';
import { startTestGateway } from '../../../test-support/gateway/gateway.js';
import { describeWith } from '../../../test-support/requirements.js';
import { freePort, HOSTILE_ESCAPED, HOSTILE_SD, HOSTILE_TEXT, RSYSLOG, startRsyslog, until, type Rsyslog } from './rsyslog.js';

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

  it.each(['udp', 'tcp'] as const)('over %s: a description and a /rosout line forging a second record arrive as one record each, every control and bidi character escaped (issue 66)', async (transport) => {
    const port = transport === 'udp' ? udpPort : tcpPort;
    const app = `medkit-hostile-${transport}`;
    const gw = await startTestGateway({ defaults: true, flags: { plugins: ['syslog_export'], 'plugins.syslog_export.port': port, 'plugins.syslog_export.transport': transport, 'plugins.syslog_export.app_name': app } as never });
    try {
      const logs = gw.gateway.ctx.services.get(LOGS_SERVICE);
      logs.ingestRosout({ stamp: { sec: 1_790_000_000, nanosec: 0 }, level: 40, name: 'demo.brake', msg: HOSTILE_TEXT, file: 'brake.cpp', function: HOSTILE_TEXT, line: 7, node: '/demo/brake' });
      gw.gateway.ctx.services.get(FAULTS_SERVICE).report({ fault_code: `BRAKE_HOT_${transport.toUpperCase()}`, event_type: 0, severity: 3, description: HOSTILE_TEXT, source_id: '/demo/brake' });
      // Sent last over the same socket: once rsyslog wrote it, whatever the hostile records became is written too.
      logs.ingestRosout({ stamp: { sec: 1_790_000_001, nanosec: 0 }, level: 40, name: 'demo.brake', msg: 'sentinel', file: 'brake.cpp', function: 'f', line: 8, node: '/demo/brake' });
      const mine = () => rsyslog.lines().filter((l) => l.includes(`|${app}|`));
      const sentinel = (l: string) => l.trim().endsWith('|sentinel') || l.trim().endsWith('| sentinel');
      await until(`the sentinel and the fault over ${transport}`, () => mine().some(sentinel) && mine().some((l) => l.includes('|fault.confirmed|')));
      const lines = mine();
      expect(lines).toHaveLength(3);
      // A forged record would carry the forged header's app name (medkit or -), not the test's.
      expect(rsyslog.lines().filter((l) => l.includes('ESTOP_PRESSED') && !l.includes('|medkit-hostile-'))).toEqual([]);
      const log = lines.find((l) => l.includes('|log|') && !sentinel(l))!.split('|');
      const fault = lines.find((l) => l.includes('|fault.confirmed|'))!.split('|');
      expect(log.slice(2, 4)).toEqual([app, 'log']);
      expect(log[6]).toBe(`[medkit@32473 node="/demo/brake" logger="demo.brake" file="brake.cpp" line="7" function="${HOSTILE_SD}"]`);
      expect(log.slice(7).join('|').trim()).toBe(HOSTILE_ESCAPED);
      expect(fault.slice(2, 4)).toEqual([app, 'fault.confirmed']);
      expect(fault.slice(7).join('|').trim()).toBe(`fault BRAKE_HOT_${transport.toUpperCase()} confirmed: ${HOSTILE_ESCAPED}`);
    } finally {
      await gw.close();
    }
  });
});
