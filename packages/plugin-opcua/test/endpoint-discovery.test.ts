// `discovery.enabled` (docs/opcua.md "Endpoint discovery"): GetEndpoints on a real node-opcua server that
// offers several endpoints, the one matching the configured mode / policy / user token chosen and shown on
// x-plc-status; against a server offering none that matches, a clear error and retries.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import clientLib from 'node-opcua-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpcuaConfig } from '../src/config.js';
import { chooseEndpoint, MAX_ENDPOINTS, NoMatchingEndpointError } from '../src/endpoint-discovery.js';
import type { OpcuaLib } from '../src/lib.js';
import type { TestGateway } from '../../../test-support/gateway/gateway.js';
import { http } from '../../../test-support/gateway/ros-robot.js';
import { opcuaGateway, plcStatusWhen } from './bridge-gateway.js';
import { PlcServer } from './plc-server.js';

const lib = clientLib as unknown as OpcuaLib;
const POLICY = 'http://opcfoundation.org/UA/SecurityPolicy#';
let open: PlcServer;
let secure: PlcServer;
let dir: string;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'medkit-opcua-disc-'));
  open = await PlcServer.start();
  secure = await PlcServer.start(0, { user: 'operator', password: 'x', pkiDir: join(dir, 'server-pki') });
}, 60_000);

afterAll(async () => {
  for (const g of gateways) await g.close();
  await open?.stop().catch(() => {});
  await secure?.stop().catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const gateway = (component: string, endpoint: string, flags: Record<string, unknown>) =>
  opcuaGateway(gateways, {
    endpoint_url: endpoint,
    component_id: component,
    'discovery.enabled': true,
    'reconnect.initial_delay_ms': 100,
    'reconnect.max_delay_ms': 400,
    nodes: [{ node_id: 'ns=1;s=Temperature', data_name: 'temperature' }],
    ...flags,
  });

const endpoint = (mode: number, policy: string, level: number, tokens: number[] = [lib.UserTokenType.Anonymous]) =>
  ({ endpointUrl: `opc.tcp://plc:4840/${policy}/${level}`, securityMode: mode, securityPolicyUri: POLICY + policy, securityLevel: level, userIdentityTokens: tokens.map((tokenType) => ({ tokenType })), server: { applicationUri: 'urn:plc\u0000' } }) as never;

describe('endpoint choice', () => {
  it('picks the matching endpoint with the highest securityLevel, and needs the user token type', async () => {
    const cfg = await parseOpcuaConfig({ endpoint_url: 'opc.tcp://plc:4840', security_mode: 'Sign', security_policy: 'Basic256Sha256', nodes: [{ node_id: 'i=1', data_name: 'x' }], discovery: { enabled: true } });
    const S = lib.MessageSecurityMode;
    const chosen = chooseEndpoint(lib, [endpoint(S.None, 'None', 0), endpoint(S.Sign, 'Basic256Sha256', 3), endpoint(S.Sign, 'Basic256Sha256', 9), endpoint(S.Sign, 'Basic256Sha256', 20, [lib.UserTokenType.UserName])], cfg, POLICY + 'Basic256Sha256');
    expect(chosen).toMatchObject({ endpoint_url: 'opc.tcp://plc:4840/Basic256Sha256/9', security_mode: 'Sign', security_level: 9, server_application_uri: 'urn:plc', offered: 4 });
    expect(() => chooseEndpoint(lib, [endpoint(S.None, 'None', 0)], cfg, POLICY + 'Basic256Sha256')).toThrow(NoMatchingEndpointError);
    expect(() => chooseEndpoint(lib, [endpoint(S.None, 'None', 0)], cfg, POLICY + 'Basic256Sha256')).toThrow(/offers Sign\/Basic256Sha256 with Anonymous user tokens \(offered: None\/None\)/);
    // A hostile answer: only the first MAX_ENDPOINTS are looked at.
    const flood = [...Array.from({ length: MAX_ENDPOINTS }, () => endpoint(S.None, 'None', 0)), endpoint(S.Sign, 'Basic256Sha256', 9)];
    expect(() => chooseEndpoint(lib, flood, cfg, POLICY + 'Basic256Sha256')).toThrow(NoMatchingEndpointError);
  });
});

describe('endpoint discovery against a real server', () => {
  it('chooses SignAndEncrypt / Basic256Sha256 among the offered endpoints and shows it', async () => {
    const g = await gateway('disc_plc', open.endpoint, {
      security_mode: 'SignAndEncrypt',
      security_policy: 'Basic256Sha256',
      reject_untrusted: false,
      pki_dir: join(dir, 'client-pki'),
    });
    const status = await plcStatusWhen(g, 'disc_plc', (s) => s.connected === true, 'a connection through discovery');
    expect(status.discovery_enabled).toBe(true);
    expect(status.chosen_endpoint).toMatchObject({ security_mode: 'SignAndEncrypt', security_policy_uri: `${POLICY}Basic256Sha256`, server_application_uri: 'urn:medkit:test-plc' });
    expect((status.chosen_endpoint as { offered: number }).offered).toBeGreaterThan(1);
    expect((await http(`${g.url}/api/v1/components/disc_plc/data/temperature`)).body.data).toBe(21.5);
  }, 120_000);

  it('fails with a clear error when no endpoint matches, and keeps retrying', async () => {
    const g = await gateway('nomatch_plc', secure.endpoint, {});
    const status = await plcStatusWhen(g, 'nomatch_plc', (s) => Number(s.error_count) >= 2, 'refused attempts');
    expect(status.connected).toBe(false);
    expect(status.last_error).toMatch(/no endpoint of opc\.tcp:\/\/127\.0\.0\.1:\d+ offers None\/None with Anonymous user tokens \(offered: SignAndEncrypt\/Basic256Sha256\)/);
    expect(status.chosen_endpoint).toBeUndefined();
  }, 120_000);
});
