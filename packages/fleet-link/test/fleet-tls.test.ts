// The fleet link over TLS: a robot gateway publishes to a real nats-server that requires TLS with client
// certificates (verify: true), trusting fleet.nats.ca_file and presenting fleet.nats.cert_file.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { describeWith, NATS_SERVER, OPENSSL } from '../../../test-support/requirements.js';
import { freePort, waitForPort } from '../../../test-support/servers/ports.mjs';
import { createTestPki, type TestPki } from '../../../test-support/certificates.js';
import { startRobotGateway, until, type FaultGateway } from '../../../test-support/fleet/robot-gateway.js';

describeWith([...OPENSSL, ...NATS_SERVER], 'fleet link over TLS', () => {
  let pki: TestPki;
  let nats: ChildProcess;
  let url: string;
  let robotCert: { cert: string; key: string };
  const robots: FaultGateway[] = [];

  beforeAll(async () => {
    pki = createTestPki();
    const server = pki.issue('nats', '/CN=nats', { server: true });
    robotCert = pki.issue('robot', '/CN=amr-1');
    const port = await freePort();
    url = `tls://127.0.0.1:${port}`;
    const conf = join(pki.dir, 'nats.conf');
    writeFileSync(
      conf,
      `listen: "127.0.0.1:${port}"\njetstream { store_dir: "${join(pki.dir, 'js')}", max_memory_store: 16MB, max_file_store: 64MB }\n` +
        `tls { cert_file: "${server.cert}", key_file: "${server.key}", ca_file: "${pki.caCert}", verify: true, timeout: 5 }\n`,
    );
    nats = spawn('nats-server', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    nats.stderr?.resume();
    await waitForPort(port);
  });
  afterAll(async () => {
    for (const r of robots) await r.close();
    nats?.kill('SIGKILL');
    pki?.remove();
  });

  it('a robot with the CA and its client certificate reaches the stream', async () => {
    const robot = await startRobotGateway({
      flags: {
        'fleet.enabled': true,
        'fleet.id': 'tlsfleet',
        'fleet.robot_id': 'amr-1',
        'fleet.nats.servers': [url],
        'fleet.nats.ca_file': pki.caCert,
        'fleet.nats.cert_file': robotCert.cert,
        'fleet.nats.key_file': robotCert.key,
        'fleet.stream.replicas': 1,
        'fleet.health_interval_sec': 1,
      },
    });
    robots.push(robot);
    const nc = await connect({ servers: [url], tls: { ca: readFileSync(pki.caCert, 'utf8'), cert: readFileSync(robotCert.cert, 'utf8'), key: readFileSync(robotCert.key, 'utf8') }, timeout: 5000 });
    try {
      const info = await until(async () => {
        try {
          const s = await (await jetstreamManager(nc, { timeout: 2000 })).streams.info('MEDKIT_TLSFLEET');
          return s.state.messages > 0 ? s : undefined;
        } catch {
          return undefined;
        }
      }, 'events from the robot on the TLS broker', 30_000);
      expect(info.state.messages).toBeGreaterThan(0);
    } finally {
      await nc.close();
    }
  });

  it('an unreadable fleet.nats.ca_file stops start-up, named', async () => {
    await expect(
      startRobotGateway({ flags: { 'fleet.enabled': true, 'fleet.robot_id': 'amr-2', 'fleet.nats.servers': [url], 'fleet.nats.ca_file': join(pki.dir, 'missing.pem') } }),
    ).rejects.toThrow(/fleet\.nats\.ca_file '.*missing\.pem' cannot be read: ENOENT/);
  });
});
