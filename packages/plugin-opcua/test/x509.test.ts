// The opcua plugin with `user_auth_mode: X509` (docs/opcua.md "Connection and security keys"): the user
// token is a certificate (made here with openssl) whose key signs the server nonce. A real node-opcua server
// trusting that certificate lets the session in; an unknown certificate is refused, and the bridge keeps
// retrying with the reason on x-plc-status. Missing, unreadable, malformed or mismatched files refuse the
// configuration naming the key (fail closed).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpcuaConfig } from '../src/config.js';
import type { TestGateway } from '../../../test-support/gateway/gateway.js';
import { http } from '../../../test-support/gateway/ros-robot.js';
import { opcuaGateway, plcStatusWhen } from './bridge-gateway.js';
import { PlcServer } from './plc-server.js';

let plc: PlcServer;
let dir: string;
const gateways: TestGateway[] = [];

/** A self-signed RSA user certificate and its key, in PEM. */
function makeUser(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment',
    '-addext', `subjectAltName=URI:urn:medkit:${name}`,
  ], { stdio: 'ignore' });
  return { cert, key };
}

let operator: { cert: string; key: string };
let stranger: { cert: string; key: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'medkit-opcua-x509-'));
  operator = makeUser('operator');
  stranger = makeUser('stranger');
  const userPki = join(dir, 'user-pki');
  mkdirSync(join(userPki, 'trusted', 'certs'), { recursive: true });
  copyFileSync(operator.cert, join(userPki, 'trusted', 'certs', 'operator.pem'));
  plc = await PlcServer.start(0, undefined, { userPkiDir: userPki });
}, 60_000);

afterAll(async () => {
  for (const g of gateways) await g.close();
  await plc?.stop().catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const base = (user: { cert: string; key: string }) => ({
  endpoint_url: 'opc.tcp://127.0.0.1:4840',
  user_auth_mode: 'X509',
  user_cert_path: user.cert,
  user_key_path: user.key,
  nodes: [{ node_id: 'ns=1;s=Temperature', data_name: 'temperature' }],
});

describe('opcua X509 user token: configuration (fail closed)', () => {
  it('loads a matching certificate and key', async () => {
    const cfg = await parseOpcuaConfig(base(operator));
    expect(cfg.user_auth_mode).toBe('X509');
    expect(cfg.x509?.subject).toContain('CN=operator');
    expect(cfg.x509?.certificateDer.length).toBeGreaterThan(100);
  });

  it('refuses, naming the key: missing paths, a missing file, a directory, garbage, a key of another certificate', async () => {
    await expect(parseOpcuaConfig({ ...base(operator), user_key_path: undefined })).rejects.toThrow(/plugins\.opcua\.user_key_path: is required/);
    await expect(parseOpcuaConfig({ ...base(operator), user_cert_path: undefined })).rejects.toThrow(/plugins\.opcua\.user_cert_path: is required/);
    await expect(parseOpcuaConfig({ ...base(operator), user_key_path: join(dir, 'nope.key') })).rejects.toThrow(/plugins\.opcua\.user_key_path: cannot read .*ENOENT/);
    await expect(parseOpcuaConfig({ ...base(operator), user_key_path: dir })).rejects.toThrow(/plugins\.opcua\.user_key_path: .* is not a file/);
    writeFileSync(join(dir, 'garbage.key'), '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
    await expect(parseOpcuaConfig({ ...base(operator), user_key_path: join(dir, 'garbage.key') })).rejects.toThrow(/plugins\.opcua\.user_key_path: .* is not an unencrypted private key/);
    await expect(parseOpcuaConfig({ ...base(operator), user_cert_path: join(dir, 'garbage.key') })).rejects.toThrow(/plugins\.opcua\.user_cert_path: .* is not an X509 certificate/);
    await expect(parseOpcuaConfig({ ...base(operator), user_key_path: stranger.key })).rejects.toThrow(/plugins\.opcua\.user_key_path: .* is not the private key of/);
    await expect(parseOpcuaConfig({ ...base(operator), user_auth_mode: 'Anonymous' })).rejects.toThrow(/plugins\.opcua\.user_cert_path: is set but user_auth_mode is Anonymous/);
  });

  it('a gateway with an unreadable key disables the plugin and names the key on /health', async () => {
    const g = await gateway('bad_key_plc', { ...operator, key: join(dir, 'missing.key') });
    const health = await http(`${g.url}/api/v1/health`);
    expect(JSON.stringify(health.body)).toContain('plugins.opcua.user_key_path');
    expect((await http(`${g.url}/api/v1/components/bad_key_plc`)).status).toBe(404);
  }, 60_000);
});

const gateway = (component: string, user: { cert: string; key: string }) =>
  opcuaGateway(gateways, {
    endpoint_url: plc.endpoint,
    component_id: component,
    user_auth_mode: 'X509',
    user_cert_path: user.cert,
    user_key_path: user.key,
    'reconnect.initial_delay_ms': 100,
    'reconnect.max_delay_ms': 400,
    nodes: [{ node_id: 'ns=1;s=Temperature', data_name: 'temperature' }],
  });

describe('opcua X509 user token against a real server', () => {
  it('a certificate the server trusts opens the session', async () => {
    const g = await gateway('x509_plc', operator);
    const status = await plcStatusWhen(g, 'x509_plc', (s) => s.connected === true, 'an X509 session');
    expect(status).toMatchObject({ user_auth_mode: 'X509', user_certificate: { subject: expect.stringContaining('CN=operator') } });
    expect(JSON.stringify(status)).not.toContain('PRIVATE KEY');
    const r = await http(`${g.url}/api/v1/components/x509_plc/data/temperature`);
    expect(r.status).toBe(200);
    expect(r.body.data).toBe(21.5);
  }, 120_000);

  it('an unknown certificate is refused: the bridge stays up, retries with backoff and says why', async () => {
    const g = await gateway('stranger_plc', stranger);
    const status = await plcStatusWhen(g, 'stranger_plc', (s) => Number(s.error_count) >= 2, 'two refused attempts');
    expect(status.connected).toBe(false);
    expect(status.last_error).toMatch(/BadIdentityTokenRejected/);
    expect((await http(`${g.url}/api/v1/components/stranger_plc/data/temperature`)).status).toBe(503);
    expect((await http(`${g.url}/api/v1/health`)).status).toBe(200);
  }, 120_000);
});
