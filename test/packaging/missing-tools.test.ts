// `npm run package` on a machine without buildah (or dpkg-deb): it says what is missing and builds what it can,
// never a stack trace. The command is run for real with a PATH that lacks buildah; the plan of a run without
// step names is checked with the tools reported missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandPlan } from '../../scripts/package.mjs';
import { MissingToolError, toolsMissing } from '../../scripts/package-tools.mjs';
import { REPO_ROOT } from '../../test-support/medkit-cli.js';

/** A PATH of one folder holding every program of this machine's PATH except `without`. */
function pathWithout(without: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-path-'));
  dirs.push(dir);
  for (const d of (process.env.PATH ?? '').split(':').filter((x) => x && existsSync(x))) {
    for (const name of readdirSync(d)) {
      if (without.includes(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(d, name), join(dir, name));
    }
  }
  return dir;
}
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('npm run package without buildah', () => {
  it('refuses a named step it cannot build with one line naming the Debian package, exit 1, before building anything', () => {
    const r = spawnSync(process.execPath, ['scripts/package.mjs', 'oci-amd64'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, PATH: pathWithout(['buildah']) }, timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['medkit package: oci-amd64 needs buildah (Debian package buildah): apt-get install buildah']);
  });

  it('without step names, builds the others and skips the image with one line', () => {
    const missing = (step: string) => (step.startsWith('oci-') ? ([['buildah', 'buildah']] as [string, string][]) : []);
    const plan = commandPlan([], missing);
    expect(plan.run).toEqual(['npm', 'tree', 'linux-amd64', 'linux-arm64', 'deb-amd64', 'deb-arm64', 'tar-amd64', 'tar-arm64']);
    expect(plan.skipped).toEqual(['oci-amd64', 'oci-arm64'].map((s) => `medkit package: skipping ${s}: needs buildah (Debian package buildah): apt-get install buildah`));
    expect(commandPlan(['deb'], missing)).toEqual({ run: ['deb-amd64', 'deb-arm64'], skipped: [] });
  });

  it('without the cross toolchain, builds its own architecture and says in one line what to install for the other', () => {
    const cross = [['aarch64-linux-gnu-gcc', 'crossbuild-essential-arm64']] as [string, string][];
    const plan = commandPlan([], (step: string) => (step === 'linux-arm64' ? cross : []));
    expect(plan.run).toEqual(['npm', 'tree', 'linux-amd64', 'deb-amd64', 'tar-amd64', 'oci-amd64']);
    expect(plan.skipped).toEqual([
      'medkit package: skipping linux-arm64 (and deb-arm64, tar-arm64, oci-arm64): needs aarch64-linux-gnu-gcc (Debian package crossbuild-essential-arm64): apt-get install crossbuild-essential-arm64',
    ]);
  });

  it('finds a tool only on PATH and names each package once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-path-'));
    dirs.push(dir);
    symlinkSync(process.execPath, join(dir, 'dpkg'));
    expect(toolsMissing([['dpkg', 'dpkg'], ['dpkg-deb', 'dpkg'], ['buildah', 'buildah']], dir)).toEqual([['dpkg-deb', 'dpkg'], ['buildah', 'buildah']]);
    expect(new MissingToolError('deb', [['dpkg-deb', 'dpkg'], ['dpkg', 'dpkg']]).message).toBe('deb needs dpkg-deb (Debian package dpkg), dpkg (Debian package dpkg): apt-get install dpkg');
  });
});
