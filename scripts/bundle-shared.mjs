// Bundles one of the workspace packages an outside plugin imports (@medkit/rtps, @medkit/ros2, ...: SHARED in
// scripts/package.mjs) for its packed tarball: each entry of its `exports` map stays at its path under dist/ and the
// modules behind them become a few shared chunks beside them. The installed gateway then loads @medkit/ros2 and
// @medkit/rtps as about 10 files instead of 190 modules resolved one by one (62-120 ms less start-up CPU on the
// installed runtime, docs/benchmarks.md "Ninth look"). One build per package keeps one copy of each class (an
// outside plugin's `instanceof` still holds), and every bare import (another @medkit package, a third-party one,
// node:) stays an import, resolved from node_modules as before. The checkout keeps the modules as tsc wrote them.
//
// Files a module finds next to itself: `new URL('<relative>', import.meta.url)` is rewritten for the chunk it lands
// in; any other relative string a module resolves against import.meta.url (the RTPS addon's path) must land in a
// chunk of its own folder, or the bundle is refused (it would fail at run time, not here).
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { COMPACT_OUTPUT } from './bundle-cli.mjs';

const ASSET_URL = /new URL\((['"])(\.{1,2}\/[^'"]*)\1, import\.meta\.url\)/g;
const TOKEN = '__medkitPackageFile';
const TOKEN_CALL = new RegExp(`${TOKEN}\\("([^"]*)"\\)`, 'g');
// A relative path in a string that is not a module specifier (those the bundler resolves).
const RELATIVE_LITERAL = /(?<!\bfrom\s*|\bimport\s*\(?\s*)['"`]\.{1,2}\/[^'"`]*['"`]/;

/** `{ 'security/index': '<abs>/dist/security/index.js', ... }` from a package's `exports` import targets under dist/. */
export function entriesOf(pkgDir) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const entries = {};
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
    const file = typeof target === 'string' ? target : target.import;
    if (typeof file !== 'string' || !file.startsWith('./dist/') || !file.endsWith('.js')) throw new Error(`${pkg.name}: export ${sub} is not a ./dist/*.js file`);
    entries[file.slice('./dist/'.length, -'.js'.length)] = join(pkgDir, file);
  }
  if (Object.keys(entries).length === 0) throw new Error(`${pkg.name}: no exports to bundle`);
  return entries;
}

/**
 * Writes the bundled JavaScript of the package at `pkgDir` into the folder `outDist` (made when missing; what is there
 * stays unless a file of the bundle has its name). Returns the files written, relative to `outDist`.
 */
export async function bundleSharedPackage(pkgDir, outDist) {
  const { rolldown } = await import('rolldown');
  const dist = join(pkgDir, 'dist');
  const inDist = (id) => id.startsWith(dist + sep);
  /** Modules that resolve a relative literal against import.meta.url: they must stay in their folder. */
  const pinned = new Set();
  const build = await rolldown({
    input: entriesOf(pkgDir),
    platform: 'node',
    external: (id) => !(id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')),
    logLevel: 'warn',
    plugins: [
      {
        name: 'medkit-shared-assets',
        transform(code, id) {
          if (!inDist(id) || !code.includes('import.meta.url')) return null;
          const out = code.replace(ASSET_URL, (whole, _q, rel) => {
            const target = resolve(dirname(id), rel);
            const inPkg = relative(pkgDir, target);
            if (inPkg.startsWith('..') || !existsSync(target)) throw new Error(`${id}: ${whole} points at ${target}, outside its package or missing`);
            return `new URL(${TOKEN}(${JSON.stringify(inPkg.split(sep).join('/') + (rel.endsWith('/') ? '/' : ''))}), import.meta.url)`;
          });
          if (RELATIVE_LITERAL.test(out.replace(TOKEN_CALL, ''))) pinned.add(id);
          return out === code ? null : { code: out, map: null };
        },
      },
      {
        name: 'medkit-shared-chunk-paths',
        renderChunk(code, chunk) {
          const chunkDir = posix.dirname(chunk.fileName);
          for (const id of chunk.moduleIds) {
            if (pinned.has(id) && relative(dist, dirname(id)).split(sep).join('/') !== (chunkDir === '.' ? '' : chunkDir)) {
              throw new Error(`${id} resolves a relative path against import.meta.url but was bundled into ${chunk.fileName}`);
            }
          }
          if (!code.includes(TOKEN)) return null;
          const fromChunk = posix.join('dist', chunkDir);
          return { code: code.replace(TOKEN_CALL, (_w, inPkg) => JSON.stringify(relativeUrl(fromChunk, inPkg))), map: null };
        },
      },
    ],
  });
  const { output } = await build.write({ dir: outDist, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: false, ...COMPACT_OUTPUT });
  await build.close();
  return output.map((o) => o.fileName);
}

/** `inPkg` (a path from the package's root) relative to the folder `fromDir` (also from the root), as a URL path. */
export function relativeUrl(fromDir, inPkg) {
  const rel = posix.relative(fromDir, inPkg.replace(/\/$/, '')) + (inPkg.endsWith('/') ? '/' : '');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Removes the folders under `dir` the compiled modules left empty. */
function removeEmptyFolders(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!statSync(p).isDirectory()) continue;
    removeEmptyFolders(p);
    if (readdirSync(p).length === 0) rmSync(p, { recursive: true });
  }
}

/**
 * Replaces the compiled modules of `stageDir` (a staged copy of the package at `pkgDir`) with its bundle: the
 * .js files and their maps go, the type declarations stay.
 */
export async function bundleStagedPackage(pkgDir, stageDir) {
  const dist = join(stageDir, 'dist');
  for (const f of readdirSync(dist, { recursive: true })) if (f.endsWith('.js') || f.endsWith('.js.map')) rmSync(join(dist, f));
  removeEmptyFolders(dist);
  return bundleSharedPackage(pkgDir, dist);
}
