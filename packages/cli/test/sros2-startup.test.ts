// SROS2 through the real `medkit gateway` command (docs/sros2.md, "Fail closed"): with ROS_SECURITY_ENABLE=true
// and the Enforce strategy a missing, unreadable or wrongly signed enclave stops start-up with exit code 2 and a
// message naming the file; a valid enclave starts the gateway SECURED (the summary and /health say so), and one
// whose permissions deny the gateway's own graph topics starts it without ROS (never unsecured); with Permissive
// a broken enclave starts the gateway, joins ROS without security and /health says so.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildGateway, freePort, runMedkit, type MedkitProcess } from '../../../test-support/medkit-cli.js';
import { testDomain } from '../../../test-support/domains.js';
import { describeWith, OPENSSL } from '../../../test-support/requirements.js';
import { allowAllPermissionsXml, createSros2Keystore, denyPublishPermissionsXml, governanceXml, type Sros2Keystore } from '../../../test-support/sros2-keystore.js';

const DOMAIN = testDomain(193);
const dirs: string[] = [];
const procs: MedkitProcess[] = [];
let ks: Sros2Keystore;

beforeAll(() => buildGateway(), 240_000);
afterAll(() => {
  for (const p of procs) p.child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  ks?.remove();
});

// The refusals happen before the gateway listens: the port only has to be valid (0 is refused as a configuration error).
function gateway(env: NodeJS.ProcessEnv, port = 65_000): MedkitProcess {
  const data = mkdtempSync(join(tmpdir(), 'medkit-sros2-cli-'));
  dirs.push(data);
  const p = runMedkit(['gateway', '--domain', String(DOMAIN), '--localhost-only', '--data-dir', data, '--port', String(port)], env);
  procs.push(p);
  return p;
}

describeWith(OPENSSL, 'medkit gateway with SROS2', () => {
  beforeAll(() => {
    ks = createSros2Keystore();
    ks.makeEnclave('/medkit/gateway');
    ks.makeEnclave('/medkit/secured', { governanceXml: governanceXml(DOMAIN), permissionsXml: allowAllPermissionsXml('CN=/medkit/secured', DOMAIN) });
    ks.makeEnclave('/medkit/forged', { signWithOtherCa: true });
    // Unreadable: key.pem is a directory (the suite runs as root in CI, and root reads a mode-000 file).
    const unreadable = ks.makeEnclave('/medkit/unreadable');
    rmSync(unreadable.key);
    mkdirSync(unreadable.key);
    // Valid and signed, but its permissions deny publishing ros_discovery_info, which the gateway's node needs.
    ks.makeEnclave('/medkit/denied', { governanceXml: governanceXml(DOMAIN), permissionsXml: denyPublishPermissionsXml('CN=/medkit/denied', DOMAIN, ['ros_discovery_info']) });
  }, 60_000);

  it('Enforce refuses to start without the enclave, or with one not signed by the permissions CA, naming the file', async () => {
    const missing = gateway({ ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_STRATEGY: 'Enforce', ROS_SECURITY_KEYSTORE: ks.keystore, ROS_SECURITY_ENCLAVE_OVERRIDE: '/medkit/nobody' });
    const forged = gateway({ ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_KEYSTORE: ks.keystore, ROS_SECURITY_ENCLAVE_OVERRIDE: '/medkit/forged', MEDKIT_ROS_SECURITY_STRATEGY: 'Enforce' });
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toMatch(/ros\.security: SROS2 enclave '\/medkit\/nobody' is unusable: .*enclaves\/medkit\/nobody\/cert\.pem cannot be read: ENOENT; refusing to start/);
    expect(await forged.exited).toBe(2);
    expect(forged.stderr()).toMatch(/enclaves\/medkit\/forged\/governance\.p7s: .*not signed by the permissions CA.*refusing to start/);
  }, 120_000);

  it('Enforce refuses to start with an enclave file it cannot read, naming the file and why', async () => {
    const p = gateway({ ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_STRATEGY: 'Enforce', ROS_SECURITY_KEYSTORE: ks.keystore, ROS_SECURITY_ENCLAVE_OVERRIDE: '/medkit/unreadable' });
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/ros\.security: SROS2 enclave '\/medkit\/unreadable' is unusable: .*enclaves\/medkit\/unreadable\/key\.pem cannot be read: EISDIR; refusing to start/);
  }, 60_000);

  it('Enforce with an enclave whose permissions deny the gateway\'s own graph topics: starts with ROS NOT connected and /health ros_unavailable, never unsecured', async () => {
    const port = await freePort();
    const p = gateway({ ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_STRATEGY: 'Enforce', ROS_SECURITY_KEYSTORE: ks.keystore, ROS_SECURITY_ENCLAVE_OVERRIDE: '/medkit/denied' }, port);
    await p.waitFor(/listening|http:\/\//i, 60_000);
    expect(p.stdout()).toMatch(/ros\s+NOT connected: .*ros_discovery_info/);
    expect(p.stdout()).not.toMatch(/ros security\s+NOT secured/);
    const health = (await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json()) as { warnings: { code: string; message: string }[]; 'x-medkit-ros': { connected: boolean; error: string; security: Record<string, unknown> } };
    expect(health['x-medkit-ros']).toMatchObject({ connected: false, error: expect.stringMatching(/our permissions: .*denies publish 'ros_discovery_info'/) });
    expect(health['x-medkit-ros'].security).toMatchObject({ enabled: true, enclave: '/medkit/denied' });
    const codes = health.warnings.map((w) => w.code);
    expect(codes).toContain('ros_unavailable');
    expect(codes).not.toContain('ros_unsecured');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 120_000);

  it('Enforce with a valid enclave starts and joins ROS secured: the start-up summary and /health say so', async () => {
    const port = await freePort();
    const p = gateway({ ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_STRATEGY: 'Enforce', ROS_SECURITY_KEYSTORE: ks.keystore, ROS_SECURITY_ENCLAVE_OVERRIDE: '/medkit/secured' }, port);
    await p.waitFor(/listening|http:\/\//i, 60_000);
    expect(p.stdout()).toMatch(/ros security\s+secured \(enclave \/medkit\/secured\)/);
    const health = (await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json()) as { warnings: { code: string }[]; 'x-medkit-ros': { connected: boolean; security: Record<string, unknown> } };
    expect(health['x-medkit-ros'].connected).toBe(true);
    expect(health['x-medkit-ros'].security).toMatchObject({ enabled: true, secured: true, enclave: '/medkit/secured', peers: [] });
    expect(health.warnings.map((w) => w.code)).not.toContain('ros_unsecured');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 120_000);

  it('Permissive with a broken enclave starts, joins ROS without security and says so on /health', async () => {
    const port = await freePort();
    const p = gateway({ ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_STRATEGY: 'Permissive', ROS_SECURITY_KEYSTORE: join(ks.keystore, 'nowhere'), ROS_SECURITY_ENCLAVE_OVERRIDE: '/medkit/gateway' }, port);
    await p.waitFor(/listening|http:\/\//i, 60_000);
    const health = (await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json()) as { warnings: { code: string; message: string }[]; 'x-medkit-ros': { enabled: boolean } };
    expect(health.warnings.find((w) => w.code === 'ros_unsecured')?.message).toMatch(/cert\.pem cannot be read: ENOENT.*joining ROS without security/);
    expect(p.stdout()).toMatch(/ros security\s+NOT secured/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 120_000);
});
