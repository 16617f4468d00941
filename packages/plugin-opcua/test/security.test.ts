// The opcua plugin over a secured session: SignAndEncrypt / Basic256Sha256 with a user whose password
// comes from the environment (never shown), against a real OPC-UA server that accepts nothing else; a
// wrong password keeps the plugin retrying with the reason on x-plc-status.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../test-support/gateway/gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import { PlcServer } from './plc-server.js';

const PASSWORD = 'pl(-secret-42';
let plc: PlcServer;
let dir: string;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'medkit-opcua-sec-'));
  plc = await PlcServer.start(0, { user: 'operator', password: PASSWORD, pkiDir: join(dir, 'server-pki') });
  process.env.MEDKIT_TEST_PLC_PASSWORD = PASSWORD;
  process.env.MEDKIT_TEST_PLC_WRONG = 'not-the-password';
}, 60_000);

afterAll(async () => {
  for (const g of gateways) await g.close();
  await plc?.stop().catch(() => {});
  delete process.env.MEDKIT_TEST_PLC_PASSWORD;
  delete process.env.MEDKIT_TEST_PLC_WRONG;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function gateway(passwordEnv: string, component: string): Promise<TestGateway> {
  const g = await startTestGateway({
    defaults: true,
    flags: {
      plugins: ['opcua'],
      'plugins.opcua.endpoint_url': plc.endpoint,
      'plugins.opcua.component_id': component,
      'plugins.opcua.security_mode': 'SignAndEncrypt',
      'plugins.opcua.security_policy': 'Basic256Sha256',
      'plugins.opcua.reject_untrusted': false,
      'plugins.opcua.pki_dir': join(dir, `client-pki-${component}`),
      'plugins.opcua.user_auth_mode': 'UsernamePassword',
      'plugins.opcua.username': 'operator',
      'plugins.opcua.password_env': passwordEnv,
      'plugins.opcua.connect_timeout_ms': 20000,
      'plugins.opcua.nodes': [{ node_id: 'ns=1;s=Temperature', data_name: 'temperature' }],
    },
  });
  gateways.push(g);
  return g;
}

describe('opcua plugin over a secured session', () => {
  it('connects with SignAndEncrypt and the password from the environment, which it never shows', async () => {
    const g = await gateway('MEDKIT_TEST_PLC_PASSWORD', 'secure_plc');
    const status = await eventually(async () => {
      const s = await http(`${g.url}/api/v1/components/secure_plc/x-plc-status`);
      return s.body?.connected === true ? s : undefined;
    }, 'a secured connection', 60_000);
    expect(status.body).toMatchObject({ security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256', user_auth_mode: 'UsernamePassword' });
    const r = await http(`${g.url}/api/v1/components/secure_plc/data/temperature`);
    expect(r.status).toBe(200);
    expect(r.body.data).toBe(21.5);
    for (const path of ['/components/secure_plc/x-plc-status', '/components/secure_plc', '/health']) {
      expect(JSON.stringify((await http(`${g.url}/api/v1${path}`)).body)).not.toContain(PASSWORD);
    }
  }, 120_000);

  it('with a wrong password stays disconnected, retrying, and says why', async () => {
    const g = await gateway('MEDKIT_TEST_PLC_WRONG', 'wrong_plc');
    const status = await eventually(async () => {
      const s = await http(`${g.url}/api/v1/components/wrong_plc/x-plc-status`);
      return s.body?.error_count >= 1 ? s : undefined;
    }, 'a refused attempt', 60_000);
    expect(status.body.connected).toBe(false);
    expect(typeof status.body.last_error).toBe('string');
    expect(JSON.stringify(status.body)).not.toContain('not-the-password');
    const r = await http(`${g.url}/api/v1/components/wrong_plc/data/temperature`);
    expect(r.status).toBe(503);
  }, 120_000);
});
