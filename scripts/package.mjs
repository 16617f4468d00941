#!/usr/bin/env node
// `npm run package`: builds what a user installs, from a checkout, into dist-packages/ (gitignored):
//
//   dist-packages/npm/    medkit-<v>.tgz (the `medkit` command) and the packages shared with outside plugins:
//                         medkit-rtps-<v>.tgz, medkit-ros2-<v>.tgz, medkit-plugin-api-<v>.tgz
//   dist-packages/tree/   those tarballs installed (node_modules/, bin/medkit), better-sqlite3 compiled: what the
//                         Debian package and the image ship
//   dist-packages/medkit_<v>_<arch>.deb                          (dpkg-deb; step `deb`)
//   dist-packages/medkit-image-<v>.tar                           (an OCI archive, Debian's buildah; step `oci`)
//
// `node scripts/package.mjs [npm|deb|oci ...]` runs the steps named and the ones they need (deb and oci need
// the tree). A step whose inputs did not change since it last ran is skipped (`--force` runs it anyway).
// docs/deploy.md describes the artefacts; test/packaging/ proves each on the machine.
import { spawnSync } from 'node:child_process';
import { MissingToolError, toolsMissing } from './package-tools.mjs';
import { builtinModules } from 'node:module';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDirLock } from './dir-lock.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT = join(ROOT, 'dist-packages');
const BUNDLE = join(ROOT, 'packages/cli/bundle');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The workspace packages an outside plugin imports, packed as they are (their dist/, types and data files). */
export const SHARED = [
  { name: '@medkit/rtps', dir: 'packages/rtps' },
  { name: '@medkit/ros2', dir: 'packages/ros2' },
  { name: '@medkit/plugin-api', dir: 'packages/plugin-api' },
];
/**
 * Install scripts of the dependency tree: better-sqlite3's builds the SQLite driver (a native addon) and must
 * run; @scarf/scarf's (a development-only dependency of the workspace) only reports installs and must not.
 * The same policy is the workspace's package.json `allowScripts` (npm 11); test/packaging/npm.test.ts
 * checks the two agree with the lockfile.
 */
export const ALLOW_SCRIPTS = { 'better-sqlite3': true, '@scarf/scarf': false };

export const version = () => readJson(join(ROOT, 'packages/cli/package.json')).version;
export const npmDir = () => join(OUT, 'npm');
export const treeDir = () => join(OUT, 'tree');
export const tarballName = (name, v = version()) => `${name.replace(/^@/, '').replace('/', '-')}-${v}.tgz`;
/** The tarballs to install, the command's first. */
export const tarballs = () => ['medkit', ...SHARED.map((s) => s.name)].map((n) => join(npmDir(), tarballName(n)));

// Bare module specifiers in the bundle's chunks: static imports (`from"x"`, `import"x"`), dynamic ones
// (import(`x`)) and createRequire(import.meta.url)(`x`). rolldown writes them in these forms (minified, no
// whitespace between the keyword and the string).
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*|\bimport\(\s*|createRequire\(import\.meta\.url\)\(\s*)(["'`])([^"'`./][^"'`]*)\1/g;

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

/** Runs a command; returns its stdout and stderr together, throws with them when it fails. */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${output}`);
  return output;
}

/** Newest modification time under `path` (a file or a folder, walked; node_modules is skipped). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const name of readdirSync(path)) if (name !== 'node_modules') m = Math.max(m, newest(join(path, name)));
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

/** Step npm: the four tarballs. */
function packNpm() {
  const dir = join(OUT, 'npm.next');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir, ...SHARED.flatMap((s) => ['-w', s.name])], { cwd: ROOT });
  // The command: bin/ and the bundle (without source maps, which map to the checkout's files), a package.json
  // that lists what the bundle imports.
  const stage = join(OUT, 'stage/medkit');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  cpSync(join(ROOT, 'packages/cli/bin'), join(stage, 'bin'), { recursive: true });
  cpSync(BUNDLE, join(stage, 'bundle'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.endsWith('.bundle-stamp') });
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
export function installGlobal(prefix) {
  const allowed = Object.entries(ALLOW_SCRIPTS).filter(([, v]) => v).map(([n]) => n).join(',');
  mkdirSync(join(prefix, 'lib'), { recursive: true });
  return inTempDir((cwd) => run('npm', ['install', '-g', '--prefix', prefix, `--allow-scripts=${allowed}`, ...INSTALL_FLAGS, ...tarballs()], { cwd, env: NPM_ENV }));
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
 * Step tree: the tarballs installed into dist-packages/tree/node_modules, with tree/bin/medkit: what the
 * Debian package and the image ship. A project install (in a temp dir, then copied in) whose package.json
 * names the tarballs and carries the workspace's `overrides` and `allowScripts` (npm applies no shrinkwrap of a
 * package installed from a file, npm/cli#5325, but a project's overrides reach its whole tree), started from
 * the workspace's lockfile so every version is the one the workspace runs; `--strict-allow-scripts`.
 */
function installTree() {
  const root = readJson(join(ROOT, 'package.json'));
  inTempDir((dir) => {
    const dependencies = Object.fromEntries(['medkit', ...SHARED.map((s) => s.name)].map((n, i) => [n, `file:${tarballs()[i]}`]));
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'medkit-install', private: true, dependencies, overrides: root.overrides, allowScripts: ALLOW_SCRIPTS }, null, 2)}\n`);
    cpSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    const log = run('npm', ['install', '--omit=dev', ...INSTALL_FLAGS], { cwd: dir, env: NPM_ENV });
    writeFileSync(join(dir, 'npm-install.log'), log);
    rmSync(join(dir, 'package-lock.json'));
    trimSqlite(join(dir, 'node_modules/better-sqlite3'));
    rmSync(treeDir(), { recursive: true, force: true });
    cpSync(dir, treeDir(), { recursive: true, verbatimSymlinks: true });
  });
  mkdirSync(join(treeDir(), 'bin'));
  symlinkSync('../node_modules/medkit/bin/medkit.js', join(treeDir(), 'bin/medkit'));
}

/**
 * better-sqlite3 after its build: the compiled driver (build/Release/better_sqlite3.node, which it finds with
 * `bindings`) and lib/ stay; SQLite's sources, the object files and the build files (26 MB) go.
 */
function trimSqlite(dir) {
  for (const name of ['deps', 'src']) rmSync(join(dir, name), { recursive: true, force: true });
  for (const name of readdirSync(join(dir, 'build'))) if (name !== 'Release') rmSync(join(dir, 'build', name), { recursive: true, force: true });
  for (const name of readdirSync(join(dir, 'build/Release'))) if (name !== 'better_sqlite3.node') rmSync(join(dir, 'build/Release', name), { recursive: true, force: true });
}

export const debFile = () => join(OUT, `medkit_${version()}_${debArch()}.deb`);
const debArch = () => run('dpkg', ['--print-architecture']).trim();
const PACKAGING = join(ROOT, 'packaging');

/**
 * Step deb: dist-packages/medkit_<v>_<arch>.deb (dpkg-deb). /usr/lib/medkit is the installed tree,
 * /usr/bin/medkit a link to its command, /etc/medkit/{gateway,fleet}.yaml conffiles, the two hardened units,
 * maintainer scripts that make the medkit system user (postinst) and remove its state on purge (postrm).
 * Architecture-specific: better-sqlite3 is compiled for this machine's Node.js ABI, which `Depends: nodejs
 * (>= 20.19)` and the engines range bound (docs/deploy.md).
 */
function buildDeb() {
  const root = join(OUT, 'deb-root');
  rmSync(root, { recursive: true, force: true });
  const put = (from, to, mode = 0o644) => {
    mkdirSync(join(root, to, '..'), { recursive: true });
    cpSync(from, join(root, to));
    chmodSync(join(root, to), mode);
  };
  mkdirSync(join(root, 'usr/lib/medkit'), { recursive: true });
  cpSync(join(treeDir(), 'node_modules'), join(root, 'usr/lib/medkit/node_modules'), { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  symlinkSync('../lib/medkit/node_modules/medkit/bin/medkit.js', join(root, 'usr/bin/medkit'));
  for (const f of ['gateway.yaml', 'fleet.yaml']) put(join(PACKAGING, f), `etc/medkit/${f}`);
  for (const u of ['medkit-gateway.service', 'medkit-fleet.service']) put(join(PACKAGING, u), `lib/systemd/system/${u}`);
  for (const d of ['docs/deploy.md', 'docs/configuration.md', 'docs/fleet.md', 'docs/security.md', 'README.md']) put(join(ROOT, d), `usr/share/doc/medkit/${d.replace(/^docs\//, '')}`);
  writeFileSync(join(root, 'usr/share/doc/medkit/copyright'), 'medkit\nLicense: Apache-2.0 (/usr/share/common-licenses/Apache-2.0)\nThe npm packages under /usr/lib/medkit/node_modules carry their own licenses.\n');
  for (const s of ['postinst', 'prerm', 'postrm']) put(join(PACKAGING, 'debian', s), `DEBIAN/${s}`, 0o755);
  writeFileSync(join(root, 'DEBIAN/conffiles'), '/etc/medkit/gateway.yaml\n/etc/medkit/fleet.yaml\n');
  const size = run('du', ['-sk', '--exclude=DEBIAN', root]).split('\t')[0];
  const engines = readJson(join(ROOT, 'package.json')).engines.node.replace(/^>=\s*/, '');
  writeFileSync(
    join(root, 'DEBIAN/control'),
    [
      'Package: medkit',
      `Version: ${version()}-1`,
      `Architecture: ${debArch()}`,
      'Maintainer: medkit developers <medkit@localhost>',
      `Installed-Size: ${size}`,
      `Depends: nodejs (>= ${engines}), passwd`,
      'Recommends: nats-server, postgresql',
      'Section: net',
      'Priority: optional',
      'Description: SOVD (ISO 17978-3) diagnostic gateway for ROS 2 robots',
      ' medkit speaks DDS-RTPS itself and serves the robot\'s diagnostics (faults, data, operations,',
      ' configurations, logs) over the SOVD REST API with a web UI; `medkit fleet` serves a fleet of',
      ' robots from NATS JetStream and PostgreSQL. Services: medkit-gateway, medkit-fleet (not enabled).',
      '',
    ].join('\n'),
  );
  run('dpkg-deb', ['--root-owner-group', '-Zxz', '-z6', '--build', root, debFile()]);
  rmSync(root, { recursive: true, force: true });
}

export const imageName = () => `localhost/medkit:${version()}`;
export const imageFile = () => join(OUT, `medkit-image-${version()}.tar`);
/** The image's user (no name service in the image: /etc/passwd names it). */
export const IMAGE_UID = 10001;
/** buildah's arguments for a private store under `dir` (vfs: no overlay mounts, nothing left in /var/lib/containers). */
export const buildahStore = (dir) => ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--storage-driver', 'vfs'];

/**
 * What the image leaves out of the tree: node-opcua (optional) and type packages, and files nothing loads at
 * run time (type declarations, source maps, Markdown).
 */
const IMAGE_LEAVES_OUT = /[\\/]node_modules[\\/](node-opcua[^\\/]*|@types)$|\.(d\.[cm]?ts|map|md|markdown)$/i;

/** Libraries an ELF file loads (ldd), as absolute paths. */
function sharedLibraries(file) {
  return run('ldd', [file])
    .split('\n')
    .map((l) => l.match(/(?:=>\s*)?(\/\S+)\s+\(0x/)?.[1])
    .filter(Boolean);
}

/**
 * Step oci: dist-packages/medkit-image-<v>.tar, a docker-archive (`podman load`, `docker load`, `buildah pull
 * docker-archive:`) of localhost/medkit:<v>, built FROM scratch with Debian's buildah (no registry is
 * needed): this machine's node binary and the libraries it and better-sqlite3 load (ldd), the installed tree
 * under /usr/lib/medkit, user medkit (uid 10001), /var/lib/medkit a volume, a HEALTHCHECK (docker format:
 * OCI image configs have none) and the entrypoint `medkit` with its Node.js options, default command `gateway`.
 * Without node-opcua (optional; an image for the opcua plugin adds it, docs/deploy.md), type declarations,
 * source maps and Markdown; the node binary without debug information.
 */
function buildImage() {
  const rootfs = join(OUT, 'oci-root');
  rmSync(rootfs, { recursive: true, force: true });
  const node = realpathSync(process.execPath);
  const app = join(rootfs, 'usr/lib/medkit/node_modules');
  cpSync(join(treeDir(), 'node_modules'), app, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => !IMAGE_LEAVES_OUT.test(src),
  });
  const addon = join(app, 'better-sqlite3/build/Release/better_sqlite3.node');
  for (const file of new Set([node, ...sharedLibraries(node), ...sharedLibraries(addon)])) {
    const dest = join(rootfs, file === node ? 'usr/bin/node' : file);
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(realpathSync(file), dest);
  }
  // NodeSource's node binary keeps its symbol table and some debug information: 12 MB that nothing reads at run
  // time (the dynamic symbols addons link against stay).
  run('strip', [join(rootfs, 'usr/bin/node')]);
  // The shebang of bin/medkit.js carries the command's Node.js options: the entrypoint passes the same.
  const shebang = readFileSync(join(app, 'medkit/bin/medkit.js'), 'utf8').split('\n')[0];
  const nodeFlags = shebang.replace(/^#!\/usr\/bin\/env -S node\s*/, '').split(/\s+/).filter(Boolean);
  writeFileSync(
    join(rootfs, 'usr/lib/medkit/healthcheck.mjs'),
    [
      '// The image\'s HEALTHCHECK: exit 0 when the gateway (or fleet replica) in this container answers /api/v1/health.',
      "const port = process.env.MEDKIT_SERVER_PORT || '8080';",
      'const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(4000) }).then((r) => r.ok, () => false);',
      'process.exit(ok ? 0 : 1);',
      '',
    ].join('\n'),
  );
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  writeFileSync(join(rootfs, 'etc/passwd'), `root:x:0:0:root:/root:/sbin/nologin\nmedkit:x:${IMAGE_UID}:${IMAGE_UID}:medkit:/var/lib/medkit:/sbin/nologin\n`);
  writeFileSync(join(rootfs, 'etc/group'), `root:x:0:\nmedkit:x:${IMAGE_UID}:\n`);
  writeFileSync(join(rootfs, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
  mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  mkdirSync(join(rootfs, 'var/lib/medkit'), { recursive: true });
  chownSync(join(rootfs, 'var/lib/medkit'), IMAGE_UID, IMAGE_UID);
  chmodSync(join(rootfs, 'var/lib/medkit'), 0o750);

  const store = mkdtempSync(join(tmpdir(), 'medkit-buildah-'));
  const buildah = (...args) => run('buildah', [...buildahStore(store), ...args]).trim();
  try {
    const ctr = buildah('from', 'scratch');
    const mnt = buildah('mount', ctr);
    run('cp', ['-a', `${rootfs}/.`, `${mnt}/`]);
    buildah('umount', ctr);
    // A file, not `node -e '…'`: buildah 1.28 mangles a JSON-array health check and refuses quotes in a plain one.
    const health = 'CMD /usr/bin/node /usr/lib/medkit/healthcheck.mjs';
    buildah(
      'config',
      '--user', `${IMAGE_UID}:${IMAGE_UID}`,
      '--workingdir', '/var/lib/medkit',
      '--volume', '/var/lib/medkit',
      '--env', 'MEDKIT_SERVER_HOST=0.0.0.0',
      '--env', 'MEDKIT_DATA_DIR=/var/lib/medkit',
      '--port', '8080',
      '--entrypoint', JSON.stringify(['/usr/bin/node', ...nodeFlags, '/usr/lib/medkit/node_modules/medkit/bin/medkit.js']),
      '--cmd', 'gateway',
      '--healthcheck', health,
      '--healthcheck-interval', '30s',
      '--healthcheck-timeout', '5s',
      '--healthcheck-start-period', '20s',
      '--label', `org.opencontainers.image.version=${version()}`,
      '--label', 'org.opencontainers.image.title=medkit',
      '--label', 'org.opencontainers.image.licenses=Apache-2.0',
      ctr,
    );
    buildah('commit', '--format', 'docker', '--rm', ctr, imageName());
    rmSync(imageFile(), { force: true });
    buildah('push', imageName(), `docker-archive:${imageFile()}:${imageName()}`);
  } finally {
    spawnSync('buildah', [...buildahStore(store), 'rm', '--all'], { stdio: 'ignore' });
    rmSync(store, { recursive: true, force: true });
    rmSync(rootfs, { recursive: true, force: true });
  }
}

const SCRIPT = fileURLToPath(import.meta.url);
// A step runs when an input changed since it last did. The tree's input is the tarballs (unchanged bytes keep
// their files): after changing how the tree is installed, run it with --force.
// `tools`: the programs a step runs, each with the Debian package that has it, so that a machine without one
// skips that artefact with a line saying what to install instead of failing half-way.
const STEPS = {
  npm: { needs: [], tools: [], inputs: () => [BUNDLE, join(ROOT, 'packages/cli/bin'), join(ROOT, 'package-lock.json'), ...SHARED.map((s) => join(ROOT, s.dir)), SCRIPT], run: packNpm },
  tree: { needs: ['npm'], tools: [], inputs: () => tarballs(), run: installTree },
  oci: { needs: ['tree'], tools: [['buildah', 'buildah'], ['ldd', 'libc-bin'], ['strip', 'binutils']], inputs: () => [treeDir(), SCRIPT], run: buildImage },
  deb: { needs: ['tree'], tools: [['dpkg-deb', 'dpkg'], ['dpkg', 'dpkg'], ['du', 'coreutils']], inputs: () => [treeDir(), PACKAGING, join(ROOT, 'docs'), SCRIPT], run: buildDeb },
};

const missingTools = (step) => toolsMissing(STEPS[step].tools); // those not on this machine's PATH

/**
 * Runs `steps` and what they need, each unless up to date; returns the steps that ran. One packager at a time
 * (test files package in parallel workers): the others wait for the lock, then find the steps up to date.
 */
export async function packageSteps(steps, { force = false } = {}) {
  mkdirSync(OUT, { recursive: true });
  return withDirLock(join(OUT, '.lock'), { waitMs: 30 * 60_000, pollMs: 500, name: 'medkit package' }, () => runSteps(steps, force));
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

async function runSteps(steps, force) {
  for (const step of closure(steps)) { // checked first: a missing tool is known at once, not after minutes of packing
    const missing = missingTools(step);
    if (missing.length > 0) throw new MissingToolError(step, missing);
  }
  const ran = [];
  const done = new Set();
  const visit = async (name) => {
    if (done.has(name)) return;
    const step = STEPS[name];
    for (const n of step.needs) await visit(n);
    done.add(name);
    if (!force && upToDate(name, step.inputs())) return;
    const t0 = performance.now();
    await step.run();
    stamp(name);
    ran.push(name);
    console.log(`medkit package: ${name} in ${Math.round(performance.now() - t0)} ms`);
  };
  for (const s of steps) await visit(s);
  return ran;
}

// The command: the steps named, or every step; without a name, an artefact whose tools are missing is skipped
// with one line naming the Debian package. A named step that cannot run, or any failure: its message, exit 1.
/** What the command builds for `named` steps: the steps to run, and a line for each artefact skipped. */
export function commandPlan(named, missing = missingTools) {
  if (named.length > 0) return { run: named, skipped: [] };
  const all = Object.keys(STEPS);
  const cannot = all.filter((step) => missing(step).length > 0);
  return { run: all.filter((s) => !cannot.includes(s)), skipped: cannot.map((s) => `medkit package: skipping ${new MissingToolError(s, missing(s)).message}`) };
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
