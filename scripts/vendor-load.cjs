'use strict';
// Copied into the bundle as vendor-load.cjs by scripts/bundle-cli.mjs; the chunks require it instead of vendor.cjs.
// It compiles vendor.cjs (1 MB: fastify, pino, ajv, ...) with a V8 code cache, so a start with the cache skips the
// compile of that file and of the functions start-up ran in it (docs/benchmarks.md, "Start-up (issue 69)"). Node.js
// 20 has no compile cache of its own; Node.js 22+'s (NODE_COMPILE_CACHE) kept 3.4 MB more memory for the process's
// life in our measurements.
//
// Fail-safe: whatever is wrong with a cache (none yet, unreadable, truncated, corrupt, made by another runtime, build
// or set of V8 options, a directory that cannot be written), vendor.cjs is compiled as it is without one. A directory
// or file that another user owns, or that a group or others may write, is not used (its code would run as us).
// - The file name is a hash of the runtime's version and architecture, its options and vendor.cjs's content: V8
//   itself compares only the source's length, its own version and its options.
// - The file carries a SHA-256 of the data, checked before V8 sees it: release builds of V8 do not check their own
//   checksum, and deserialising damaged data is not safe.
// - The data is taken once per key, SAVE_AFTER_MS after loading (by then it holds the functions start-up and the
//   first requests compiled, not only the top level), written to a temporary file renamed into place; at most
//   KEEP cache files stay in the directory.
// Where (docs/deploy.md, "Code cache"): $MEDKIT_CODE_CACHE (a directory, or `off`); else the service's systemd
// cache directory ($CACHE_DIRECTORY/code-cache); else .code-cache/ beside this file when it exists (the bundler
// makes it in a checkout, and a rebuild replaces it with the rest of the bundle; the packages do not ship it, so an
// installed tree is never written to); else the user's cache directory ($XDG_CACHE_HOME or ~/.cache, medkit/code-cache:
// an installed package run by hand starts warm from its second start on). NODE_DEBUG=medkit-code-cache says what happened; MEDKIT_CODE_CACHE_SAVE_MS
// moves the write earlier (tests).
//
// It also shares vendored packages that packages outside vendor.cjs require too (vendor.cjs's `shared`: yaml, which
// @fastify/swagger requires): see share().
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const { createRequire } = Module;
const path = require('node:path');
const { debuglog } = require('node:util');
const vm = require('node:vm');

const VENDOR = path.join(__dirname, 'vendor.cjs');
const MAGIC = Buffer.from('medkit-v8-code-cache-1\n');
const DIGEST = 32;
/** Cache files kept in one directory: a few runtimes or builds side by side, never an unbounded pile. */
const KEEP = 3;
/** Far above what vendor.cjs gives (about 1 MB): a larger file is not one of ours. */
const MAX_BYTES = 32 * 1024 * 1024;
/** After the first requests, the deferred routes' build (2 s after listening at the latest) included. */
const SAVE_AFTER_MS = saveAfterMs(process.env.MEDKIT_CODE_CACHE_SAVE_MS);
const NAME = /^vendor-[0-9a-f]{32}\.v8$/;
const TEMP = /^vendor-[0-9a-f]{32}\.v8\.\d+\.tmp$/;
const debug = debuglog('medkit-code-cache');

/** MEDKIT_CODE_CACHE_SAVE_MS when it is a whole number of ms up to an hour (setTimeout turns larger ones into 1 ms), else 10 s. */
function saveAfterMs(value) {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 3_600_000 && value !== '' ? n : 10_000;
}

/** The cache directory, or undefined when there is none. */
function cacheDir(env) {
  const set = env.MEDKIT_CODE_CACHE;
  if (set === 'off') return undefined;
  if (set) return path.resolve(set);
  // systemd's CacheDirectory= (several are separated by ':'), when the unit has one (docs/deploy.md, "Code cache").
  if (env.CACHE_DIRECTORY) return path.join(env.CACHE_DIRECTORY.split(':')[0], 'code-cache');
  const beside = path.join(__dirname, '.code-cache');
  if (fs.existsSync(beside)) return beside;
  // An installed package or tree run by hand: the user's cache directory (XDG), never the installation itself.
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  const base = xdg ?? (env.HOME && path.isAbsolute(env.HOME) ? path.join(env.HOME, '.cache') : undefined);
  return base ? path.join(base, 'medkit', 'code-cache') : undefined;
}

/**
 * Why a cache directory or file must not be used, or undefined. The code read from it runs as this process, so nobody
 * but this process's user may have been able to write it (a checkout run as root by another user, a directory open
 * to a group).
 */
function untrusted(stat) {
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return 'owned by another user';
  if ((stat.mode & 0o022) !== 0) return 'writable by group or others';
  return undefined;
}

/** `dir`'s problem (see untrusted) when it exists; undefined when it is fine or not there yet (made 0700 when saving). */
function dirProblem(dir) {
  let stat;
  try {
    stat = fs.statSync(dir);
  } catch {
    return undefined;
  }
  return untrusted(stat);
}

const sha256 = (data) => createHash('sha256').update(data).digest();

/** The data of cache file `file` when it is whole and intact, else undefined. */
function readCache(file) {
  let bytes;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const stat = fs.fstatSync(fd);
      const size = stat.size;
      if (size <= MAGIC.length + DIGEST || size > MAX_BYTES || untrusted(stat) !== undefined) return undefined;
      bytes = Buffer.allocUnsafe(size);
      if (fs.readSync(fd, bytes, 0, size, 0) !== size) return undefined;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = bytes.subarray(MAGIC.length + DIGEST);
  return sha256(data).equals(bytes.subarray(MAGIC.length, MAGIC.length + DIGEST)) ? data : undefined;
}

/** Writes `data` as cache file `file` (whole or not at all), then removes the oldest cache files beyond KEEP. */
function writeCache(dir, file, data) {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, Buffer.concat([MAGIC, sha256(data), data]), { mode: 0o600 });
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  const now = Date.now();
  const caches = [];
  for (const name of fs.readdirSync(dir)) {
    const at = path.join(dir, name);
    try {
      if (NAME.test(name)) caches.push({ at, mtime: fs.statSync(at).mtimeMs });
      // Left by a process that died while writing.
      else if (TEMP.test(name) && now - fs.statSync(at).mtimeMs > 3_600_000) fs.rmSync(at, { force: true });
    } catch {
      // Removed meanwhile by another gateway.
    }
  }
  caches.sort((a, b) => b.mtime - a.mtime);
  for (const { at } of caches.slice(KEEP)) if (at !== file) fs.rmSync(at, { force: true });
}

/** Takes the script's cache data and writes it, unless the directory cannot be written. */
function save(script, dir, file) {
  try {
    // Checked before the data is made: on a read-only directory nothing is serialised.
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    const problem = dirProblem(dir);
    if (problem !== undefined) throw new Error(`${dir} is ${problem}`);
    const data = script.createCachedData();
    writeCache(dir, file, data);
    debug('wrote %s (%d bytes)', file, data.length);
  } catch (err) {
    debug('not written: %s', err.message);
  }
}

function load(env) {
  // Hashed as bytes: hashing the decoded string costs a few ms more (it is encoded again).
  const bytes = fs.readFileSync(VENDOR);
  const source = bytes.toString('utf8');
  let dir = cacheDir(env);
  const problem = dir === undefined ? undefined : dirProblem(dir);
  if (problem !== undefined) {
    debug('not used: %s is %s', dir, problem);
    dir = undefined;
  }
  let file;
  let cachedData;
  if (dir !== undefined) {
    const key = createHash('sha256')
      .update(JSON.stringify([process.version, process.arch, process.execArgv, env.NODE_OPTIONS ?? '']))
      .update(bytes)
      .digest('hex')
      .slice(0, 32);
    file = path.join(dir, `vendor-${key}.v8`);
    cachedData = readCache(file);
  }
  // The wrapper Node.js gives a CommonJS module; the module object has what vendor.cjs reads of it (exports).
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: VENDOR,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = { exports: {}, id: VENDOR, filename: VENDOR, loaded: false, children: [], paths: [] };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(VENDOR), mod, VENDOR, __dirname);
  mod.loaded = true;
  if (file === undefined) {
    if (problem === undefined) debug('off');
  } else if (cachedData !== undefined && !script.cachedDataRejected) {
    debug('used %s', file);
  } else {
    debug(cachedData === undefined ? 'none usable at %s' : 'rejected by V8: %s', file);
    // Said when it is decided (at load), so a start that will not write says so at once.
    debug('will write %s in %d ms', file, SAVE_AFTER_MS);
    setTimeout(() => save(script, dir, file), SAVE_AFTER_MS).unref();
  }
  return mod.exports;
}

/**
 * Puts the vendored copy of `id` in require's cache where node_modules' copy is found from the bundle, when that is
 * the version vendored: packages loaded from node_modules that require it too (@fastify/swagger requires yaml) get
 * the same copy, and the process holds one instead of two. Otherwise they load their own, as before.
 */
function share(id, exports, version) {
  try {
    const fromVendor = createRequire(VENDOR);
    const file = fromVendor.resolve(id);
    if (require.cache[file] !== undefined) return;
    if (JSON.parse(fs.readFileSync(fromVendor.resolve(`${id}/package.json`), 'utf8')).version !== version) return;
    const mod = new Module(file, null);
    mod.filename = file;
    mod.exports = exports;
    mod.loaded = true;
    require.cache[file] = mod;
    debug('shared %s (%s)', id, file);
  } catch {
    // Not installed beside the bundle: nothing to share.
  }
}

/** vendor.cjs's function (a package by id), sharing a package of its `shared` list when it is first asked for. */
function withSharing(vendor) {
  const pending = new Map(Object.entries(vendor.shared ?? {}));
  return (id) => {
    const exports = vendor(id);
    const version = pending.get(id);
    if (version !== undefined) {
      pending.delete(id);
      share(id, exports, version);
    }
    return exports;
  };
}

module.exports = withSharing(load(process.env));
