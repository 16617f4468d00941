#!/usr/bin/env node
// `npm run package`: builds what a user installs, from a checkout, into dist-packages/ (gitignored):
//
//   dist-packages/npm/    medkit-<v>.tgz (the `medkit` command) and the packages shared with outside plugins:
//                         medkit-rtps-<v>.tgz, medkit-ros2-<v>.tgz, medkit-sovd-<v>.tgz,
//                         medkit-plugin-api-<v>.tgz                                                     (step npm)
//   dist-packages/tree/   those tarballs installed, JavaScript only (no install script runs)         (step tree)
//   dist-packages/linux-<arch>/medkit-<v>/   the self-contained tree of amd64 and arm64: the pinned Node.js
//                         runtime (packaging/runtime.json), the tree, the native parts compiled for the
//                         architecture, bin/medkit                                      (step linux-<arch>)
//   dist-packages/medkit_<v>_<arch>.deb                  (dpkg-deb; step deb-<arch>)
//   dist-packages/medkit-<v>-linux-<arch>.tar.gz         (the tree for hosts without dpkg; step tar-<arch>)
//   dist-packages/medkit-image-<v>-<arch>.tar            (a docker archive, Debian's buildah; step oci-<arch>)
//
// `node scripts/package.mjs [step ...]` runs the steps named and the ones they need; `deb`, `tar` and `oci` name
// both architectures' steps. A step whose inputs did not change since it last ran is skipped (`--force` runs it
// anyway). Without step names, what this machine cannot build is skipped with one line naming what to install.
// docs/deploy.md describes the artefacts; test/packaging/ proves each on the machine.
import { MissingToolError, run, toolsMissing } from './package-tools.mjs';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_CACHE_DIR } from './bundle-cli.mjs';
import { bundleStagedPackage } from './bundle-shared.mjs';
import { withDirLock } from './dir-lock.mjs';
import { buildArchTree, buildTarball, nativePlan } from './package-arch.mjs';
import { buildDeb } from './package-deb.mjs';
import { buildImage } from './package-image.mjs';
import { archTreeDir, OUT, PACKAGING, readJson, ROOT, tarFile, treeDir, version } from './package-layout.mjs';
import { ARCHES, hostArch, RUNTIME_FILE, TRIPLET } from './package-runtime.mjs';

export { archTreeDir, buildahStore, commandNodeFlags, debFile, IMAGE_UID, imageFile, imageName, OUT, ROOT, SIZE_BUDGET, tarFile, treeDir, version } from './package-layout.mjs';
const BUNDLE = join(ROOT, 'packages/cli/bundle');

/** The workspace packages an outside plugin imports, packed as they are (their dist/, types and data files). */
export const SHARED = [
  { name: '@medkit/rtps', dir: 'packages/rtps' },
  { name: '@medkit/ros2', dir: 'packages/ros2' },
  // The SOVD core: the contract re-exports its errors and entity model, so it is shared the same way.
  { name: '@medkit/sovd', dir: 'packages/sovd' },
  { name: '@medkit/plugin-api', dir: 'packages/plugin-api' },
];
/**
 * Install scripts of the dependency tree: better-sqlite3's builds the SQLite driver (a native addon) and must
 * run; @scarf/scarf's (a development-only dependency of the workspace) only reports installs and must not.
 * protobufjs's (under the OpenTelemetry exporter) was read: it compares its version scheme with its dependents'
 * package.json and prints a warning, nothing else; allowed, because a global install (a flag, not package.json)
 * can only allow by name, never deny, and `--strict-allow-scripts` would then refuse the install.
 * The same policy is the workspace's package.json `allowScripts` (npm 11); test/packaging/npm.test.ts
 * checks the two agree with the lockfile.
 */
export const ALLOW_SCRIPTS = { 'better-sqlite3': true, '@scarf/scarf': false, protobufjs: true };

export const npmDir = () => join(OUT, 'npm');
export const tarballName = (name, v = version()) => `${name.replace(/^@/, '').replace('/', '-')}-${v}.tgz`;
/** The tarballs to install, the command's first. */
export const tarballs = () => ['medkit', ...SHARED.map((s) => s.name)].map((n) => join(npmDir(), tarballName(n)));

// Bare module specifiers in the bundle's chunks: static imports (`from"x"`, `import"x"`), dynamic ones
// (import(`x`)) and createRequire(import.meta.url)(`x`). rolldown writes them in these forms (minified, no
// whitespace between the keyword and the string).
// The bundle's CommonJS packages are required through __medkitRequire, or taken from vendor.cjs through __medkitVendor
// (scripts/bundle-cli.mjs, requireCommonJs): those stay listed, so the installed tree is the one the chunks were built
// against.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*|\bimport\(\s*|createRequire\(import\.meta\.url\)\(\s*|\b__medkit(?:Require|Vendor)\(\s*)(["'`])([^"'`./][^"'`]*)\1/g;

/** Package name of a bare specifier (`@a/b/c.js` → `@a/b`, `pino/file` → `pino`). */
const packageOf = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/**
 * The packages the bundle imports from node_modules, found in its chunks (so the list cannot drift from the
 * code), each with the version the lockfile installs and whether it is optional. Optional: what the workspace
 * declares as an optionalDependency (node-opcua, only for the `opcua` plugin). Throws on a package the
 * lockfile does not have: the bundle would fail to load it after an install.
 */
export function bundleExternals(bundleDir = BUNDLE) {
  const lock = readJson(join(ROOT, 'package-lock.json'));
  const names = new Set();
  for (const file of readdirSync(bundleDir).filter((f) => f.endsWith('.js'))) {
    for (const m of readFileSync(join(bundleDir, file), 'utf8').matchAll(SPECIFIER)) {
      const spec = m[2];
      if (spec.startsWith('node:') || builtinModules.includes(spec)) continue;
      names.add(packageOf(spec));
    }
  }
  const optional = new Set();
  const workspace = new Map();
  for (const dir of readdirSync(join(ROOT, 'packages'))) {
    const pj = join(ROOT, 'packages', dir, 'package.json');
    if (!existsSync(pj)) continue;
    const pkg = readJson(pj);
    workspace.set(pkg.name, pkg.version);
    for (const n of Object.keys(pkg.optionalDependencies ?? {})) optional.add(n);
  }
  const deps = {};
  const optionalDeps = {};
  for (const name of [...names].sort()) {
    const v = workspace.get(name) ?? lock.packages[`node_modules/${name}`]?.version;
    if (!v) throw new Error(`the bundle imports ${name}, which is neither a workspace package nor in package-lock.json`);
    (optional.has(name) ? optionalDeps : deps)[name] = v;
  }
  return { dependencies: deps, optionalDependencies: optionalDeps };
}

/** The packed package.json of the `medkit` command. */
export function commandManifest() {
  const root = readJson(join(ROOT, 'package.json'));
  const cli = readJson(join(ROOT, 'packages/cli/package.json'));
  const { dependencies, optionalDependencies } = bundleExternals();
  return {
    name: 'medkit',
    version: cli.version,
    description: 'medkit: a SOVD (ISO 17978-3) diagnostic gateway for ROS 2 robots (the medkit command: gateway, fleet server, MCP)',
    type: 'module',
    license: root.license,
    engines: root.engines,
    bin: { medkit: './bin/medkit.js' },
    files: ['bin', 'bundle', 'README.md', 'npm-shrinkwrap.json'],
    dependencies,
    optionalDependencies,
    allowScripts: ALLOW_SCRIPTS,
  };
}

/** Newest modification time under `path` (a file or a folder, walked; node_modules and the bundle's code cache are skipped). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== CODE_CACHE_DIR) m = Math.max(m, newest(join(path, name)));
  return m;
}
const stampFile = (step) => join(OUT, `.${step}-stamp`);
function upToDate(step, inputs) {
  const stamp = stampFile(step);
  if (!existsSync(stamp)) return false;
  const at = statSync(stamp).mtimeMs;
  return inputs.every((p) => newest(p) <= at);
}
const stamp = (step) => writeFileSync(stampFile(step), `${new Date().toISOString()}\n`);

/**
 * One shared package's tarball: the files `npm pack` takes from its folder, staged, its compiled modules replaced by
 * its bundle (scripts/bundle-shared.mjs: an entry file per `exports` path, a few shared chunks), then packed.
 */
async function packShared(shared, dir) {
  const [listing] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '-w', shared.name], { cwd: ROOT }).replace(/^[^[]*/, ''));
  const stage = join(OUT, 'stage', shared.name);
  rmSync(stage, { recursive: true, force: true });
  for (const { path } of listing.files) {
    mkdirSync(dirname(join(stage, path)), { recursive: true });
    cpSync(join(ROOT, shared.dir, path), join(stage, path));
  }
  await bundleStagedPackage(join(ROOT, shared.dir), stage);
  run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: stage });
}

/** Step npm: the five tarballs. */
async function packNpm() {
  const dir = join(OUT, 'npm.next');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const s of SHARED) await packShared(s, dir);
  // The command: bin/ and the bundle (without source maps, which map to the checkout's files, and without the
  // checkout's code cache: an installed tree is not written to), a package.json that lists what the bundle imports.
  const stage = join(OUT, 'stage/medkit');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  cpSync(join(ROOT, 'packages/cli/bin'), join(stage, 'bin'), { recursive: true });
  cpSync(BUNDLE, join(stage, 'bundle'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.endsWith('.bundle-stamp') && basename(src) !== CODE_CACHE_DIR });
  cpSync(join(ROOT, 'packages/cli/README.md'), join(stage, 'README.md'));
  const manifest = commandManifest();
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(stage, 'npm-shrinkwrap.json'), shrinkwrap(manifest));
  run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: stage });
  rmSync(join(OUT, 'stage'), { recursive: true, force: true });
  // npm pack is reproducible: a tarball whose bytes did not change keeps its file (and modification time), so
  // the steps built from it stay up to date.
  mkdirSync(npmDir(), { recursive: true });
  for (const t of tarballs()) {
    const next = join(dir, basename(t));
    if (!existsSync(next)) throw new Error(`npm pack did not write ${next}`);
    if (!existsSync(t) || !readFileSync(t).equals(readFileSync(next))) renameSync(next, t);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The command's npm-shrinkwrap.json: the third-party tree pinned as the workspace has it, the workspace's
 * `overrides` applied (they keep every package on Node 20: cookie 1 through light-my-request 6.6.0,
 * @nats-io/nuid 2). A published package's `overrides` are ignored by npm; its shrinkwrap is not. Resolved by
 * npm (`--package-lock-only`, from npm's cache where it can) in a temp dir for the command's third-party
 * dependencies alone: the @medkit/* packages are installed beside it from their own tarballs.
 */
function shrinkwrap(manifest) {
  const root = readJson(join(ROOT, 'package.json'));
  const thirdParty = (deps) => Object.fromEntries(Object.entries(deps).filter(([n]) => !n.startsWith('@medkit/')));
  const dir = mkdtempSync(join(tmpdir(), 'medkit-shrinkwrap-'));
  try {
    const pkg = { ...manifest, dependencies: thirdParty(manifest.dependencies), overrides: root.overrides };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    // Starting from the workspace's lockfile keeps every version it locks (npm drops what is not needed).
    cpSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-fund', '--no-audit'], { cwd: dir });
    const lock = readJson(join(dir, 'package-lock.json'));
    lock.packages[''] = { ...lock.packages[''], dependencies: manifest.dependencies };
    return `${JSON.stringify(lock, null, 2)}\n`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm install -g --prefix <prefix> <tarballs>` as a user runs it: in a temp dir, so nothing of the checkout
 * is on npm's or Node's path. Third-party packages come from the registry (or npm's cache). better-sqlite3's
 * install script is allowed by name (a global install reads no project package.json; `--allow-scripts` is
 * npm's flag for that), and `--strict-allow-scripts` makes any other install script an error, as a future npm
 * that enforces the policy would. npm (11.19) does not apply a shrinkwrap of a package installed globally
 * from a file (npm/cli#5325; it does from the registry), so this install resolves the transitive tree afresh.
 * Returns npm's output.
 */
export function installGlobal(prefix, { localPrebuilds } = {}) {
  const allowed = Object.entries(ALLOW_SCRIPTS).filter(([, v]) => v).map(([n]) => n).join(',');
  mkdirSync(join(prefix, 'lib'), { recursive: true });
  // Without a local prebuilt driver, build-from-source: prebuild-install would ask GitHub for one; this machine
  // compiles it. With one, better-sqlite3's script unpacks it as it would a download (a user's usual path).
  const driver = localPrebuilds ? { npm_config_better_sqlite3_local_prebuilds: localPrebuilds } : { npm_config_build_from_source: 'true' };
  return inTempDir((cwd) => run('npm', ['install', '-g', '--prefix', prefix, `--allow-scripts=${allowed}`, ...INSTALL_FLAGS, ...tarballs()], { cwd, env: { ...NPM_ENV, ...driver } }));
}

/**
 * Packs the workspace's compiled SQLite driver (built by `npm ci` for the Node.js running this) into `dir` under
 * the name prebuild-install looks for, so an install on this machine unpacks it instead of compiling it again.
 * Returns the file written.
 */
export function packLocalPrebuild(dir) {
  const pkg = readJson(join(ROOT, 'node_modules/better-sqlite3/package.json'));
  const file = join(dir, `better-sqlite3-v${pkg.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`);
  run('tar', ['czf', file, '-C', join(ROOT, 'node_modules/better-sqlite3'), 'build/Release/better_sqlite3.node']);
  return file;
}

const INSTALL_FLAGS = ['--strict-allow-scripts', '--prefer-offline', '--no-fund', '--no-audit'];
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false' };
function inTempDir(fn) {
  const cwd = mkdtempSync(join(tmpdir(), 'medkit-npm-install-'));
  try {
    return fn(cwd);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * Step tree: the tarballs installed into dist-packages/tree/node_modules, JavaScript only: the start of every
 * architecture's tree (package-arch.mjs compiles the native parts for each). A project install (in a temp dir,
 * then copied in) whose package.json names the tarballs and carries the workspace's `overrides` and
 * `allowScripts` (npm applies no shrinkwrap of a package installed from a file, npm/cli#5325, but a project's
 * overrides reach its whole tree), started from the workspace's lockfile so every version is the one the
 * workspace runs. `--ignore-scripts`: better-sqlite3's script would build its driver for the Node.js running npm
 * (and first ask GitHub for a prebuilt one), not for the runtime and the architecture packaged.
 */
function installTree() {
  const root = readJson(join(ROOT, 'package.json'));
  inTempDir((dir) => {
    const dependencies = Object.fromEntries(['medkit', ...SHARED.map((s) => s.name)].map((n, i) => [n, `file:${tarballs()[i]}`]));
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'medkit-install', private: true, dependencies, overrides: root.overrides, allowScripts: ALLOW_SCRIPTS }, null, 2)}\n`);
    cpSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    const log = run('npm', ['install', '--omit=dev', '--ignore-scripts', ...INSTALL_FLAGS], { cwd: dir, env: NPM_ENV });
    writeFileSync(join(dir, 'npm-install.log'), log);
    rmSync(join(dir, 'package-lock.json'));
    rmSync(treeDir(), { recursive: true, force: true });
    cpSync(dir, treeDir(), { recursive: true, verbatimSymlinks: true });
  });
}

const SCRIPT = fileURLToPath(import.meta.url);
const script = (f) => join(ROOT, 'scripts', f);
// A step runs when an input changed since it last did. The tree's input is the tarballs (unchanged bytes keep
// their files): after changing how the tree is installed, run it with --force.
// `tools`: the programs a step runs, each with the Debian package that has it, so that a machine without one
// skips that artefact with a line saying what to install instead of failing half-way.
const perArch = (make) => Object.fromEntries(ARCHES.map((arch) => make(arch)));
/**
 * What `npm pack` reads of a shared package: its package.json and the top-level entries of its `files` (dist, native,
 * README.md, ...), not the whole folder: the interop tests build their DDS peers under packages/rtps/test/peers/build,
 * and a whole-folder input made the packaging tests pack the npm step again after the background build (10 s here,
 * 36 s on a loaded box, while the other packaging files waited on the lock) for the same tarballs.
 */
function packedInputs(dir) {
  const pkg = readJson(join(ROOT, dir, 'package.json'));
  const tops = (pkg.files ?? []).filter((f) => !f.startsWith('!')).map((f) => f.split('/')[0]);
  return [join(ROOT, dir, 'package.json'), ...[...new Set(tops)].map((t) => join(ROOT, dir, t))];
}
const STEPS = {
  npm: { needs: [], tools: () => [], inputs: () => [BUNDLE, join(ROOT, 'packages/cli/bin'), join(ROOT, 'packages/cli/README.md'), join(ROOT, 'package-lock.json'), ...SHARED.flatMap((s) => packedInputs(s.dir)), SCRIPT, script('bundle-shared.mjs')], run: packNpm },
  tree: { needs: ['npm'], tools: () => [], inputs: () => tarballs(), run: installTree },
  ...perArch((arch) => [`linux-${arch}`, { needs: ['tree'], tools: () => nativePlan(arch).tools, inputs: () => [treeDir(), RUNTIME_FILE, ...['package-arch.mjs', 'package-runtime.mjs', 'package-buildroot.mjs', 'package-tools.mjs'].map(script)], run: () => buildArchTree(arch) }]),
  ...perArch((arch) => [`deb-${arch}`, { needs: [`linux-${arch}`], tools: () => [['dpkg-deb', 'dpkg'], ['du', 'coreutils']], inputs: () => [archTreeDir(arch), PACKAGING, join(ROOT, 'docs'), script('package-deb.mjs')], run: () => buildDeb(arch) }]),
  ...perArch((arch) => [`tar-${arch}`, { needs: [`linux-${arch}`], tools: () => [['tar', 'tar'], ['gzip', 'gzip']], inputs: () => [archTreeDir(arch), script('package-arch.mjs')], run: () => buildTarball(arch, tarFile(arch)) }]),
  ...perArch((arch) => [
    `oci-${arch}`,
    {
      needs: [`linux-${arch}`],
      // The libraries of another architecture come from its cross toolchain's C library (crossbuild-essential-<arch>).
      tools: () => [['buildah', 'buildah'], ['readelf', 'binutils'], ...(arch === hostArch() ? [] : [[`/usr/${TRIPLET[arch]}/lib/libc.so.6`, `crossbuild-essential-${arch}`]])],
      inputs: () => [archTreeDir(arch), script('package-image.mjs')],
      run: () => buildImage(arch),
    },
  ]),
};
/** Names for several steps: each kind of artefact for both architectures. */
const ALIASES = { deb: ARCHES.map((a) => `deb-${a}`), tar: ARCHES.map((a) => `tar-${a}`), oci: ARCHES.map((a) => `oci-${a}`), linux: ARCHES.map((a) => `linux-${a}`) };
const expand = (steps) => steps.flatMap((s) => ALIASES[s] ?? [s]);

const missingTools = (step) => toolsMissing(STEPS[step].tools()); // those not on this machine's PATH

/**
 * Runs `steps` and what they need, each unless up to date; returns the steps that ran. One packager at a time
 * (test files package in parallel workers): the others wait for the lock, then find the steps up to date.
 */
export async function packageSteps(steps, { force = false } = {}) {
  // Checked first, before waiting for another packager: a missing tool is known at once, not after minutes of packing.
  for (const step of closure(expand(steps))) {
    const missing = missingTools(step);
    if (missing.length > 0) throw new MissingToolError(step, missing);
  }
  mkdirSync(OUT, { recursive: true });
  return withDirLock(join(OUT, '.lock'), { waitMs: 40 * 60_000, pollMs: 500, name: 'medkit package' }, () => runSteps(expand(steps), force));
}

function closure(steps) { // `steps` and every step they need
  const all = new Set();
  const add = (n) => {
    if (!Object.hasOwn(STEPS, n)) throw new Error(`unknown step ${n} (steps: ${Object.keys(STEPS).join(', ')})`);
    if (all.has(n)) return;
    all.add(n);
    STEPS[n].needs.forEach(add);
  };
  steps.forEach(add);
  return [...all];
}

/**
 * CPU seconds (user + system) of this process and the children it has waited for (every tool a step runs), from
 * /proc/self/stat: each step's line says what it costs, since the background packager's CPU is taken from the tests'.
 */
function cpuSeconds() {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // Fields 14..17 of proc(5) (utime, stime, cutime, cstime), counted here from field 3; in clock ticks (100 a second on Linux).
  return f.slice(11, 15).reduce((s, x) => s + Number(x), 0) / 100;
}

async function runSteps(steps, force) {
  const ran = [];
  const done = new Set();
  const visit = async (name) => {
    if (done.has(name)) return;
    const step = STEPS[name];
    for (const n of step.needs) await visit(n);
    done.add(name);
    if (!force && upToDate(name, step.inputs())) return;
    const t0 = performance.now();
    const cpu0 = cpuSeconds();
    await step.run();
    stamp(name);
    ran.push(name);
    console.log(`medkit package: ${name} in ${Math.round(performance.now() - t0)} ms, ${(cpuSeconds() - cpu0).toFixed(1)} s of CPU`);
  };
  for (const s of steps) await visit(s);
  return ran;
}

// The command: the steps named, or every step; without a name, an artefact whose tools are missing is skipped
// with one line naming the Debian package. A named step that cannot run, or any failure: its message, exit 1.
/**
 * What the command builds for `named` steps (aliases expanded): the steps to run, and for each step that cannot
 * run here one line naming what to install (the steps that need it are left out with it).
 */
export function commandPlan(named, missing = missingTools) {
  if (named.length > 0) return { run: expand(named), skipped: [] };
  const all = Object.keys(STEPS);
  const cannot = all.filter((step) => missing(step).length > 0);
  const blocked = all.filter((step) => closure([step]).some((s) => cannot.includes(s)));
  const skipped = cannot.map((s) => {
    const after = blocked.filter((b) => b !== s && closure([b]).includes(s));
    return `medkit package: skipping ${s}${after.length > 0 ? ` (and ${after.join(', ')})` : ''}: ${new MissingToolError(s, missing(s)).message.slice(s.length + 1)}`;
  });
  return { run: all.filter((s) => !blocked.includes(s)), skipped };
}

async function main(args) {
  const { run: steps, skipped } = commandPlan(args.filter((a) => !a.startsWith('--')));
  for (const line of skipped) console.log(line);
  await packageSteps(steps, { force: args.includes('--force') });
  if (skipped.length > 0) console.log('medkit package: built what this machine can (README.md, "Install", names what each artefact needs)');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main(process.argv.slice(2));
  } catch (err) {
    console.error(`medkit package: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
