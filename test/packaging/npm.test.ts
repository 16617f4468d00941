// The npm tarballs of `npm run package` (scripts/package.mjs, docs/deploy.md): the `medkit` command and the
// packages shared with outside plugins. The command's package.json lists what its bundle imports (found in the
// chunks, versions from the lockfile), its install-script policy agrees with the workspace's, the tree the
// packages start from is the shrinkwrapped one, and the tarballs installed with
// `npm install -g --prefix` from a temp dir, as a user would, run `medkit` with no checkout on the path.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_SCRIPTS, bundleExternals, installGlobal, packLocalPrebuild, tarballs, treeDir } from '../../scripts/package.mjs';
import { REPO_ROOT } from '../../test-support/medkit-cli.js';
import { expectHealthAndUi, packageArtefacts, withInstalledGateway } from '../../test-support/packaging.js';

type Manifest = { name: string; version: string; dependencies: Record<string, string>; optionalDependencies: Record<string, string>; allowScripts: Record<string, boolean>; files: string[] };
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; hasInstallScript?: boolean }> };
const rootPkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean> };
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
const tarList = (t: string) => execFileSync('tar', ['tzf', t], { encoding: 'utf8' }).split('\n').filter(Boolean);
const tarFile = (t: string, f: string) => execFileSync('tar', ['xzf', t, '-O', `package/${f}`], { encoding: 'utf8', maxBuffer: 64 << 20 });

describe('install scripts (npm 11 allowScripts)', () => {
  it('the workspace and the command allow better-sqlite3 (it builds the driver), allow protobufjs (a version warning, read), deny scarf (telemetry), and cover every install script in the lockfile', () => {
    expect(rootPkg.allowScripts).toEqual(ALLOW_SCRIPTS);
    expect(ALLOW_SCRIPTS).toEqual({ 'better-sqlite3': true, '@scarf/scarf': false, protobufjs: true });
    const withScripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(withScripts.filter((n) => !(n in ALLOW_SCRIPTS))).toEqual([]);
  });

  it('npm finds nothing unreviewed in the workspace', () => {
    const out = execFileSync('npm', ['install-scripts', 'ls'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/No packages with unreviewed install scripts/);
  });
});

describe('the npm tarballs', () => {
  beforeAll(() => packageArtefacts(['npm']), 600_000);

  it('the command lists every package its bundle imports, at the lockfile version; node-opcua is optional', () => {
    const manifest = JSON.parse(tarFile(tarballs()[0], 'package.json')) as Manifest;
    expect(manifest.name).toBe('medkit');
    expect(manifest.version).toBe(version);
    const { dependencies, optionalDependencies } = bundleExternals() as Pick<Manifest, 'dependencies' | 'optionalDependencies'>;
    expect(manifest.dependencies).toEqual(dependencies);
    expect(manifest.optionalDependencies).toEqual(optionalDependencies);
    // Static imports and dynamic ones (jose, mqtt, prom-client) are all found.
    for (const n of ['fastify', 'better-sqlite3', 'pino', 'jose', 'mqtt', 'prom-client', '@nats-io/jetstream', 'pg']) expect(manifest.dependencies[n], n).toBe(lock.packages[`node_modules/${n}`].version);
    for (const n of ['@medkit/plugin-api', '@medkit/sovd', '@medkit/ros2', '@medkit/rtps']) expect(manifest.dependencies[n]).toBe(version);
    expect(Object.keys(manifest.optionalDependencies).sort()).toEqual(['node-opcua-certificate-manager', 'node-opcua-client']);
    // Outbound HTTP is node:http(s), so undici (a test tool here) is not shipped.
    expect(manifest.dependencies.undici).toBeUndefined();
    // What the bundle inlines is not a dependency.
    for (const n of ['@sinclair/typebox', '@medkit/gateway', '@medkit/fleet']) expect(manifest.dependencies[n], n).toBeUndefined();
    expect(manifest.allowScripts).toEqual(ALLOW_SCRIPTS);
  });

  it('the command carries bin/, the bundle with its assets and a shrinkwrap with the workspace overrides; no source maps, no code cache', () => {
    const files = tarList(tarballs()[0]);
    // The checkout's code cache stays behind: an installed bundle is never written to (scripts/vendor-load.cjs).
    expect(files.filter((f) => f.includes('.code-cache'))).toEqual([]);
    for (const f of ['package/bin/medkit.js', 'package/bundle/main.js', 'package/bundle/vendor.cjs', 'package/bundle/vendor-load.cjs', 'package/bundle/assets/web/dist/index.html', 'package/bundle/assets/gateway/package.json', 'package/npm-shrinkwrap.json']) expect(files, f).toContain(f);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const shrinkwrap = JSON.parse(tarFile(tarballs()[0], 'npm-shrinkwrap.json')) as { packages: Record<string, { version: string }> };
    expect(shrinkwrap.packages['node_modules/fastify/node_modules/light-my-request'].version).toBe('6.6.0');
    expect(shrinkwrap.packages['node_modules/@nats-io/nuid'].version).toBe('2.0.3');
    expect(shrinkwrap.packages['node_modules/better-sqlite3'].version).toBe(lock.packages['node_modules/better-sqlite3'].version);
  });

  it('the shared packages carry their dist/ (and ROS interfaces) without build state', () => {
    const [, rtps, ros2, sovd, api] = tarballs() as string[];
    for (const t of [rtps, ros2, sovd, api]) {
      const files = tarList(t);
      expect(files).toContain('package/dist/index.js');
      expect(files).toContain('package/dist/index.d.ts');
      expect(files.filter((f) => f.endsWith('.tsbuildinfo'))).toEqual([]);
    }
    expect(tarList(rtps)).toContain('package/dist/security/index.js');
    // The compiled addon (AES-GCM, batched UDP receive: docs/sros2.md, "Speed") and its sources, not its object files.
    expect(tarList(rtps).filter((f) => f.startsWith('package/native/')).sort()).toEqual(
      ['addon.c', 'aes_gcm.c', 'binding.gyp', 'build/Release/medkit_rtps.node', 'native.h', 'udp_placement.c', 'udp_receive.c', 'udp_receive.h'].map((f) => `package/native/${f}`),
    );
    expect(tarList(ros2).some((f) => f.startsWith('package/interfaces/'))).toBe(true);
  });

  it('the shared packages ship bundled (scripts/bundle-shared.mjs): an entry file per `exports` path, the rest in a few chunks beside them', () => {
    const [, rtps, ros2, sovd, api] = tarballs() as string[];
    for (const [t, dir] of [[rtps, 'rtps'], [ros2, 'ros2'], [sovd, 'sovd'], [api, 'plugin-api']] as const) {
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', dir, 'package.json'), 'utf8')) as { exports: Record<string, { import: string }> };
      const entries = Object.values(pkg.exports).map((e) => `package/${e.import.slice(2)}`);
      const js = tarList(t).filter((f) => f.endsWith('.js'));
      expect(js.filter((f) => !entries.includes(f)).every((f) => /^package\/dist\/[\w-]+-[\w-]{8}\.js$/.test(f)), `${dir}: ${js.join(' ')}`).toBe(true);
      expect(js.length, dir).toBeLessThanOrEqual(entries.length + 5);
      // The type declarations stay as tsc wrote them, one per module (an outside plugin's editor reads them).
      expect(tarList(t).filter((f) => f.endsWith('.d.ts')).length, dir).toBe(readdirSync(join(REPO_ROOT, 'packages', dir, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.d.ts')).length);
    }
  });
});

describe('the installed tree every architecture\'s package starts from', () => {
  beforeAll(() => packageArtefacts(['tree']), 900_000);
  const modules = () => join(treeDir(), 'node_modules');
  /** The version Node.js loads for `name` from `dir` (node_modules lookup upwards). */
  const versionFrom = (dir: string, name: string): string => {
    for (let d = dir; d.startsWith(treeDir()); d = dirname(d)) {
      const pj = join(d, 'node_modules', name, 'package.json');
      if (existsSync(pj)) return (JSON.parse(readFileSync(pj, 'utf8')) as { version: string }).version;
    }
    throw new Error(`${name} is not installed for ${dir}`);
  };

  it('has the workspace versions (its overrides applied), nothing needing a newer Node; no install script ran (the driver is compiled per architecture), scarf absent', () => {
    expect(readFileSync(join(treeDir(), 'npm-install.log'), 'utf8')).not.toMatch(/EBADENGINE/);
    expect(readdirSync(join(modules(), '@medkit')).sort()).toEqual(['plugin-api', 'ros2', 'rtps', 'sovd']);
    const command = join(modules(), 'medkit');
    for (const n of ['fastify', 'better-sqlite3', 'pino', '@nats-io/transport-node']) expect(versionFrom(command, n), n).toBe(lock.packages[`node_modules/${n}`].version);
    const fastify = join(modules(), 'fastify');
    expect(versionFrom(fastify, 'light-my-request')).toBe('6.6.0');
    expect(versionFrom(join(modules(), '@nats-io/transport-node'), '@nats-io/nuid')).toBe('2.0.3');
    // Compiled by step linux-<arch> for the packaged runtime and architecture (test/packaging/deb.test.ts, arm64.test.ts).
    expect(existsSync(join(modules(), 'better-sqlite3/build'))).toBe(false);
    expect(existsSync(join(modules(), 'better-sqlite3/binding.gyp'))).toBe(true);
    expect(existsSync(join(modules(), '@scarf'))).toBe(false);
  });
});

describe('`npm install -g --prefix <tmp>` of the tarballs, run from a temp dir', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'medkit-npm-global-'));
  const prebuilds = mkdtempSync(join(tmpdir(), 'medkit-prebuilds-'));
  beforeAll(() => {
    packageArtefacts(['npm']);
    // better-sqlite3's install script runs (allowed by name) and unpacks the driver the workspace's `npm ci`
    // compiled, as it would a download: compiling it a second time here took a minute of a 2-core CI machine, and
    // the compile is already proven by `npm ci`. `--strict-allow-scripts` fails the install on any install script
    // not allowed. (npm applies no shrinkwrap to a global install from a file, npm/cli#5325: its EBADENGINE
    // warnings for cookie 2 and @nats-io/nuid 3 are npm's, not the published package's.)
    packLocalPrebuild(prebuilds);
    installGlobal(prefix, { localPrebuilds: prebuilds });
  }, 900_000);
  afterAll(() => {
    rmSync(prefix, { recursive: true, force: true });
    rmSync(prebuilds, { recursive: true, force: true });
  });

  it('installs the command and the shared packages; better-sqlite3 is built', () => {
    const modules = join(prefix, 'lib/node_modules');
    expect(readdirSync(join(modules, '@medkit')).sort()).toEqual(['plugin-api', 'ros2', 'rtps', 'sovd']);
    expect(existsSync(join(modules, 'medkit/node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
  });

  it('`<prefix>/bin/medkit --version` names the version', () => {
    expect(execFileSync(join(prefix, 'bin/medkit'), ['--version'], { cwd: prefix, encoding: 'utf8' }).split('\n')[0]).toBe(`medkit ${version}`);
  });

  it('the bundled shared packages hold one copy of each module across their entries, find their ROS interfaces and load the RTPS addon', () => {
    const script = [
      "const [ros2, light, rtps, rtpsLight] = await Promise.all(['@medkit/ros2', '@medkit/ros2/light', '@medkit/rtps', '@medkit/rtps/light'].map((m) => import(m)));",
      "await import('@medkit/ros2/security'); await import('@medkit/rtps/security');",
      'const registry = new ros2.TypeRegistry();',
      "console.log(JSON.stringify({ oneCopy: ros2.rosFailure === light.rosFailure && rtps.DEFAULT_QOS === rtpsLight.DEFAULT_QOS, interfaces: ros2.bundledInterfacesDir(), laserScan: registry.has('sensor_msgs/msg/LaserScan'), addon: rtpsLight.rtpsAddonPresent && rtpsLight.rtpsAddonError === undefined }));",
    ].join('\n');
    // From the command's folder, as the bundle (and an outside plugin installed beside it) resolves them.
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(prefix, 'lib/node_modules/medkit'), encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({ oneCopy: true, interfaces: join(prefix, 'lib/node_modules/@medkit/ros2/interfaces/'), laserScan: true, addon: true });
  });

  it("keeps its code cache in the user's cache directory, never in the installation (the second start is warm)", async () => {
    const home = join(prefix, 'home');
    // A relative XDG_CACHE_HOME is not one (the XDG rule): ~/.cache is used.
    const env = { PATH: process.env.PATH, HOME: home, XDG_CACHE_HOME: 'relative/cache', NODE_DEBUG: 'medkit-code-cache', MEDKIT_CODE_CACHE_SAVE_MS: '300' };
    const dir = join(home, '.cache/medkit/code-cache');
    const run = (e: NodeJS.ProcessEnv, expected: RegExp) =>
      withInstalledGateway(join(prefix, 'bin/medkit'), [], ['--data-dir', join(prefix, 'data-cache')], async (_base, _output, said) => void (await said(expected)), { cwd: prefix, env: e });
    await run(env, new RegExp(`: wrote ${dir}/vendor-`));
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    await run(env, new RegExp(`: used ${dir}/vendor-`));
    // An absolute XDG_CACHE_HOME is taken before ~/.cache.
    const xdg = join(prefix, 'xdg-cache');
    await run({ ...env, XDG_CACHE_HOME: xdg }, new RegExp(`: none usable at ${xdg}/medkit/code-cache/vendor-`));
    expect(readdirSync(join(prefix, 'lib/node_modules/medkit/bundle')).filter((f) => f.startsWith('.code-cache') || f.endsWith('.v8'))).toEqual([]);
  });

  it('`medkit gateway --no-ros` answers /health and serves the web UI', async () => {
    await withInstalledGateway(join(prefix, 'bin/medkit'), [], ['--data-dir', join(prefix, 'data')], expectHealthAndUi, { cwd: prefix });
  });
});
