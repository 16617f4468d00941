// The Debian package of `npm run package` (scripts/package-deb.mjs, docs/deploy.md), installed with dpkg in a Debian 11
// chroot (glibc 2.31, older than any supported robot's; no Node.js there, test-support/debian-chroot.ts): it carries
// its own runtime and needs no nodejs package, `apt install` with recommends on adds nothing else (the fleet tier's
// servers are only suggested), the files and conffiles, the units pass `systemd-analyze verify`,
// `medkit --version` names the pinned runtime and both native parts loaded on it, the installed `medkit` runs as the
// medkit user on the shipped gateway.yaml with authentication on (first-start credentials, rotated with `medkit
// credentials rotate`), answers /health and keeps what it stored in SQLite across a restart,
// `dpkg -r` keeps /var/lib/medkit and `dpkg -P` removes it; the arm64 package is refused with dpkg's
// wrong-architecture error (the text docs/deploy.md quotes). Needs root and debootstrap.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { debFile, SIZE_BUDGET } from '../../scripts/package.mjs';
import { ARCHES, hostArch, NODE_ARCH, runtime } from '../../scripts/package-runtime.mjs';
import { DebianChroot } from '../../test-support/debian-chroot.js';
import { REPO_ROOT } from '../../test-support/medkit-cli.js';
import { authorizeAdmin, createPersistentTrigger, expectHealthAndUi, expectNativeRuntime, expectStored, expectVersionReport, packageArtefacts, printedAdminSecret, signInAsAdmin, withInstalledGateway } from '../../test-support/packaging.js';
import { describeAsRoot, describeWith } from '../../test-support/requirements.js';

const version = (JSON.parse(readFileSync(`${REPO_ROOT}packages/cli/package.json`, 'utf8')) as { version: string }).version;
const node = (runtime() as { node: string }).node;
// The chroot is of this machine's architecture (amd64 in CI); the other package is the wrong one for it.
const arch = hostArch() as string;
const other = (ARCHES as string[]).find((a) => a !== arch)!;
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

describeAsRoot('the Debian package (dpkg -i in a Debian 11 chroot)', () =>
  describeWith([{ kind: 'bin', name: 'dpkg-deb', debian: 'dpkg' }, { kind: 'bin', name: 'systemd-analyze', debian: 'systemd' }, { kind: 'bin', name: 'debootstrap', debian: 'debootstrap' }], 'the Debian package', () => {
    let chroot: DebianChroot;
    const deb = debFile(arch) as string;
    /** dpkg's status of medkit in the chroot: '' when dpkg knows none, 'install ok installed', 'deinstall ok config-files', ... */
    const status = () => chroot.run('dpkg-query', ['-W', '-f', '${Status}', 'medkit']).output.replace(/dpkg-query:.*\n?/g, '').trim();
    const known = (what: 'passwd' | 'group') => chroot.run('getent', [what, 'medkit']).status === 0;
    const inRoot = (p: string) => join(chroot.root, p);
    beforeAll(async () => {
      packageArtefacts(['deb']);
      chroot = await DebianChroot.create();
    }, 2_400_000);
    afterAll(() => chroot?.remove());

    it('is self-contained: its own Node.js runtime and native parts, no nodejs dependency; the tree, the units and the configs', () => {
      const info = sh('dpkg-deb', ['--info', deb]);
      expect(info).toMatch(/Package: medkit/);
      expect(info).toContain(`Architecture: ${arch}`);
      expect(info).not.toMatch(/nodejs/);
      expect(sh('dpkg-deb', ['--field', deb, 'Depends']).trim()).toBe('passwd');
      // The fleet tier's servers are suggested, never recommended (apt installs recommends by default).
      expect(sh('dpkg-deb', ['--field', deb, 'Recommends']).trim()).toBe('');
      expect(sh('dpkg-deb', ['--field', deb, 'Suggests']).trim()).toBe('nats-server, postgresql');
      for (const s of ['postinst', 'prerm', 'postrm', 'conffiles']) expect(info).toContain(s);
      expect(sh('dpkg-deb', ['--field', deb, 'Version']).trim()).toBe(`${version}-1`);
      const files = sh('dpkg-deb', ['--contents', deb]);
      for (const f of ['./usr/bin/medkit -> ../lib/medkit/bin/medkit', './usr/lib/medkit/node/bin/node', './usr/lib/medkit/node/LICENSE', './usr/lib/medkit/bin/medkit', 'better_sqlite3.node', 'medkit_rtps.node', './etc/medkit/gateway.yaml', './etc/medkit/fleet.yaml', './lib/systemd/system/medkit-gateway.service', './lib/systemd/system/medkit-fleet.service', './usr/share/doc/medkit/deploy.md']) expect(files, f).toContain(f);
      const conffiles = spawnSync('sh', ['-c', `dpkg-deb --ctrl-tarfile '${deb}' | tar xO ./conffiles`], { encoding: 'utf8' }).stdout;
      expect(conffiles.trim().split('\n')).toEqual(['/etc/medkit/gateway.yaml', '/etc/medkit/fleet.yaml']);
      const size = statSync(deb).size;
      console.log(`${deb}: ${(size / 1e6).toFixed(1)} MB`);
      expect(size).toBeLessThanOrEqual(SIZE_BUDGET.deb);
    });

    it('installs with `apt install ./medkit_*.deb` (recommends on) on Debian 11 without Node.js, adding nothing but medkit and passwd: the medkit user owns /var/lib/medkit; `medkit --version` names the pinned runtime, both native parts load', () => {
      expect(chroot.run('sh', ['-c', 'command -v node nodejs']).status).not.toBe(0);
      const installed = () => new Set(chroot.ok('dpkg-query', ['-W', '-f', '${Package}\\n']).trim().split('\n'));
      const before = installed();
      chroot.ok('apt-get', ['update', '-qq']);
      // The documented command, apt's defaults (APT::Install-Recommends true) made explicit.
      chroot.ok('apt-get', ['install', '-y', '-o', 'APT::Install-Recommends=true', chroot.copyIn(deb)]);
      const added = [...installed()].filter((p) => !before.has(p));
      expect(added.filter((p) => p !== 'passwd')).toEqual(['medkit']);
      expect(status()).toBe('install ok installed');
      expect(known('passwd')).toBe(true);
      const state = statSync(inRoot('var/lib/medkit'));
      expect(state.uid).toBe(Number(chroot.ok('id', ['-u', 'medkit']).trim()));
      expect(state.mode & 0o777).toBe(0o750);
      expectVersionReport(chroot.ok('/usr/bin/medkit', ['--version']), version, node, (NODE_ARCH as Record<string, 'x64' | 'arm64'>)[arch]);
      // Still no `node` on the system: the runtime is medkit's own.
      expect(chroot.run('sh', ['-c', 'command -v node nodejs']).status).not.toBe(0);
      // apt reads Debian's package lists first (a minute or more on a busy machine): not a bound on anything.
    }, 600_000);

    it('the units pass systemd-analyze verify and are hardened', () => {
      const units = ['/lib/systemd/system/medkit-gateway.service', '/lib/systemd/system/medkit-fleet.service'];
      // Verified on this machine (the chroot has no systemd): copies whose ExecStart names the chroot's /usr/bin/medkit,
      // so verify checks the directives and that the installed binary is there and executable.
      const dir = mkdtempSync(join(tmpdir(), 'medkit-units-'));
      try {
        const copies = units.map((u) => {
          const copy = join(dir, basename(u));
          writeFileSync(copy, readFileSync(inRoot(u), 'utf8').replace(/^ExecStart=\/usr\/bin\/medkit /m, `ExecStart=${inRoot('usr/bin/medkit')} `));
          return copy;
        });
        const r = spawnSync('systemd-analyze', ['verify', ...copies], { encoding: 'utf8' });
        expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
        expect(`${r.stdout}${r.stderr}`.split('\n').filter((l) => /medkit/.test(l))).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      for (const u of units) {
        const text = readFileSync(inRoot(u), 'utf8');
        for (const line of ['User=medkit', 'StateDirectory=medkit', 'CacheDirectory=medkit', 'ProtectSystem=strict', 'NoNewPrivileges=yes', 'CapabilityBoundingSet=\n', 'Restart=on-failure', 'Type=exec', 'ExecStart=/usr/bin/medkit ']) expect(text, `${u}: ${line}`).toContain(line);
      }
    });

    it('the installed medkit, as the medkit user on /etc/medkit/gateway.yaml, starts secure: first-start credentials (0600, printed once) sign in and guard writes; it answers /health, serves the web UI and keeps its SQLite store across a restart; `medkit credentials rotate` replaces the credentials', async () => {
      const [cmd, args] = chroot.command('runuser', ['-u', 'medkit', '--', '/usr/bin/medkit']);
      const start = (check: (base: string, output: () => string) => Promise<void>) => withInstalledGateway(cmd, args, ['--config', '/etc/medkit/gateway.yaml'], check);
      let trigger = '';
      let secret = '';
      await start(async (base, output) => {
        await expectHealthAndUi(base);
        await expectNativeRuntime(base, output, node);
        secret = printedAdminSecret(output()) ?? '';
        expect(secret, output()).not.toBe('');
        await expect(createPersistentTrigger(base)).rejects.toThrow(/answered 401/);
        trigger = await createPersistentTrigger(base, await signInAsAdmin(base, secret));
      });
      const credentials = statSync(inRoot('var/lib/medkit/gateway/credentials.yaml'));
      expect(credentials.mode & 0o777).toBe(0o600);
      expect(credentials.uid).toBe(Number(chroot.ok('id', ['-u', 'medkit']).trim()));
      await start(async (base, output) => {
        expect(printedAdminSecret(output())).toBeUndefined();
        await expectStored(base, trigger);
        await signInAsAdmin(base, secret);
      });
      // The store went where the shipped configuration says.
      expect(existsSync(inRoot('var/lib/medkit/gateway/medkit.db'))).toBe(true);
      // The documented rotation, as the medkit user; the service reads the new pair when it restarts.
      const next = printedAdminSecret(chroot.ok('runuser', ['-u', 'medkit', '--', '/usr/bin/medkit', 'credentials', 'rotate', '--config', '/etc/medkit/gateway.yaml'])) ?? '';
      expect(next).not.toBe('');
      expect(next).not.toBe(secret);
      await start(async (base) => {
        expect((await authorizeAdmin(base, secret)).status).toBe(401);
        await signInAsAdmin(base, next);
      });
    });

    it('dpkg -r keeps the state and the configuration; dpkg -P removes both and the user', () => {
      chroot.ok('dpkg', ['-r', 'medkit']);
      expect(status()).toBe('deinstall ok config-files');
      expect(existsSync(inRoot('usr/bin/medkit'))).toBe(false);
      expect(existsSync(inRoot('usr/lib/medkit'))).toBe(false);
      expect(existsSync(inRoot('var/lib/medkit/gateway'))).toBe(true);
      expect(existsSync(inRoot('etc/medkit/gateway.yaml'))).toBe(true);
      chroot.ok('dpkg', ['-P', 'medkit']);
      expect(existsSync(inRoot('var/lib/medkit'))).toBe(false);
      expect(existsSync(inRoot('etc/medkit'))).toBe(false);
      expect(known('passwd') || known('group')).toBe(false);
      expect(status()).not.toMatch(/installed|config-files/);
    });

    it(`the ${other} package on an ${arch} system: dpkg refuses it with its wrong-architecture error`, () => {
      const r = chroot.run('dpkg', ['-i', chroot.copyIn(debFile(other) as string)]);
      expect(r.status).toBe(1);
      console.log(`dpkg -i ${debFile(other)} on ${arch}:\n${r.output}`);
      expect(r.output).toContain(`package architecture (${other}) does not match system (${arch})`);
      expect(status()).not.toMatch(/installed/);
    });
  }),
);
