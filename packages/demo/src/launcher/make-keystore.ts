/**
 * Makes the demo's throw-away SROS2 keystore with openssl (`--secure`): one CA for identities and permissions
 * (as `ros2 security create_keystore`), an enclave per process with SROS2's default governance and the grants of
 * sros2.ts. Throws OpensslError when openssl is missing or fails.
 */
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { permissionsDocument, Sros2KeystoreMaker, sros2DefaultGovernanceXml, enclaveSubject } from '@medkit/ros2/security';
import { DEMO_ENCLAVES, demoGrants, demoKeystore, demoKeystoreCa, enclavePath, type DemoEnclave } from './sros2.js';

export function makeDemoKeystore(dataDir: string, robotDomain: number, islandDomain: number): string {
  const keystore = demoKeystore(dataDir);
  // A kept --data-dir may hold the keystore of an earlier run: always a fresh one.
  rmSync(join(dataDir, 'sros2'), { recursive: true, force: true });
  const maker = Sros2KeystoreMaker.create({ keystore, workDir: demoKeystoreCa(dataDir), caNames: { identity: 'medkit demo SROS2 CA' }, caDays: 365 });
  const governanceXml = sros2DefaultGovernanceXml();
  const grants = demoGrants(robotDomain, islandDomain);
  for (const [name, enclave] of Object.entries(DEMO_ENCLAVES) as [DemoEnclave, string][]) {
    maker.makeEnclave(enclave, { governanceXml, permissionsXml: permissionsDocument({ subject: enclaveSubject(enclave), rules: grants[name] }), validity: { days: 365 } });
  }
  // The managed script runs as an unprivileged user (scripts.sandbox.user) when the gateway runs as root, and
  // sees this enclave through its private /tmp (scripts.sandbox.visible_paths): it must be able to read it. The
  // data directory itself stays private to the launcher's user.
  const trigger = enclavePath(keystore, DEMO_ENCLAVES.trigger);
  chmodSync(trigger, 0o755);
  for (const f of readdirSync(trigger)) chmodSync(join(trigger, f), 0o644);
  return keystore;
}
