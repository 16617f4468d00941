// Debian 11 ("bullseye", glibc 2.31) roots, debootstrapped from Debian's archive and kept in the package cache
// (scripts/package-runtime.mjs, cacheDir) between runs:
//
//   debian-bullseye-minbase   `debootstrap --variant=minbase`: the test chroot the amd64 package is installed in
//                             (test/packaging/deb.test.ts works on a copy), and the start of the build root;
//   debian-bullseye-build-…   that root with a C/C++ toolchain, Python and the cross toolchain for the other
//                             architecture: the native parts of the packages are compiled in it (chroot), so they
//                             need glibc 2.31, not the build machine's (Ubuntu 22.04 has 2.35, 24.04 2.39).
//
// Needs root (debootstrap, chroot). A root is made in a `.partial` folder and renamed when complete.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHES, cacheDir, hostArch, TRIPLET, withCacheLock } from './package-runtime.mjs';
import { run } from './package-tools.mjs';

export const SUITE = 'bullseye';
/** What the build root adds to minbase: compilers for this machine's architecture and cross compilers for the others. */
export const buildPackages = (arch = hostArch()) => ['build-essential', 'python3', ...ARCHES.filter((a) => a !== arch).flatMap((a) => [`gcc-${TRIPLET[a]}`, `g++-${TRIPLET[a]}`])];

/** The Debian mirror apt uses on this machine ($MEDKIT_DEBIAN_MIRROR first), else deb.debian.org. */
export function debianMirror() {
  if (process.env.MEDKIT_DEBIAN_MIRROR) return process.env.MEDKIT_DEBIAN_MIRROR;
  const files = ['/etc/apt/sources.list', ...(existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').filter((f) => /\.(list|sources)$/.test(f)).map((f) => `/etc/apt/sources.list.d/${f}`) : [])];
  for (const f of files.filter((x) => existsSync(x))) {
    const text = readFileSync(f, 'utf8');
    // one-line format (`deb http://… bookworm main`) or deb822 (`URIs: http://…`); not the security archive.
    const uri = [...text.matchAll(/^\s*(?:deb\s+(?:\[[^\]]*\]\s+)?|URIs:\s*)(https?:\/\/\S+)/gm)].map((m) => m[1]).find((u) => /\/debian\/?$/.test(u));
    if (uri) return uri;
  }
  return 'http://deb.debian.org/debian';
}

const minbaseDir = () => join(cacheDir(), `debian-${SUITE}-minbase`);
const buildRootDir = (arch) => join(cacheDir(), `debian-${SUITE}-build-${arch}-${createHash('sha256').update(buildPackages(arch).join(' ')).digest('hex').slice(0, 8)}`);
const complete = (dir) => existsSync(join(dir, 'etc/debian_version'));

/** Makes `dir` with `make(partial)` unless it exists, under the cache's lock; returns `dir`. */
async function cached(dir, make) {
  if (complete(dir)) return dir;
  return withCacheLock(dir.split('/').pop(), async () => {
    if (complete(dir)) return dir;
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    await make(partial);
    renameSync(partial, dir);
    return dir;
  });
}

/** The cached minbase Debian 11 root (about a minute and 220 MB the first time). */
export function minbaseRoot() {
  return cached(minbaseDir(), (dir) => {
    console.log(`medkit package: debootstrap --variant=minbase ${SUITE} (${debianMirror()}) into ${dir}`);
    run('debootstrap', ['--variant=minbase', SUITE, dir, debianMirror()]);
  });
}

/** The cached build root for compiling on this machine's architecture (minbase + buildPackages()). */
export function buildRoot() {
  return cached(buildRootDir(hostArch()), async (dir) => {
    run('cp', ['-a', await minbaseRoot(), dir]); // cp: the root has device nodes
    console.log(`medkit package: installing ${buildPackages().join(' ')} into the ${SUITE} build root`);
    const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', DEBIAN_FRONTEND: 'noninteractive', HOME: '/root', LC_ALL: 'C' };
    run('chroot', [dir, 'apt-get', 'update', '-qq'], { env });
    run('chroot', [dir, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...buildPackages()], { env });
    run('chroot', [dir, 'apt-get', 'clean'], { env });
  });
}

/** True when this machine can make the roots: root, with debootstrap and chroot on PATH. */
export const canDebootstrap = (onPath) => process.getuid?.() === 0 && onPath('debootstrap') && onPath('chroot');
