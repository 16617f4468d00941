// SROS2 enclaves made here with the openssl CLI in the layout `ros2 security create_enclave` writes: resolved
// from the settings, all six files loaded and validated, and each way an enclave can be broken refused with a
// KeystoreError that names the file and the reason. Access questions in ROS terms on a loaded enclave.
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith, OPENSSL } from '../../../test-support/requirements.js';
import { createSros2Keystore, permissionsXml, type Sros2Keystore } from '../../../test-support/sros2-keystore.js';
import { ENCLAVE_FILES, enclaveDir, enclaveProblem, securitySettingsFromEnv } from '../src/index.js';
import { KeystoreError, loadEnclave, openssl, OpensslError, permissionsDocument, RosAccess, sros2DefaultGovernanceXml, Sros2KeystoreMaker } from '../src/security/index.js';

async function refusal(p: Promise<unknown>): Promise<{ reason: string; file?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KeystoreError);
    const e = err as KeystoreError;
    return { reason: e.reason, file: e.file, message: e.message };
  }
  throw new Error('the enclave was accepted');
}

describe('SROS2 settings', () => {
  it('reads the environment as rcl does', () => {
    expect(securitySettingsFromEnv({ ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_STRATEGY: 'Enforce', ROS_SECURITY_KEYSTORE: '/ks', ROS_SECURITY_ENCLAVE_OVERRIDE: '/a/b' })).toEqual({ enabled: true, strategy: 'Enforce', keystore: '/ks', enclave: '/a/b' });
    // Only the exact values count: "TRUE" does not enable, "enforce" does not enforce.
    expect(securitySettingsFromEnv({ ROS_SECURITY_ENABLE: 'TRUE', ROS_SECURITY_STRATEGY: 'enforce' })).toEqual({ enabled: false, strategy: 'Permissive' });
    expect(securitySettingsFromEnv({})).toEqual({});
  });
  it('places the enclave under <keystore>/enclaves and refuses odd enclave paths', () => {
    expect(enclaveDir('/ks', '/medkit/gateway')).toBe('/ks/enclaves/medkit/gateway');
    expect(enclaveDir('/ks', '/')).toBe('/ks/enclaves');
    expect(enclaveProblem('/medkit/gateway')).toBeUndefined();
    expect(enclaveProblem('medkit')).toMatch(/absolute/);
    expect(enclaveProblem('/a/../../etc')).toMatch(/'\.\.'/);
    expect(enclaveProblem('/a b')).toMatch(/may hold only/);
  });
});

describeWith(OPENSSL, 'SROS2 enclaves', () => {
  let ks: Sros2Keystore;
  beforeAll(() => {
    ks = createSros2Keystore();
    ks.makeEnclave('/medkit/gateway');
    ks.makeEnclave('/medkit/rsa', { algo: 'rsa' });
  }, 60_000);
  afterAll(() => ks?.remove());

  it('loads a valid enclave (EC and RSA identities) and answers access questions in ROS terms', async () => {
    const e = await loadEnclave({ keystore: ks.keystore, enclave: '/medkit/gateway' });
    expect(e.dir).toBe(join(ks.keystore, 'enclaves', 'medkit', 'gateway'));
    expect(e.identity.algo).toBe('EC-prime256v1');
    expect(e.subject).toBe('CN=/medkit/gateway');
    expect(e.governance.domainRules).toHaveLength(1);
    expect(e.permissionsDocument).toMatch(/^MIME-Version: 1\.0/);
    expect((await loadEnclave({ keystore: ks.keystore, enclave: '/medkit/rsa' })).identity.algo).toBe('RSA-2048');
    const ros = new RosAccess(e.access, e.subject, 0);
    expect(ros.mayPublish('/chatter').allowed).toBe(true);
    expect(ros.maySubscribe('/chatter').allowed).toBe(false);
    expect(ros.mayServeService('/talker/get_parameters')).toMatchObject({ allowed: true });
    expect(ros.mayCallService('/talker/get_parameters')).toMatchObject({ allowed: false, reason: expect.stringMatching(/rq\/talker\/get_parametersRequest/) });
    expect(ros.mayJoin().allowed).toBe(true);
    expect(new RosAccess(e.access, e.subject, 5).mayPublish('/chatter')).toMatchObject({ allowed: false, reason: expect.stringMatching(/no domain_rule for domain 5/) });
  });

  it('each missing file is named', async () => {
    for (const name of Object.values(ENCLAVE_FILES)) {
      const dir = ks.makeEnclave('/missing').dir;
      rmSync(join(dir, name));
      const r = await refusal(loadEnclave({ keystore: ks.keystore, enclave: '/missing' }));
      expect(r, name).toMatchObject({ reason: 'missing', file: join(dir, name) });
      expect(r.message).toMatch(new RegExp(`${name.replace('.', '\\.')} cannot be read: ENOENT`));
    }
  });

  it('an unreadable file is named with the reason', async () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const dir = ks.makeEnclave('/locked').dir;
    chmodSync(join(dir, 'key.pem'), 0o000);
    expect(await refusal(loadEnclave({ keystore: ks.keystore, enclave: '/locked' }))).toMatchObject({ reason: 'unreadable', file: join(dir, 'key.pem'), message: expect.stringMatching(/EACCES/) });
  });

  it('a wrongly signed or altered document, a foreign or expired identity, a key mismatch and a missing grant are refused', async () => {
    const load = (enclave: string) => refusal(loadEnclave({ keystore: ks.keystore, enclave }));
    const bad = ks.makeEnclave('/badsig', { signWithOtherCa: true });
    expect(await load('/badsig')).toMatchObject({ reason: 'untrusted', file: join(bad.dir, 'governance.p7s'), message: expect.stringMatching(/not signed by the permissions CA/) });

    const altered = ks.makeEnclave('/altered');
    const p7s = join(altered.dir, 'permissions.p7s');
    writeFileSync(p7s, readFileSync(p7s, 'utf8').replace('rt/chatter*', 'rt/*'));
    expect(await load('/altered')).toMatchObject({ reason: 'bad-signature', file: p7s });

    const foreign = ks.makeEnclave('/foreign', { identityFromOtherCa: true });
    expect(await load('/foreign')).toMatchObject({ reason: 'untrusted', file: foreign.cert });

    const old = ks.makeEnclave('/old', { expired: true });
    expect(await load('/old')).toMatchObject({ reason: 'expired', file: old.cert, message: expect.stringMatching(/expired 2020-01-02/) });

    const mixed = ks.makeEnclave('/mixed');
    const other = ks.makeEnclave('/other');
    renameSync(other.key, mixed.key);
    expect(await load('/mixed')).toMatchObject({ reason: 'key-mismatch', file: mixed.key });

    ks.makeEnclave('/nogrant', { permissionsXml: permissionsXml('CN=/somebody/else') });
    expect(await load('/nogrant')).toMatchObject({ reason: 'no-grant', message: expect.stringMatching(/no grant for this enclave's subject 'CN=\/nogrant'/) });

    ks.makeEnclave('/lapsed', { permissionsXml: permissionsXml('CN=/lapsed', 0, { from: '2020-01-01T00:00:00', to: '2021-01-01T00:00:00' }) });
    expect(await load('/lapsed')).toMatchObject({ reason: 'expired', message: expect.stringMatching(/grant '\/lapsed' expired/) });

    const notPem = ks.makeEnclave('/notpem');
    writeFileSync(join(notPem.dir, 'permissions_ca.cert.pem'), 'not a certificate');
    expect(await load('/notpem')).toMatchObject({ reason: 'not-pem', file: join(notPem.dir, 'permissions_ca.cert.pem') });
  });

  it('no keystore, or a bad enclave path, is refused before anything is read', async () => {
    expect(await refusal(loadEnclave({ keystore: '', enclave: '/a' }))).toMatchObject({ reason: 'not-configured', message: expect.stringMatching(/ROS_SECURITY_KEYSTORE/) });
    expect(await refusal(loadEnclave({ keystore: ks.keystore, enclave: '/../../etc' }))).toMatchObject({ reason: 'not-configured' });
  });
});

describeWith(OPENSSL, 'making a keystore (Sros2KeystoreMaker)', () => {
  it('makes enclaves under SROS2\'s default governance that load, with the grants asked for', async () => {
    const root = mkdtempSync(join(tmpdir(), 'medkit-ks-make-'));
    try {
      const maker = Sros2KeystoreMaker.create({ keystore: join(root, 'ks'), workDir: join(root, 'ca') });
      const subject = 'CN=/demo/robot';
      maker.makeEnclave('/demo/robot', {
        governanceXml: sros2DefaultGovernanceXml(),
        permissionsXml: permissionsDocument({ subject, rules: [{ kind: 'deny', domains: [7], publish: ['rt/cmd_vel_safe'] }, { kind: 'allow', domains: [7, { min: 9, max: 10 }], publish: ['*'], subscribe: ['*'] }] }),
      });
      const e = await loadEnclave({ keystore: maker.keystore, enclave: '/demo/robot' });
      // SROS2's default: one rule for domains 0..230, discovery and liveliness ENCRYPT, RTPS SIGN, every topic encrypted.
      expect(e.governance.domainRules).toHaveLength(1);
      expect(e.governance.domainRules[0]).toMatchObject({ discoveryProtectionKind: 'ENCRYPT', livelinessProtectionKind: 'ENCRYPT', rtpsProtectionKind: 'SIGN', enableJoinAccessControl: true, allowUnauthenticatedParticipants: false });
      for (const d of [0, 230]) expect(e.access.topicRule(d, 'rt/anything')).toMatchObject({ topicExpression: '*', dataProtectionKind: 'ENCRYPT', metadataProtectionKind: 'ENCRYPT' });
      expect(e.access.topicRule(231, 'rt/anything')).toBeUndefined();
      expect(new RosAccess(e.access, e.subject, 7).mayPublish('/cmd_vel_safe').allowed).toBe(false);
      expect(new RosAccess(e.access, e.subject, 7).mayPublish('/cmd_vel').allowed).toBe(true);
      expect(new RosAccess(e.access, e.subject, 10).maySubscribe('/scan').allowed).toBe(true);
      expect(new RosAccess(e.access, e.subject, 8).mayJoin().allowed).toBe(false);
      // The CA keys stay out of the enclaves (only the keystore's private/ and the work directory hold them).
      expect(readFileSync(join(maker.keystore, 'private', 'identity_ca.key.pem'), 'utf8')).toMatch(/PRIVATE KEY/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says so clearly when openssl is missing', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => openssl(['version'], tmpdir())).toThrow(OpensslError);
      expect(() => openssl(['version'], tmpdir())).toThrow(/openssl command is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });
});
