#!/usr/bin/env node
// Bundles the `medkit` command (packages/cli/dist/main.js) into packages/cli/bundle/: the application's own
// packages and TypeBox become a few chunk files instead of about 700 modules, which halves the time Node.js
// spends loading modules before the gateway answers (docs/benchmarks.md, "Start-up"). Run by `npm run build`
// after `tsc -b` and the web UI; skipped when nothing it reads changed (`--force` bundles anyway).
//
// What is not inlined, and why:
// - third-party packages (fastify, ajv, better-sqlite3, pino, node-opcua, ...): CommonJS, native addons,
//   worker files and `__dirname` lookups; they load from node_modules as before, except the CommonJS packages
//   every gateway loads (fastify, ajv, pino, ...), which are bundled on their own into vendor.cjs
//   (bundleVendor; NOT_VENDORED says which stay out);
// - @medkit/plugin-api, @medkit/sovd (the SOVD core it re-exports), @medkit/ros2, @medkit/rtps: what an outside
//   plugin imports. One copy of them in the process keeps classes checked with `instanceof` (SovdError, ...)
//   and module state shared with plugins.
// Features that are off stay unloaded: each dynamic import (a built-in plugin, the fleet server, MCP,
// NATS, MQTT) becomes its own chunk, loaded only when the feature is on.
//
// Files a module finds next to itself (`new URL('../x', import.meta.url)`: the gateway's package.json, its
// security profiles, the web UI, ROS interface definitions) are copied under bundle/assets/<package>/ and
// the URL rewritten to point there, so the bundle does not depend on where the workspace's dist/ folders are.
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDirLock } from './dir-lock.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = join(ROOT, 'packages');
export const BUNDLE_DIR = join(PACKAGES, 'cli/bundle');
const STAMP = join(BUNDLE_DIR, '.bundle-stamp');

/** Workspace packages an outside plugin may import: loaded from their own dist/, never inlined. */
export const SHARED_WITH_PLUGINS = ['@medkit/plugin-api', '@medkit/sovd', '@medkit/ros2', '@medkit/rtps'];
const INLINED_THIRD_PARTY = ['@sinclair/typebox'];

const matches = (id, name) => id === name || id.startsWith(`${name}/`);

/**
 * CommonJS packages the bundle loads with require() instead of import. Node.js reads and scans the whole source of
 * every CommonJS module an ES module imports, to find its export names (cjs-module-lexer, in JavaScript on Node.js
 * 20): 0.3–0.4 s of a gateway's start-up CPU (docs/benchmarks.md, "Start-up (issue 69)"). require() needs no
 * scan and gives the same object (module.exports is the default import; named imports are its properties). Only
 * packages whose import and require both load the same file (no ESM build of their own) are listed, so a
 * package is never loaded twice.
 */
export const REQUIRED_CJS = ['fastify', '@fastify/', 'pino', 'ajv', 'better-sqlite3', 'yaml'];
/**
 * Node.js's own modules are required too. An ES module importing one makes Node.js build the module's ES facade,
 * which reads every export, lazy getters included: on Node.js 24 `node:http`'s WebSocket getters load the bundled
 * undici (about 0.1 s of start-up CPU) and `node:fs`'s streams load fs/streams, for exports the gateway never uses.
 * require() returns the same object without reading them.
 */
const requiredCjs = (id) => id.startsWith('node:') || REQUIRED_CJS.some((n) => (n.endsWith('/') ? id.startsWith(n) : matches(id, n)));
const REQUIRE = '__medkitRequire';
// The import statements rolldown writes for an external (default and/or named bindings; no namespace imports).
const IMPORT_STATEMENT = /import\s*([A-Za-z_$][\w$]*)?\s*,?\s*(?:\{([^}]*)\})?\s*from\s*"([^"]+)";?/g;

/**
 * The REQUIRED_CJS packages that are not inlined into vendor.cjs: the SQLite driver (a native addon), the packages
 * that read files next to their own source through `__dirname` (@fastify/swagger-ui's static folder and logo,
 * @fastify/swagger's package.json), and what only those require (@fastify/static): one copy of each, not one in
 * vendor.cjs and another from node_modules.
 */
export const NOT_VENDORED = ['better-sqlite3', '@fastify/static', '@fastify/swagger', '@fastify/swagger-ui'];
/**
 * Vendored packages that NOT_VENDORED ones require too. yaml is vendored because every gateway parses its
 * configuration with it at start (from node_modules: 189 files resolved and compiled one by one; 60 ms less start-up
 * CPU in vendor.cjs, docs/benchmarks.md, "Fifth round"); @fastify/swagger and swagger-ui require it when the routes are
 * built. vendor-load.cjs puts the vendored copy in require's cache where node_modules' copy is found from the bundle
 * (same version only), so the process still holds one copy.
 */
export const SHARED_FROM_VENDOR = ['yaml'];
const vendored = (id) => !id.startsWith('node:') && !NOT_VENDORED.some((n) => matches(id, n));
export const VENDOR_FILE = 'vendor.cjs';
/**
 * What the chunks require to get vendor.cjs: scripts/vendor-load.cjs, which compiles it with a V8 code cache (740
 * against 830 ms CPU to a gateway's first /health on Node.js 20; docs/benchmarks.md, "Fifth round").
 */
export const VENDOR_LOADER = 'vendor-load.cjs';
const VENDOR_LOADER_SOURCE = join(ROOT, 'scripts', VENDOR_LOADER);
/**
 * Where vendor-load.cjs keeps its cache in a checkout: made empty with the bundle (the loader writes there only when
 * it exists) and replaced with it. scripts/package.mjs leaves it out, so an installed tree is never written to.
 */
export const CODE_CACHE_DIR = '.code-cache';
const VENDOR = '__medkitVendor';

/**
 * `import D, { a, b as c } from "x"` of a REQUIRED_CJS package as `const D = require("x"), { a, b: c } = D;`. The
 * packages of vendor.cjs (all but NOT_VENDORED) are taken from it: `__medkitVendor("x")`, and their ids added to
 * `vendorIds`.
 */
export function requireCommonJs(code, vendorIds = new Set()) {
  let changed = false;
  let fromVendor = false;
  const out = code.replace(IMPORT_STATEMENT, (whole, def, named, id) => {
    if (!requiredCjs(id)) return whole;
    changed = true;
    const binding = named === undefined ? undefined : `{${named.split(',').map((n) => n.trim()).filter(Boolean).map((n) => n.replace(/\s+as\s+/, ':')).join(',')}}`;
    if (vendored(id)) {
      vendorIds.add(id);
      fromVendor = true;
    }
    const req = `${vendored(id) ? VENDOR : REQUIRE}(${JSON.stringify(id)})`;
    if (def && binding) return `const ${def}=${req},${binding}=${def};`;
    return `const ${def ?? binding}=${req};`;
  });
  if (!changed) return code;
  const vendor = fromVendor ? `const ${VENDOR}=${REQUIRE}(${JSON.stringify(`./${VENDOR_LOADER}`)});` : '';
  return `import{createRequire as __medkitCreateRequire}from"node:module";const ${REQUIRE}=__medkitCreateRequire(import.meta.url);${vendor}${out}`;
}

/**
 * The source of vendor.cjs's entry: a function that requires one of `ids` when first asked for it (a package only
 * a feature that is off uses is never run). Bundled into one CommonJS file, the packages and their dependencies
 * (about 300 files) load without a path lookup, a stat and a package.json read per file: about 0.13 s less
 * start-up CPU on Node.js 20 (docs/benchmarks.md, "Start-up (issue 69)").
 */
export function vendorEntry(ids, shared = {}) {
  const cases = [...ids].sort().map((id) => `case ${JSON.stringify(id)}:return require(${JSON.stringify(id)});`);
  return `module.exports=function(id){switch(id){${cases.join('')}default:throw new Error("vendor.cjs holds no "+id)}};module.exports.shared=${JSON.stringify(shared)};`;
}

/** SHARED_FROM_VENDOR's packages among `ids`, each with the version vendored (what the workspace resolves). */
function sharedFromVendor(ids) {
  const resolveFrom = createRequire(join(PACKAGES, 'server/package.json'));
  const versionOf = (id) => JSON.parse(readFileSync(resolveFrom.resolve(`${id}/package.json`), 'utf8')).version;
  return Object.fromEntries(SHARED_FROM_VENDOR.filter((id) => ids.has(id)).map((id) => [id, versionOf(id)]));
}

/**
 * Output options of every bundle we write: no comments (the JSDoc of every function would stay in memory as part of
 * each chunk's source text), ASCII only (one non-Latin-1 character makes V8 hold a chunk's whole source as two bytes
 * per character), whitespace removed, names and code kept as written.
 */
export const COMPACT_OUTPUT = { comments: false, charset: 'ascii', minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } } };

async function bundleVendor(rolldown, ids, file) {
  const ENTRY = '\0medkit-vendor';
  const build = await rolldown({
    input: ENTRY,
    platform: 'node',
    // Optional packages a vendored one requires inside try/catch (pino-pretty) stay unresolved requires.
    external: (id) => id.startsWith('node:') || !vendored(id),
    onLog: (level, log, handle) => (log.code === 'UNRESOLVED_IMPORT' ? undefined : handle(level, log)),
    plugins: [{ name: 'medkit-vendor-entry', resolveId: (id) => (id === ENTRY ? id : null), load: (id) => (id === ENTRY ? vendorEntry(ids, sharedFromVendor(ids)) : null) }],
  });
  await build.write({ file, format: 'cjs', ...COMPACT_OUTPUT });
  await build.close();
}

/** Whether a bare import stays an import of node_modules in the bundle. */
export function isExternal(id) {
  if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')) return false;
  if (SHARED_WITH_PLUGINS.some((n) => matches(id, n))) return true;
  if (id.startsWith('@medkit/')) return false;
  return !INLINED_THIRD_PARTY.some((n) => matches(id, n));
}

// `new URL('<relative path>', import.meta.url)` with a string literal or a template literal whose dynamic
// part comes last (`../../config/${name}.yaml`). tsc keeps these as written.
const ASSET_URL = /new URL\((['"`])([^'"`$]*)((?:\$\{[^`]*)?)\1, import\.meta\.url\)/g;

/**
 * Rewrites the asset URLs of one compiled module of packages/<pkg>/dist to ./assets/<pkg>/… (relative to the
 * chunk, which lies in the bundle's root) and records what must be copied there. Throws on a URL that
 * leaves packages/ or points at nothing: the bundle would otherwise fail at run time, not at build time.
 */
export function rewriteAssetUrls(code, file, assets) {
  return code.replace(ASSET_URL, (whole, quote, fixed, dynamic) => {
    const target = resolve(dirname(file), fixed);
    const inPackages = relative(PACKAGES, target);
    if (inPackages.startsWith('..') || inPackages === '') throw new Error(`${file}: ${whole} points outside packages/`);
    // The file or folder to copy: the fixed part itself, or the folder the dynamic part names a file in.
    const source = dynamic ? (fixed.endsWith('/') ? target : dirname(target)) : target;
    if (!existsSync(source)) throw new Error(`${file}: ${whole} points at ${source}, which does not exist (build it first)`);
    assets.add(source);
    const rewritten = `./assets/${inPackages.split(sep).join('/')}${fixed.endsWith('/') && !inPackages.endsWith('/') ? '/' : ''}`;
    return `new URL(${quote}${rewritten}${dynamic}${quote}, import.meta.url)`;
  });
}

/** Newest modification time under `path` (a file or a folder, walked). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const name of readdirSync(path)) m = Math.max(m, newest(join(path, name)));
  return m;
}

/** Whether the bundle is older than anything it is built from: every package's dist/ and assets, this script and vendor-load.cjs, the lockfile. */
function upToDate() {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  const inputs = [fileURLToPath(import.meta.url), VENDOR_LOADER_SOURCE, join(ROOT, 'package-lock.json')];
  for (const pkg of readdirSync(PACKAGES)) {
    for (const part of ['dist', 'config', 'interfaces', 'package.json']) inputs.push(join(PACKAGES, pkg, part));
  }
  return inputs.every((p) => newest(p) <= built);
}

export async function bundle() {
  const { rolldown } = await import('rolldown');
  const assets = new Set();
  const vendorIds = new Set();
  const build = await rolldown({
    input: { main: join(PACKAGES, 'cli/dist/main.js') },
    platform: 'node',
    external: isExternal,
    logLevel: 'warn',
    plugins: [
      {
        name: 'medkit-assets',
        transform(code, id) {
          if (!id.startsWith(PACKAGES) || !code.includes('import.meta.url')) return null;
          return { code: rewriteAssetUrls(code, id, assets), map: null };
        },
      },
      {
        name: 'medkit-require-cjs',
        renderChunk(code) {
          const out = requireCommonJs(code, vendorIds);
          return out === code ? null : { code: out, map: null };
        },
      },
    ],
  });
  // Written beside the bundle and swapped in by renames: a `medkit` started meanwhile (tests build while
  // others run) reads the old bundle or the new one, never half of each.
  const next = `${BUNDLE_DIR}.${process.pid}.next`;
  const old = `${BUNDLE_DIR}.${process.pid}.old`;
  rmSync(next, { recursive: true, force: true });
  await build.write({ dir: next, format: 'esm', sourcemap: true, chunkFileNames: chunkName, ...COMPACT_OUTPUT });
  await build.close();
  if (vendorIds.size > 0) {
    await bundleVendor(rolldown, vendorIds, join(next, VENDOR_FILE));
    cpSync(VENDOR_LOADER_SOURCE, join(next, VENDOR_LOADER));
    // 0755 whatever the umask: vendor-load.cjs does not use a directory a group may write to.
    mkdirSync(join(next, CODE_CACHE_DIR));
    chmodSync(join(next, CODE_CACHE_DIR), 0o755);
  }
  for (const source of assets) {
    const dest = join(next, 'assets', relative(PACKAGES, source));
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(source, dest, { recursive: true });
  }
  writeFileSync(join(next, '.bundle-stamp'), `${new Date().toISOString()}\n`);
  if (existsSync(BUNDLE_DIR)) renameSync(BUNDLE_DIR, old);
  renameSync(next, BUNDLE_DIR);
  rmSync(old, { recursive: true, force: true });
  return [...assets].map((a) => relative(ROOT, a));
}

/**
 * A chunk is named after the workspace package its entry module belongs to (`plugin-opcua-<hash>.js`), so a
 * loaded-module list says which feature it is. A dynamic import of a module in a folder of a package's dist/ adds
 * the folder (`gateway-service-interface-<hash>.js`): a feature of the gateway loaded only when it is on.
 */
export function chunkName(chunk) {
  const id = chunk.facadeModuleId ?? chunk.moduleIds.find((m) => m.startsWith(PACKAGES)) ?? '';
  if (!id.startsWith(PACKAGES)) return `${chunk.name}-[hash].js`;
  const [pkg, dist, folder, file] = relative(PACKAGES, id).split(sep);
  const feature = chunk.isDynamicEntry && dist === 'dist' && file !== undefined ? `-${folder}` : '';
  return `${pkg}${feature}-[hash].js`;
}

/**
 * Bundles unless up to date. One bundler at a time (test files build in parallel workers): the others wait
 * for the lock, then find the bundle up to date. A lock whose process is gone is taken over.
 */
export async function bundleIfChanged({ force = false } = {}) {
  return withDirLock(`${BUNDLE_DIR}.lock`, { waitMs: 180_000, name: 'medkit bundle' }, async () => {
    if (!force && upToDate()) return { built: false, assets: [] };
    return { built: true, assets: await bundle() };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const { built, assets } = await bundleIfChanged({ force: process.argv.includes('--force') });
  if (built) console.log(`medkit bundle: packages/cli/bundle in ${Math.round(performance.now() - t0)} ms; assets: ${assets.join(', ')}`);
  else console.log('medkit bundle: up to date (packages/cli/bundle)');
}
