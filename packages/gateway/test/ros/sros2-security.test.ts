// ros.security.* at start-up (docs/sros2.md): the ROS_SECURITY_* variables map to the keys as rcl reads them,
// and the outcome for each strategy: Enforce + broken enclave refuses to start naming the file, Permissive + broken
// enclave warns and joins unsecured, a valid enclave joins secured under both, off loads nothing. The CLI test
// (packages/cli/test/sros2-startup.test.ts) proves it through `medkit gateway`; sros2-peers.test.ts on the wire.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith, OPENSSL } from '../../../../test-support/requirements.js';
import { createSros2Keystore, type Sros2Keystore } from '../../../../test-support/sros2-keystore.js';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '@medkit/kit';
import { checkRosSecurity } from '../../src/ros/security.js';

function recorder() {
  const lines: string[] = [];
  return { lines, log: { warn: (m: string) => lines.push(`warn ${m}`), info: (m: string) => lines.push(`info ${m}`) } };
}

describe('ros.security keys', () => {
  it('are read from ROS_SECURITY_* as rcl reads them; MEDKIT_ROS_SECURITY_* win', () => {
    const c = loadConfig({ env: { ROS_SECURITY_ENABLE: 'true', ROS_SECURITY_STRATEGY: 'Permissive', ROS_SECURITY_KEYSTORE: '/ks', ROS_SECURITY_ENCLAVE_OVERRIDE: '/medkit/gw' } });
    expect([c.effective('ros.security.enabled'), c.effective('ros.security.strategy'), c.effective('ros.security.keystore'), c.effective('ros.security.enclave')]).toEqual([true, 'Permissive', '/ks', '/medkit/gw']);
    const d = loadConfig({ env: {} });
    expect([d.effective('ros.security.enabled'), d.effective('ros.security.strategy'), d.effective('ros.security.enclave')]).toEqual([false, 'Enforce', '/']);
    expect(loadConfig({ env: { ROS_SECURITY_ENABLE: 'true', MEDKIT_ROS_SECURITY_ENABLED: 'false' } }).effective('ros.security.enabled')).toBe(false);
  });
  it('a bad strategy or a misspelt ros.security key refuses to start (security keys)', () => {
    expect(() => loadConfig({ env: {}, flags: { 'ros.security.strategy': 'enforce' } })).toThrow(/ros\.security\.strategy="enforce" \(command line\) is invalid.*refusing to start/);
    expect(() => loadConfig({ env: {}, flags: { 'ros.security.enabeld': true } })).toThrow(/unknown configuration key 'ros\.security\.enabeld'.*did you mean 'ros\.security\.enabled'.*refusing to start/);
  });
});

describeWith(OPENSSL, 'SROS2 at start-up', () => {
  let ks: Sros2Keystore;
  beforeAll(() => {
    ks = createSros2Keystore();
    ks.makeEnclave('/medkit/gateway');
    const broken = ks.makeEnclave('/medkit/broken');
    rmSync(join(broken.dir, 'governance.p7s'));
  }, 60_000);
  afterAll(() => ks?.remove());
  const config = (strategy: string, enclave: string) => loadConfig({ env: {}, flags: { 'ros.security.enabled': true, 'ros.security.strategy': strategy, 'ros.security.keystore': ks.keystore, 'ros.security.enclave': enclave } });

  it('off: nothing is checked', async () => {
    expect(await checkRosSecurity(loadConfig({ env: {} }), recorder().log)).toEqual({ state: 'off' });
  });
  it('Enforce + broken enclave: start-up is refused, naming the file', async () => {
    const r = recorder();
    const err = await checkRosSecurity(config('Enforce', '/medkit/broken'), r.log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/ros\.security: SROS2 enclave '\/medkit\/broken' is unusable: .*medkit\/broken\/governance\.p7s cannot be read: ENOENT; refusing to start \(ros\.security\.strategy is Enforce\)/);
  });
  it('Permissive + broken enclave: a warning, and ROS without security', async () => {
    const r = recorder();
    const s = await checkRosSecurity(config('Permissive', '/medkit/broken'), r.log);
    expect(s).toMatchObject({ state: 'unsecured', warning: expect.stringMatching(/governance\.p7s cannot be read.*joining ROS without security/) });
    expect(r.lines[0]).toMatch(/^warn ros\.security/);
  });
  it('a valid enclave: Enforce and Permissive both join secured with it (no refusal, no warning)', async () => {
    for (const strategy of ['Enforce', 'Permissive']) {
      const r = recorder();
      const s = await checkRosSecurity(config(strategy, '/medkit/gateway'), r.log);
      expect(s.state).toBe('secured');
      if (s.state === 'secured') {
        expect(s.enclave.enclave).toBe('/medkit/gateway');
        expect(s.enclave.dir).toBe(join(ks.keystore, 'enclaves', 'medkit', 'gateway'));
      }
      expect(r.lines).toEqual([expect.stringMatching(/^info .*validated; joining ROS secured/)]);
    }
  });
});
