// The tarball of `npm run package` for hosts without dpkg (docs/deploy.md, "Tarball"): medkit-<v>-linux-<arch>.tar.gz
// of this machine's architecture, unpacked into a plain directory and started by an unprivileged user (nobody, when
// the test runs as root) with the one-line command docs/deploy.md gives, `./medkit-<v>/bin/medkit gateway`: it runs
// on its own runtime although another Node.js is first on PATH, answers /health and keeps its SQLite store across a
// restart. Its tree is the one the Debian package installs as /usr/lib/medkit.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debFile, SIZE_BUDGET, tarFile } from '../../scripts/package.mjs';
import { hostArch, NODE_ARCH, runtime } from '../../scripts/package-runtime.mjs';
import { REPO_ROOT } from '../../test-support/medkit-cli.js';
import { createPersistentTrigger, expectHealthAndUi, expectStored, expectVersionReport, nativeRequirements, packageArtefacts, withInstalledGateway } from '../../test-support/packaging.js';
import { describeWith, IS_ROOT } from '../../test-support/requirements.js';

const version = (JSON.parse(readFileSync(`${REPO_ROOT}packages/cli/package.json`, 'utf8')) as { version: string }).version;
const node = (runtime() as { node: string }).node;
const arch = hostArch() as string;
/** Who runs it: nobody when the test is root, else the (unprivileged) user running the test. */
const asUser = (cmd: string, args: string[]): [string, string[]] => (IS_ROOT ? ['runuser', ['-u', 'nobody', '--', cmd, ...args]] : [cmd, args]);
const sh = (cmd: string, args: string[], cwd: string) => {
  const [c, a] = asUser(cmd, args);
  return execFileSync(c, a, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { PATH: process.env.PATH } });
};

describeWith([{ kind: 'bin', name: 'dpkg-deb', debian: 'dpkg' }, ...(IS_ROOT ? [{ kind: 'bin' as const, name: 'runuser', debian: 'util-linux' }] : []), ...nativeRequirements(arch)], `the ${arch} tarball, unpacked and started by an unprivileged user`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-tarball-'));
  const tree = join(dir, `medkit-${version}`);
  beforeAll(() => {
    packageArtefacts([`tar-${arch}`, `deb-${arch}`]);
    // A plain directory the user owns, the tarball copied into it (nothing of the checkout is read).
    copyFileSync(tarFile(arch) as string, join(dir, basename(tarFile(arch) as string)));
    if (IS_ROOT) chownSync(dir, Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })));
    chmodSync(dir, 0o755);
    sh('tar', ['xzf', basename(tarFile(arch) as string)], dir);
  }, 2_400_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('as unpacked', () => {
    it('holds medkit-<v>/ with the tree the Debian package installs as /usr/lib/medkit; within its size budget', () => {
      const listed = (lines: string, prefix: RegExp) => lines.split('\n').map((l) => l.replace(prefix, '')).filter((l) => l !== '' && !l.endsWith('/')).sort();
      const tarred = listed(execFileSync('tar', ['tzf', tarFile(arch) as string], { encoding: 'utf8', maxBuffer: 64 << 20 }), new RegExp(`^medkit-${version}/`));
      const debbed = listed(execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile '${debFile(arch)}' | tar t`], { encoding: 'utf8', maxBuffer: 64 << 20 }), /^\.\/usr\/lib\/medkit\//).filter((l) => !l.startsWith('./'));
      expect(tarred).toEqual(debbed);
      expect(tarred).toContain('bin/medkit');
      expect(tarred).toContain('node/bin/node');
      const size = statSync(tarFile(arch) as string).size;
      console.log(`${tarFile(arch)}: ${(size / 1e6).toFixed(1)} MB`);
      expect(size).toBeLessThanOrEqual(SIZE_BUDGET.tar);
    });

    it('`medkit --version` names its own runtime although another Node.js is first on PATH', () => {
      expectVersionReport(sh(join(tree, 'bin/medkit'), ['--version'], dir), version, node, (NODE_ARCH as Record<string, 'x64' | 'arm64'>)[arch]);
    });

    it('`./medkit-<v>/bin/medkit gateway` answers /health and keeps its SQLite store (in ./medkit-data) across a restart', async () => {
      const [cmd, args] = asUser(`./medkit-${version}/bin/medkit`, []);
      const start = (check: (base: string) => Promise<void>) => withInstalledGateway(cmd, args, [], check, { cwd: dir });
      let trigger = '';
      await start(async (base) => {
        await expectHealthAndUi(base);
        trigger = await createPersistentTrigger(base);
      });
      await start((base) => expectStored(base, trigger));
      // The default data dir, beside where it was started.
      expect(statSync(join(dir, 'medkit-data')).isDirectory()).toBe(true);
    });
  });
});
