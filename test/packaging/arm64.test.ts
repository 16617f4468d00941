// The arm64 package of `npm run package` (Jetson, arm64 robots; docs/deploy.md), on this machine: unpacked with
// dpkg-deb and run under qemu-aarch64-static (user mode, the arm64 C library of the cross toolchain as its root):
// the runtime, the driver and the addon are arm64 builds needing at most glibc 2.31 when compiled in the Debian 11
// build root, `medkit --version` names the pinned runtime with both native parts loaded, a `--no-ros` gateway answers
// /health and keeps what it stored in SQLite across a restart. Sizes of the arm64 .deb and tarball within budget.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nativePlan } from '../../scripts/package-arch.mjs';
import { commandNodeFlags, debFile, SIZE_BUDGET, tarFile } from '../../scripts/package.mjs';
import { runtime } from '../../scripts/package-runtime.mjs';
import { REPO_ROOT } from '../../test-support/medkit-cli.js';
import { createPersistentTrigger, expectHealthAndUi, expectStored, expectVersionReport, glibcAtMost, nativeRequirements, newestGlibc, packageArtefacts, withInstalledGateway } from '../../test-support/packaging.js';
import { describeWith } from '../../test-support/requirements.js';

const version = (JSON.parse(readFileSync(`${REPO_ROOT}packages/cli/package.json`, 'utf8')) as { version: string }).version;
const node = (runtime() as { node: string }).node;
/** The arm64 C library, C++ library and dynamic loader (Debian's libc6-arm64-cross, libstdc++6-arm64-cross). */
const SYSROOT = '/usr/aarch64-linux-gnu';

describeWith(
  [{ kind: 'bin', name: 'qemu-aarch64-static', debian: 'qemu-user-static' }, { kind: 'file', name: `${SYSROOT}/lib/libstdc++.so.6`, debian: 'crossbuild-essential-arm64' }, { kind: 'bin', name: 'dpkg-deb', debian: 'dpkg' }, ...nativeRequirements('arm64')],
  'the arm64 package under qemu-aarch64-static',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-arm64-'));
    const lib = join(dir, 'usr/lib/medkit');
    /** `qemu-aarch64-static -L <sysroot> <runtime> <options of bin/medkit> medkit.js`: what bin/medkit runs, emulated. */
    const medkit = (): [string, string[]] => ['qemu-aarch64-static', ['-L', SYSROOT, join(lib, 'node/bin/node'), ...(commandNodeFlags(join(lib, 'node_modules/medkit/bin/medkit.js')) as string[]), join(lib, 'node_modules/medkit/bin/medkit.js')]];
    beforeAll(() => {
      packageArtefacts(['deb-arm64', 'tar-arm64']);
      execFileSync('dpkg-deb', ['-x', debFile('arm64') as string, dir]);
    }, 2_400_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('carries arm64 builds of the runtime, the SQLite driver and the RTPS addon (glibc 2.31 at most from the build root); .deb and tarball within budget', () => {
      const parts = ['node/bin/node', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/@medkit/rtps/native/build/Release/medkit_rtps.node'].map((p) => join(lib, p));
      for (const p of parts) expect(execFileSync('readelf', ['-h', p], { encoding: 'utf8' }), p).toMatch(/Machine:\s+AArch64/);
      if (nativePlan('arm64').kind === 'buildroot') for (const p of parts.slice(1)) expect(glibcAtMost(newestGlibc(p), '2.31'), `${p} needs glibc ${newestGlibc(p)}`).toBe(true);
      for (const [file, budget] of [[debFile('arm64'), SIZE_BUDGET.deb], [tarFile('arm64'), SIZE_BUDGET.tar]] as [string, number][]) {
        console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(1)} MB`);
        expect(statSync(file).size, file).toBeLessThanOrEqual(budget);
      }
    });

    it('`medkit --version` names the pinned runtime, linux-arm64, with the SQLite driver and the RTPS addon loaded', () => {
      const [cmd, args] = medkit();
      expectVersionReport(execFileSync(cmd, [...args, '--version'], { encoding: 'utf8', timeout: 120_000 }), version, node, 'arm64');
    });

    it('a --no-ros gateway answers /health and keeps its SQLite store across a restart', async () => {
      const [cmd, args] = medkit();
      const data = join(dir, 'data');
      // Emulated: start-up takes seconds, not the native hundreds of milliseconds.
      const start = (check: (base: string) => Promise<void>) => withInstalledGateway(cmd, args, ['--data-dir', data], check, { waitMs: 180_000 });
      let trigger = '';
      await start(async (base) => {
        await expectHealthAndUi(base);
        trigger = await createPersistentTrigger(base);
      });
      await start((base) => expectStored(base, trigger));
    }, 600_000);
  },
);
