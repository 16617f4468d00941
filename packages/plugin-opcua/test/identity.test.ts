// The opcua plugin's nameplate (docs/opcua.md "Identity"): BuildInfo and a DI-like DeviceSet nameplate of
// a real node-opcua server fill the component's x-medkit.identity, merged with a manifest Component of the
// same id by the docs/manifest.md precedence: over an unsecured session the plugin's fields (source `plugin`) only fill
// what the manifest left empty; over SignAndEncrypt with a trusted server certificate (source `opcua`)
// they replace the manifest's. Hostile strings arrive bounded and without control characters.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../../../test-support/gateway/gateway.js';
import { opcuaGateway, plcStatusWhen } from './bridge-gateway.js';
import { eventually, http } from '../../../test-support/gateway/ros-robot.js';
import { PlcServer, type PlcExtras } from './plc-server.js';

const PASSWORD = 'nameplate-secret-7';
const HOSTILE_CODE = `PC-\u0007\u001b[31m42\u0000${'x'.repeat(2000)}`;
const EXTRAS: PlcExtras = {
  buildInfo: { productName: 'OpenPLC Runtime', productUri: 'urn:acme:openplc', manufacturerName: 'Acme Software', softwareVersion: '3.1.4', buildNumber: '1207' },
  device: {
    name: 'TankLine',
    properties: { Manufacturer: 'Acme Automation', Model: 'TankLine 3000', SerialNumber: 'TL3-000123', HardwareRevision: 'B2', SoftwareRevision: '5.0.1', DeviceRevision: '7', ProductCode: HOSTILE_CODE },
  },
};
const MANIFEST = `
manifest_version: "1.0"
components:
  - id: line_plc
    name: Line PLC
    identity:
      manufacturer: Manifest Corp
      serial_number: MANIFEST-SN
      extra: { site: hall-3 }
`;

let open: PlcServer;
let secure: PlcServer;
let dir: string;
const gateways: TestGateway[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'medkit-opcua-id-'));
  writeFileSync(join(dir, 'manifest.yaml'), MANIFEST);
  open = await PlcServer.start(0, undefined, EXTRAS);
  secure = await PlcServer.start(0, { user: 'operator', password: PASSWORD, pkiDir: join(dir, 'server-pki') }, EXTRAS);
  process.env.MEDKIT_TEST_NAMEPLATE_PASSWORD = PASSWORD;
}, 60_000);

afterAll(async () => {
  for (const g of gateways) await g.close();
  await open?.stop().catch(() => {});
  await secure?.stop().catch(() => {});
  delete process.env.MEDKIT_TEST_NAMEPLATE_PASSWORD;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const gateway = (flags: Record<string, unknown>) =>
  opcuaGateway(gateways, { component_id: 'line_plc', nodes: [{ node_id: 'ns=1;s=Temperature', data_name: 'temperature' }], ...flags }, {
    'discovery.mode': 'manifest_only',
    'discovery.manifest_path': join(dir, 'manifest.yaml'),
  });

/** The component's x-medkit.identity once the nameplate read at connection has been merged in. */
async function identityOf(g: TestGateway): Promise<Record<string, unknown> & { _provenance: Record<string, string>; extra: Record<string, string> }> {
  return eventually(async () => {
    const r = await http(`${g.url}/api/v1/components/line_plc`);
    const id = r.body?.['x-medkit']?.identity;
    return id?.model ? id : undefined;
  }, 'the nameplate in the component identity', 60_000);
}

describe('opcua nameplate identity', () => {
  it('over an unsecured session: source plugin, below the manifest (fills only what the manifest left empty)', async () => {
    const g = await gateway({ endpoint_url: open.endpoint });
    const id = await identityOf(g);
    // The manifest's own fields win.
    expect(id.manufacturer).toBe('Manifest Corp');
    expect(id.serialNumber).toBe('MANIFEST-SN');
    expect(id._provenance).toMatchObject({ manufacturer: 'manifest', serial_number: 'manifest', 'extra.site': 'manifest' });
    // The server's fill the gaps: DI device fields, BuildInfo software version and extras.
    expect(id).toMatchObject({ model: 'TankLine 3000', hardwareRevision: 'B2', firmwareVersion: '5.0.1', softwareVersion: '3.1.4' });
    expect(id.extra).toMatchObject({ site: 'hall-3', product_uri: 'urn:acme:openplc', build_number: '1207', device_revision: '7', device_name: 'TankLine', server_product_name: 'OpenPLC Runtime', server_manufacturer: 'Acme Software' });
    expect(id._provenance).toMatchObject({ model: 'plugin', firmware_version: 'plugin', software_version: 'plugin', 'extra.product_uri': 'plugin' });
    // The hostile product code: control characters gone, 256 characters at most.
    const code = id.orderCode as string;
    expect(code.startsWith('PC-[31m42xxx')).toBe(true);
    expect(code).toHaveLength(256);
    // eslint-disable-next-line no-control-regex
    expect(/[\u0000-\u001f\u007f]/.test(code)).toBe(false);
    const status = await http(`${g.url}/api/v1/components/line_plc/x-plc-status`);
    expect(status.body.identity_source).toBe('plugin');
  }, 120_000);

  it('over SignAndEncrypt with a trusted server certificate (reject_untrusted): source opcua, above the manifest', async () => {
    const pki = join(dir, 'client-pki');
    mkdirSync(join(pki, 'trusted', 'certs'), { recursive: true });
    writeFileSync(join(pki, 'trusted', 'certs', 'plc.der'), secure.certificate());
    const g = await gateway({
      endpoint_url: secure.endpoint,
      security_mode: 'SignAndEncrypt',
      security_policy: 'Basic256Sha256',
      reject_untrusted: true,
      pki_dir: pki,
      user_auth_mode: 'UsernamePassword',
      username: 'operator',
      password_env: 'MEDKIT_TEST_NAMEPLATE_PASSWORD',
    });
    const id = await identityOf(g);
    expect(id).toMatchObject({ manufacturer: 'Acme Automation', serialNumber: 'TL3-000123', model: 'TankLine 3000', firmwareVersion: '5.0.1' });
    expect(id._provenance).toMatchObject({ manufacturer: 'opcua', serial_number: 'opcua', model: 'opcua' });
    // A manifest field the server does not have stays.
    expect(id.extra.site).toBe('hall-3');
    expect(id._provenance['extra.site']).toBe('manifest');
    expect((await http(`${g.url}/api/v1/components/line_plc/x-plc-status`)).body.identity_source).toBe('opcua');
  }, 120_000);

  it('with reject_untrusted and no pki_dir, a server certificate nobody trusted is refused: no session, no nameplate', async () => {
    const g = await gateway({
      component_id: 'untrusted_plc',
      endpoint_url: secure.endpoint,
      security_mode: 'SignAndEncrypt',
      security_policy: 'Basic256Sha256',
      user_auth_mode: 'UsernamePassword',
      username: 'operator',
      password_env: 'MEDKIT_TEST_NAMEPLATE_PASSWORD',
      'reconnect.initial_delay_ms': 100,
      'reconnect.max_delay_ms': 400,
    });
    const status = await plcStatusWhen(g, 'untrusted_plc', (s) => Number(s.error_count) >= 2, 'refused attempts');
    expect(status).toMatchObject({ connected: false, identity_source: 'opcua' });
    expect(String(status.last_error)).toMatch(/certificate|untrusted|BadCertificate/i);
    const c = await http(`${g.url}/api/v1/components/untrusted_plc`);
    expect(c.body['x-medkit']?.identity).toBeUndefined();
  }, 120_000);
});
