// Step oci-<arch> of `npm run package`: dist-packages/medkit-image-<v>-<arch>.tar, a docker-archive (`podman load`,
// `docker load`, `buildah pull docker-archive:`) of localhost/medkit:<v> for one architecture, built FROM scratch with
// Debian's buildah (no registry is needed) without running anything of the target: the architecture's tree under
// /usr/lib/medkit (package-arch.mjs: its runtime, linked as /usr/bin/node), the shared libraries the runtime and the
// addons load (read from their ELF headers with readelf, taken from this machine for its own architecture and
// from the cross toolchain's libraries, /usr/<triplet>/lib, for another), user medkit (uid 10001), /var/lib/medkit
// a volume, a HEALTHCHECK (docker format: OCI image configs have none) and the entrypoint `medkit` with its Node.js
// options, default command `gateway`. Without node-opcua (optional; an image for the opcua plugin adds it,
// docs/deploy.md), type declarations, source maps and Markdown.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { archTreeDir, buildahStore, commandNodeFlags, IMAGE_UID, imageFile, imageName, OUT, version } from './package-layout.mjs';
import { hostArch, TRIPLET } from './package-runtime.mjs';
import { removeTree, run } from './package-tools.mjs';

/**
 * What the image leaves out of the tree: node-opcua (optional) and type packages, and what nothing loads at run
 * time: TypeScript (sources and declarations), source maps, Markdown, and the packages' test, example and benchmark
 * folders (24 MB, which keep the image within its budget with Node.js 24's larger binary).
 */
const IMAGE_LEAVES_OUT = /[\\/]node_modules[\\/](node-opcua[^\\/]*|@types)$|[\\/]node_modules[\\/].*[\\/](test|tests|__tests__|examples?|benchmarks?)$|\.([cm]?ts|map|md|markdown)$/i;

/** The conditions Node.js resolves `exports` with (import or require; `module` and `esnext` are bundlers'). */
const NODE_CONDITIONS = new Set(['node', 'import', 'require', 'module-sync', 'default']);
/** Every file an `exports` value can give Node.js (under any of its conditions), as written ('./build/src/index.js'). */
function exportTargets(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => exportTargets(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith('.') || NODE_CONDITIONS.has(key)) exportTargets(v, out);
      if (key === 'default') break; // what follows `default` is never chosen
    }
  }
  return out;
}

/**
 * Build variants of the tree's packages that Node.js never loads: a folder named esm, esnext or browser (under the
 * package or its build/, dist/, lib/) that none of the package's `exports` targets reaches (Node.js allows no other
 * way in), or, without `exports`, that `main` is not in and the package names as a bundler's entry. The
 * OpenTelemetry packages ship CommonJS, ESM and esnext builds and give Node.js the CommonJS one.
 */
export function unusedBuildDirs(modules) {
  const out = new Set();
  const visit = (dir) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      if (name.startsWith('.')) continue;
      const pkg = join(dir, name);
      if (name.startsWith('@')) {
        visit(pkg);
        continue;
      }
      visit(join(pkg, 'node_modules'));
      const manifest = join(pkg, 'package.json');
      if (!existsSync(manifest)) continue;
      const m = JSON.parse(readFileSync(manifest, 'utf8'));
      // Without `exports`, Node.js loads `main`; a folder is left out only when the package itself names it as a
      // bundler's build (its `module`, `esnext` or `browser` field points into it).
      const bundlers = [m.module, m.esnext, m.browser].filter((f) => typeof f === 'string').map((f) => join(pkg, f));
      const targets = m.exports !== undefined ? exportTargets(m.exports).map((t) => join(pkg, t)) : [join(pkg, typeof m.main === 'string' ? m.main : 'index.js')];
      for (const parent of ['', 'build', 'dist', 'lib']) {
        for (const variant of ['esm', 'esnext', 'browser']) {
          const candidate = join(pkg, parent, variant);
          const inside = (t) => t.startsWith(`${candidate}/`);
          if (!existsSync(candidate) || targets.some(inside)) continue;
          if (m.exports !== undefined || bundlers.some(inside)) out.add(candidate);
        }
      }
    }
  };
  visit(modules);
  return out;
}

/** Where the libraries of `arch` are taken from: this machine's for its own architecture, the cross toolchain's else. */
export const libraryDirs = (arch) => (arch === hostArch() ? [`/lib/${TRIPLET[arch]}`, `/usr/lib/${TRIPLET[arch]}`] : [`/usr/${TRIPLET[arch]}/lib`]);

/**
 * The ELF files' dynamic loader and every library they load, transitively (DT_NEEDED, found in `dirs`), as
 * [path in the image, file on this machine] pairs. readelf reads any architecture's headers.
 */
export function elfClosure(files, dirs, libDir) {
  const out = new Map();
  const find = (name) => dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  const visit = (file) => {
    const headers = run('readelf', ['-dlW', file]);
    const interp = headers.match(/Requesting program interpreter: ([^\]]+)\]/)?.[1];
    if (interp && !out.has(interp)) out.set(interp, find(basename(interp)) ?? interp);
    for (const [, name] of headers.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) {
      const at = join(libDir, name);
      if (out.has(at)) continue;
      const from = find(name);
      if (!from) throw new Error(`${file} loads ${name}, which is in none of ${dirs.join(', ')}`);
      out.set(at, realpathSync(from));
      visit(out.get(at));
    }
  };
  files.forEach(visit);
  for (const [at, from] of out) if (!existsSync(from)) throw new Error(`the dynamic loader ${at} is in none of ${dirs.join(', ')}`);
  return [...out];
}

export function buildImage(arch) {
  const rootfs = join(OUT, `oci-root-${arch}`);
  removeTree(rootfs);
  const lib = join(rootfs, 'usr/lib/medkit');
  const unused = unusedBuildDirs(join(archTreeDir(arch), 'node_modules'));
  cpSync(archTreeDir(arch), lib, { recursive: true, verbatimSymlinks: true, filter: (src) => !IMAGE_LEAVES_OUT.test(src) && !unused.has(src) });
  const elves = [join(lib, 'node/bin/node'), join(lib, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), join(lib, 'node_modules/@medkit/rtps/native/build/Release/medkit_rtps.node')];
  for (const [at, from] of elfClosure(elves, libraryDirs(arch), `/lib/${TRIPLET[arch]}`)) {
    mkdirSync(dirname(join(rootfs, at)), { recursive: true });
    cpSync(from, join(rootfs, at));
  }
  mkdirSync(join(rootfs, 'usr/bin'), { recursive: true });
  symlinkSync('../lib/medkit/node/bin/node', join(rootfs, 'usr/bin/node'));
  const nodeFlags = commandNodeFlags(join(lib, 'node_modules/medkit/bin/medkit.js'));
  writeFileSync(
    join(lib, 'healthcheck.mjs'),
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
    const ctr = buildah('from', '--arch', arch, 'scratch');
    const mnt = buildah('mount', ctr);
    run('cp', ['-a', `${rootfs}/.`, `${mnt}/`]);
    buildah('umount', ctr);
    // A file, not `node -e '…'`: buildah 1.28 mangles a JSON-array health check and refuses quotes in a plain one.
    const health = 'CMD /usr/bin/node /usr/lib/medkit/healthcheck.mjs';
    buildah(
      'config',
      '--arch', arch,
      '--os', 'linux',
      '--user', `${IMAGE_UID}:${IMAGE_UID}`,
      '--workingdir', '/var/lib/medkit',
      '--volume', '/var/lib/medkit',
      '--env', 'MEDKIT_SERVER_HOST=0.0.0.0',
      '--env', 'MEDKIT_DATA_DIR=/var/lib/medkit',
      // Secure by default: on the network (0.0.0.0), so authenticated, with an admin client made on first start in
      // the volume (docs/security.md, "First-start credentials"); a gateway open without auth would not start.
      '--env', 'MEDKIT_AUTH_ENABLED=true',
      '--env', 'MEDKIT_AUTH_CREDENTIALS_FILE=credentials.yaml',
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
    rmSync(imageFile(arch), { force: true });
    buildah('push', imageName(), `docker-archive:${imageFile(arch)}:${imageName()}`);
  } finally {
    spawnSync('buildah', [...buildahStore(store), 'rm', '--all'], { stdio: 'ignore' });
    removeTree(store);
    removeTree(rootfs);
  }
}
