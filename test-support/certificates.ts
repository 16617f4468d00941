// Test certificates made at test time with the openssl CLI (Debian's openssl) in a temp dir: a CA, server
// certificates for localhost/127.0.0.1 issued by it, client certificates from it and from a second, unrelated CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  /** The CA that issues the server and the trusted client certificates. */
  caCert: string;
  /** A second CA nobody trusts. */
  otherCaCert: string;
  /** Issues a leaf certificate; returns the cert and key paths. */
  issue(name: string, subject: string, opts?: { ca?: 'main' | 'other'; server?: boolean }): { cert: string; key: string };
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function makeCa(dir: string, name: string, cn: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`], dir);
}

/** Creates the PKI (two CAs) in a fresh temp dir. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-pki-'));
  makeCa(dir, 'ca', 'medkit test CA');
  makeCa(dir, 'other-ca', 'unrelated CA');
  let serial = 1;
  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    otherCaCert: join(dir, 'other-ca.pem'),
    issue(name, subject, opts = {}) {
      const ca = opts.ca === 'other' ? 'other-ca' : 'ca';
      openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
      const ext = opts.server
        ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
        : 'extendedKeyUsage=clientAuth\n';
      writeFileSync(join(dir, `${name}.ext`), ext);
      openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', String(serial++), '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
      return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
