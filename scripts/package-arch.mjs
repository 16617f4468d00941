// Step linux-<arch> of `npm run package`: the self-contained tree of one architecture (package-layout.mjs,
// archTreeDir), made from the installed JavaScript tree:
//
//   bin/medkit       a POSIX sh start script: the runtime beside it, the Node.js options of bin/medkit.js's #! line
//   node/bin/node    the pinned Node.js runtime (package-runtime.mjs), without its symbol table
//   node/LICENSE     Node.js's license (and that of what it bundles)
//   node_modules/    the tree, with better-sqlite3's driver and @medkit/rtps's addon compiled for `arch`
//
// The native parts are compiled with node-gyp against the runtime's own headers (--nodedir: nothing is downloaded;
// node_object_wrap.h from an earlier release, package-runtime.mjs addonNodedir).
// Where this machine can debootstrap (root, debootstrap), that happens in a Debian 11 build root
// (package-buildroot.mjs), so the parts need glibc 2.31; elsewhere with this machine's compilers (for another
// architecture, its cross toolchain), and they need this machine's glibc. A compiled part is kept in the package
// cache under a hash of everything its compile reads (cachedAddon), so a run with the same sources and toolchain
// takes the same file instead of compiling it again.
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { buildRoot, canDebootstrap } from './package-buildroot.mjs';
import { archTreeDir, commandNodeFlags, treeDir } from './package-layout.mjs';
import { addonNodedir, cacheDir, hostArch, NODE_ARCH, runtimeDir, TRIPLET } from './package-runtime.mjs';
import { copyTree, nodeGyp, removeTree, run, toolsMissing } from './package-tools.mjs';

const onPath = (cmd) => toolsMissing([[cmd, '']]).length === 0;

/** The addons of the tree: where each is (under node_modules) and the file node-gyp makes that is kept. */
const ADDONS = [
  { dir: 'better-sqlite3', product: 'build/Release/better_sqlite3.node' },
  { dir: '@medkit/rtps/native', product: 'build/Release/medkit_rtps.node' },
];

/**
 * How this machine compiles for `arch`: `buildroot` (root with debootstrap), or `host` with the [command, Debian
 * package] pairs it needs (its own compilers, or the cross toolchain for another architecture).
 */
export function nativePlan(arch) {
  if (canDebootstrap(onPath)) return { kind: 'buildroot', tools: [['debootstrap', 'debootstrap'], ['chroot', 'coreutils']] };
  const cross = arch !== hostArch();
  const prefix = cross ? `${TRIPLET[arch]}-` : '';
  const pkg = cross ? `crossbuild-essential-${arch}` : 'build-essential';
  return { kind: 'host', tools: [[`${prefix}gcc`, pkg], [`${prefix}g++`, pkg], [`${prefix}strip`, cross ? pkg : 'binutils'], ['make', 'make'], ['python3', 'python3']] };
}

/**
 * Runs commands for the build: in the build root (chroot, `env -i`) or on this machine; `at(p)` is p as the command
 * sees it. Each call has its own work folder (removed by the caller): the build root is shared through the package
 * cache by every checkout on the machine, and a fixed folder there was removed under a concurrent packager's node-gyp.
 */
export async function builder(kind) {
  if (kind === 'host') {
    const work = mkdtempSync(join(tmpdir(), 'medkit-native-'));
    const node = process.execPath;
    return { work, at: (p) => p, node, gyp: nodeGyp(), toolchain: toolchainOf('/'), exec: (cmd, args, cwd, env) => run(cmd, args, { cwd, env: { ...process.env, ...env, PATH: `${dirname(node)}:${process.env.PATH}` } }) };
  }
  const root = await buildRoot();
  mkdirSync(join(root, 'opt'), { recursive: true });
  const work = mkdtempSync(join(root, 'opt/medkit-build-'));
  // A Node.js for this machine to run node-gyp (and the build's own node scripts), npm's node-gyp.
  const hostNode = join(work, 'node-host/bin/node');
  mkdirSync(dirname(hostNode), { recursive: true });
  cpSync(join(await runtimeDir(hostArch()), 'bin/node'), hostNode);
  const gyp = nodeGyp();
  if (!gyp) throw new Error("npm's node-gyp was not found next to npm or this Node.js");
  const npm = resolve(gyp, '../../../..');
  copyTree(npm, join(work, 'npm'));
  const at = (p) => p.slice(root.length);
  return {
    work,
    at,
    node: at(hostNode),
    gyp: join(at(work), 'npm', gyp.slice(npm.length)),
    toolchain: toolchainOf(root),
    // HOME in the run's own folder too: nothing a tool keeps there is shared with another packager.
    exec: (cmd, args, cwd, env) => run('chroot', [root, '/usr/bin/env', '-i', '-C', at(cwd), `PATH=${dirname(at(hostNode))}:/usr/bin:/bin`, `HOME=${at(work)}`, ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args]),
  };
}

/**
 * What the compilers of the root folder `root` ('/': this machine) are: its dpkg database (every package's version,
 * the compilers, the C library and its headers among them); this machine's compiler versions where it has none.
 */
function toolchainOf(root) {
  const status = join(root, 'var/lib/dpkg/status');
  if (existsSync(status)) return createHash('sha256').update(readFileSync(status)).digest('hex');
  return ['gcc', 'g++', `${TRIPLET.arm64}-g++`, `${TRIPLET.amd64}-g++`].map((c) => (toolsMissing([[c, '']]).length === 0 ? run(c, ['--version']) : '')).join('\n');
}

/** Every file under `dir` but its build/ folder, as [path relative to dir, file], in a fixed order. */
function sourceFiles(dir, sub = '') {
  return readdirSync(join(dir, sub), { withFileTypes: true })
    .sort((x, y) => (x.name < y.name ? -1 : 1))
    .flatMap((e) => {
      const rel = join(sub, e.name);
      if (e.isDirectory()) return rel === 'build' ? [] : sourceFiles(dir, rel);
      return e.isFile() ? [[rel, join(dir, rel)]] : [];
    });
}

/**
 * Where a compiled addon is kept in the package cache (package-runtime.mjs, cacheDir), named by a hash of all the
 * compile reads: the addon's source files, the toolchain (toolchainOf), the runtime's headers (the nodedir's name
 * holds the versions), node-gyp's version, the Node.js running it, the arguments and environment. The compile's
 * output is the same bytes every time (gcc here: both architectures' addons from runs a day apart, each in its own
 * random work folder, were identical), so a later run (the test suite's background packager, `--force`) takes the
 * file instead of compiling again: 96 and 136 s of CPU, a third of the packager's (docs/deploy.md, "Build time").
 */
function cachedAddon(arch, addon, from, key) {
  const h = createHash('sha256').update(JSON.stringify({ arch, product: addon.product, ...key }));
  for (const [rel, file] of sourceFiles(from)) h.update(`\0${rel}\0`).update(readFileSync(file));
  return join(cacheDir(), 'addons', `${arch}-${basename(addon.product, '.node')}-${h.digest('hex').slice(0, 32)}.node`);
}

/** Step linux-<arch>: archTreeDir(arch), from the installed tree, the runtime and the compiled native parts. */
export async function buildArchTree(arch) {
  const plan = nativePlan(arch);
  const dest = archTreeDir(arch);
  removeTree(dirname(dest));
  mkdirSync(dest, { recursive: true });
  copyTree(join(treeDir(), 'node_modules'), join(dest, 'node_modules'));
  const target = await runtimeDir(arch);
  const b = await builder(plan.kind);
  try {
    if (plan.kind === 'host') console.log(`medkit package: linux-${arch}: native parts compiled with this machine's toolchain need glibc ${process.report.getReport().header.glibcVersionRuntime} or newer (as root with debootstrap they are compiled for glibc 2.31)`);
    // node-gyp reads the headers (include/node; node_object_wrap.h of an earlier release: addonNodedir); a copy
    // where the build root sees them.
    const nodedir = join(b.work, `node-${arch}`);
    cpSync(join(await addonNodedir(arch), 'include'), join(nodedir, 'include'), { recursive: true });
    const cross = arch !== hostArch();
    const t = TRIPLET[arch];
    const env = cross ? { CC: `${t}-gcc`, CXX: `${t}-g++`, AR: `${t}-ar`, LINK: `${t}-g++` } : {};
    const gypArgs = ['rebuild', '--release', `--arch=${NODE_ARCH[arch]}`];
    const gypPackage = join(nodeGyp() ?? '', '../../package.json');
    const key = { toolchain: b.toolchain, nodedir: basename(await addonNodedir(arch)), gyp: existsSync(gypPackage) ? JSON.parse(readFileSync(gypPackage, 'utf8')).version : '', runner: b.node === process.execPath ? process.version : 'the pinned runtime', gypArgs, env };
    for (const [i, addon] of ADDONS.entries()) {
      const from = join(dest, 'node_modules', addon.dir);
      const cached = cachedAddon(arch, addon, from, key);
      let product = cached;
      if (existsSync(cached)) console.log(`medkit package: linux-${arch}: ${basename(addon.product)} from the package cache (${cached}: the same sources and toolchain)`);
      else {
        const src = join(b.work, `addon-${i}`);
        cpSync(from, src, { recursive: true, filter: (p) => !p.startsWith(join(from, 'build')) });
        b.exec(b.node, [b.gyp, ...gypArgs, `--nodedir=${b.at(nodedir)}`, `--jobs=${cpus().length}`], src, env);
        product = join(src, addon.product);
        // Written beside and renamed: a packager of another checkout reads the whole file or none.
        mkdirSync(dirname(cached), { recursive: true });
        cpSync(product, `${cached}.${process.pid}`);
        renameSync(`${cached}.${process.pid}`, cached);
      }
      rmSync(join(from, 'build'), { recursive: true, force: true });
      mkdirSync(dirname(join(from, addon.product)), { recursive: true });
      cpSync(product, join(from, addon.product));
    }
    // better-sqlite3's SQLite sources and C++ (26 MB): only the driver and lib/ are loaded.
    for (const name of ['deps', 'src']) rmSync(join(dest, 'node_modules/better-sqlite3', name), { recursive: true, force: true });
    // The runtime, without its symbol table and debug information (the dynamic symbols addons link against stay).
    const node = join(b.work, 'node');
    cpSync(join(target, 'bin/node'), node);
    b.exec(cross ? `${t}-strip` : 'strip', [b.at(node)], b.work, {});
    mkdirSync(join(dest, 'node/bin'), { recursive: true });
    cpSync(node, join(dest, 'node/bin/node'));
    chmodSync(join(dest, 'node/bin/node'), 0o755);
    cpSync(join(target, 'LICENSE'), join(dest, 'node/LICENSE'));
  } finally {
    removeTree(b.work);
  }
  writeStartScript(dest);
}

/** bin/medkit: the command on the runtime beside it, from wherever it is linked (/usr/bin/medkit) or unpacked. */
function writeStartScript(dest) {
  const flags = commandNodeFlags(join(dest, 'node_modules/medkit/bin/medkit.js'));
  mkdirSync(join(dest, 'bin'), { recursive: true });
  writeFileSync(
    join(dest, 'bin/medkit'),
    [
      '#!/bin/sh',
      '# medkit on the Node.js runtime it ships (node/bin/node beside this folder), with the options of',
      "# node_modules/medkit/bin/medkit.js's #! line; a Node.js installed on the system is not used.",
      'here=$(dirname "$(dirname "$(readlink -f "$0")")")',
      `exec "$here/node/bin/node" ${flags.join(' ')} "$here/node_modules/medkit/bin/medkit.js" "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(join(dest, 'bin/medkit'), 0o755);
}

/** Step tar-<arch>: medkit-<v>-linux-<arch>.tar.gz, the tree under medkit-<v>/ (owner root, numeric). */
export function buildTarball(arch, file) {
  const dir = archTreeDir(arch);
  if (!existsSync(join(dir, 'bin/medkit'))) throw new Error(`${dir} is not built`);
  rmSync(file, { force: true });
  run('tar', ['--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-C', dirname(dir), '-I', 'gzip -6', '-cf', file, readdirSync(dirname(dir)).find((n) => n.startsWith('medkit-'))]);
}
