// The Debian package of `npm run package` (scripts/package.mjs, docs/deploy.md), installed on this machine with
// dpkg: the files and conffiles, the units pass `systemd-analyze verify`, the installed `medkit` runs as the
// medkit user on the shipped gateway.yaml and answers /health (directly: systemd is not PID 1 in a container),
// `dpkg -r` keeps /var/lib/medkit and `dpkg -P` removes it. Needs root and dpkg; the package is purged after.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { debFile } from '../../scripts/package.mjs';
import { REPO_ROOT } from '../../test-support/medkit-cli.js';
import { expectHealthAndUi, packageArtefacts, withInstalledGateway } from '../../test-support/packaging.js';
import { describeAsRoot, describeWith } from '../../test-support/requirements.js';

const version = (JSON.parse(readFileSync(`${REPO_ROOT}packages/cli/package.json`, 'utf8')) as { version: string }).version;
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
/** dpkg's status of medkit: '' when dpkg knows none, 'install ok installed', 'deinstall ok config-files' (removed, not purged), ... */
const status = () => spawnSync('dpkg-query', ['-W', '-f', '${Status}', 'medkit'], { encoding: 'utf8' }).stdout.trim();
const known = (what: 'passwd' | 'group') => spawnSync('getent', [what, 'medkit']).status === 0;

describeAsRoot('the Debian package (dpkg -i on this machine)', () =>
  describeWith([{ kind: 'bin', name: 'dpkg-deb', debian: 'dpkg' }, { kind: 'bin', name: 'systemd-analyze', debian: 'systemd' }, { kind: 'bin', name: 'runuser', debian: 'util-linux' }], 'the Debian package', () => {
    let ours = false;
    beforeAll(() => {
      // Never touch a medkit someone installed on purpose: this test installs and purges its own.
      if ((status() !== '' && !status().includes('not-installed')) || known('passwd')) throw new Error('a medkit package or user is already on this machine; purge it (dpkg -P medkit) to run this test');
      packageArtefacts(['deb']);
    }, 1_200_000);
    afterAll(() => {
      if (ours) sh('dpkg', ['-P', 'medkit']);
    });

    it('declares its dependencies, conffiles and maintainer scripts, and ships the tree, the units and the configs', () => {
      const info = sh('dpkg-deb', ['--info', debFile()]);
      expect(info).toMatch(/Package: medkit/);
      expect(info).toMatch(/Depends: nodejs \(>= 20\.19\)/);
      for (const s of ['postinst', 'prerm', 'postrm', 'conffiles']) expect(info).toContain(s);
      expect(sh('dpkg-deb', ['--field', debFile(), 'Version']).trim()).toBe(`${version}-1`);
      const files = sh('dpkg-deb', ['--contents', debFile()]);
      for (const f of ['./usr/bin/medkit -> ../lib/medkit/node_modules/medkit/bin/medkit.js', './etc/medkit/gateway.yaml', './etc/medkit/fleet.yaml', './lib/systemd/system/medkit-gateway.service', './lib/systemd/system/medkit-fleet.service', 'better_sqlite3.node', './usr/share/doc/medkit/deploy.md']) expect(files, f).toContain(f);
      const conffiles = spawnSync('sh', ['-c', `dpkg-deb --ctrl-tarfile '${debFile()}' | tar xO ./conffiles`], { encoding: 'utf8' }).stdout;
      expect(conffiles.trim().split('\n')).toEqual(['/etc/medkit/gateway.yaml', '/etc/medkit/fleet.yaml']);
    });

    it('installs with dpkg -i: the medkit user owns /var/lib/medkit; `medkit --version` runs', () => {
      sh('dpkg', ['-i', debFile()]);
      ours = true;
      expect(status()).toBe('install ok installed');
      expect(known('passwd')).toBe(true);
      const state = statSync('/var/lib/medkit');
      expect(state.uid).toBe(Number(sh('id', ['-u', 'medkit']).trim()));
      expect(state.mode & 0o777).toBe(0o750);
      expect(sh('/usr/bin/medkit', ['--version']).trim()).toBe(`medkit ${version}`);
    });

    it('the units pass systemd-analyze verify and are hardened', () => {
      const units = ['/lib/systemd/system/medkit-gateway.service', '/lib/systemd/system/medkit-fleet.service'];
      // Without systemd as PID 1 verify still loads and checks the units (directives, the user, the binary).
      const r = spawnSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8' });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
      expect(`${r.stdout}${r.stderr}`.split('\n').filter((l) => /medkit/.test(l))).toEqual([]);
      for (const u of units) {
        const text = readFileSync(u, 'utf8');
        for (const line of ['User=medkit', 'StateDirectory=medkit', 'ProtectSystem=strict', 'NoNewPrivileges=yes', 'CapabilityBoundingSet=\n', 'Restart=on-failure', 'Type=exec']) expect(text, `${u}: ${line}`).toContain(line);
      }
    });

    it('the installed medkit, as the medkit user on /etc/medkit/gateway.yaml, answers /health and serves the web UI', async () => {
      await withInstalledGateway('runuser', ['-u', 'medkit', '--', '/usr/bin/medkit'], ['--config', '/etc/medkit/gateway.yaml'], expectHealthAndUi, { cwd: '/var/lib/medkit', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
      // The store went where the shipped configuration says.
      expect(existsSync('/var/lib/medkit/gateway/medkit.db')).toBe(true);
    });

    it('dpkg -r keeps the state and the configuration; dpkg -P removes both and the user', () => {
      sh('dpkg', ['-r', 'medkit']);
      expect(status()).toBe('deinstall ok config-files');
      expect(existsSync('/usr/bin/medkit')).toBe(false);
      expect(existsSync('/usr/lib/medkit')).toBe(false);
      expect(existsSync('/var/lib/medkit/gateway')).toBe(true);
      expect(existsSync('/etc/medkit/gateway.yaml')).toBe(true);
      sh('dpkg', ['-P', 'medkit']);
      expect(existsSync('/var/lib/medkit')).toBe(false);
      expect(existsSync('/etc/medkit')).toBe(false);
      expect(known('passwd') || known('group')).toBe(false);
      expect(status()).not.toMatch(/installed|config-files/);
      ours = false;
    });
  }),
);
