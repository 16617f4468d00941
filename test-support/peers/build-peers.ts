// Builds the C/C++ DDS test peers once per source version and caches the binaries under
// build/<vendor>-<hash>/peer. Several vitest workers may ask at the same time: a lock file
// makes one of them build while the others wait, and the finished build directory appears
// by an atomic rename, so nobody ever runs a half-written binary.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Which peer binary: Cyclone or Fast DDS with Iron/Jazzy (16-byte) or Humble (24-byte, `*24`) Gids;
 * `*-keyed`: the keyed-topic peers (keyed/, modes keyed-pub and keyed-sub).
 */
export type PeerVendor = 'cyclone' | 'cyclone24' | 'fastdds' | 'fastdds24' | 'cyclone-keyed' | 'fastdds-keyed';

/** Absolute paths of the built peer programs. */
export interface PeerBinaries {
  cyclone: string;
  cyclone24: string;
  fastdds: string;
}

/** The folder holding the peer sources, configs and this harness. */
export const PEERS_DIR = fileURLToPath(new URL('../../packages/rtps/test/peers', import.meta.url));
/** Where builds are cached (gitignored). */
export const BUILD_DIR = join(PEERS_DIR, 'build');

/** A compiler or code generator failed; the message carries the command and its output. */
export class PeerBuildError extends Error {
  constructor(
    /** The peer vendor, or the name of another program built with buildProgram. */
    readonly vendor: string,
    readonly command: string,
    readonly output: string,
  ) {
    super(`building the ${vendor} test peer failed:\n$ ${command}\n${output}`);
    this.name = 'PeerBuildError';
  }
}

/** How to build one program: what decides its cache key and the commands that produce `<out>/peer`. */
export interface Recipe {
  /** Files whose contents decide the cache key, relative to PEERS_DIR (or absolute). */
  sources: string[];
  /** The build steps, run in order inside the temporary build directory `out`. */
  steps: (out: string) => Promise<string[][]>;
}

const common = join(PEERS_DIR, 'common');

function cycloneRecipe(gidSize: 16 | 24): Recipe {
  return {
    sources: ['common/peer_common.h', 'cyclone/cyclone_peer.c', 'cyclone/ros_types.idl'],
    steps: async (out) => {
      const flags = (await run('cyclone', ['pkg-config', '--cflags', '--libs', 'CycloneDDS'])).split(/\s+/).filter(Boolean);
      // Where the security plugins are looked for (PEER_SECURITY_ENCLAVE): next to libddsc.
      const libdir = (await run('cyclone', ['pkg-config', '--variable=libdir', 'CycloneDDS'])).trim();
      return [
        ['idlc', '-t', `-DGID_SIZE=${gidSize}`, '-o', out, join(PEERS_DIR, 'cyclone/ros_types.idl')],
        ['gcc', '-O1', '-Wall', `-DGID_SIZE=${gidSize}`, `-DCYCLONE_LIBDIR="${libdir}"`, `-I${common}`, `-I${out}`, '-o', join(out, 'peer'),
          join(PEERS_DIR, 'cyclone/cyclone_peer.c'), join(out, 'ros_types.c'), ...flags],
      ];
    },
  };
}

/**
 * The Fast DDS peer; with 24, its Gid_ holds 24 octets (the IDL copied with that one change: fastddsgen has no
 * defines) and the program is built with GID_SIZE=24.
 */
function fastddsRecipe(gidSize: 16 | 24): Recipe {
  const idl = join(PEERS_DIR, 'fastdds/ros_types.idl');
  return {
    sources: ['common/peer_common.h', 'fastdds/fastdds_peer.cpp', 'fastdds/ros_types.idl'],
    steps: async (out) => [
      ['sed', '-e', `s/struct Gid_ { octet data\\[16\\]; };/struct Gid_ { octet data[${gidSize}]; };/`, '-e', `w ${join(out, 'ros_types.idl')}`, '-n', idl],
      ['fastddsgen', '-replace', '-d', out, join(out, 'ros_types.idl')],
      ['g++', '-O1', '-std=c++17', '-Wall', `-DGID_SIZE=${gidSize}`, `-I${common}`, `-I${out}`, '-o', join(out, 'peer'),
        join(PEERS_DIR, 'fastdds/fastdds_peer.cpp'), join(out, 'ros_types.cxx'), join(out, 'ros_typesPubSubTypes.cxx'),
        '-lfastrtps', '-lfastcdr'],
    ],
  };
}

const keyed = join(PEERS_DIR, 'keyed');

const RECIPES: Record<PeerVendor, Recipe> = {
  cyclone: cycloneRecipe(16),
  cyclone24: cycloneRecipe(24),
  'cyclone-keyed': {
    sources: ['common/peer_common.h', 'keyed/keyed_args.h', 'keyed/keyed_cyclone.c', 'keyed/keyed.idl'],
    steps: async (out) => {
      const flags = (await run('cyclone-keyed', ['pkg-config', '--cflags', '--libs', 'CycloneDDS'])).split(/\s+/).filter(Boolean);
      return [
        ['idlc', '-o', out, join(keyed, 'keyed.idl')],
        ['gcc', '-O1', '-Wall', '-Wno-unused-function', `-I${common}`, `-I${keyed}`, `-I${out}`, '-o', join(out, 'peer'), join(keyed, 'keyed_cyclone.c'), join(out, 'keyed.c'), ...flags],
      ];
    },
  },
  'fastdds-keyed': {
    sources: ['common/peer_common.h', 'keyed/keyed_args.h', 'keyed/keyed_fastdds.cpp', 'keyed/keyed.idl'],
    steps: async (out) => [
      ['fastddsgen', '-replace', '-d', out, join(keyed, 'keyed.idl')],
      ['g++', '-O1', '-std=c++17', '-Wall', '-Wno-unused-function', `-I${common}`, `-I${keyed}`, `-I${out}`, '-o', join(out, 'peer'),
        join(keyed, 'keyed_fastdds.cpp'), join(out, 'keyed.cxx'), join(out, 'keyedPubSubTypes.cxx'), '-lfastrtps', '-lfastcdr'],
    ],
  },
  fastdds: fastddsRecipe(16),
  fastdds24: fastddsRecipe(24),
};

/** Runs one command; rejects with a PeerBuildError holding its stdout and stderr. */
export function run(vendor: string, argv: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { cwd, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new PeerBuildError(vendor, argv.join(' '), `${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The cache key: the program's name plus the contents of every source file of its recipe. */
function sourceHash(name: string, recipe: Recipe): string {
  const h = createHash('sha256').update(name);
  for (const f of recipe.sources) h.update(f).update(readFileSync(isAbsolute(f) ? f : join(PEERS_DIR, f)));
  return h.digest('hex').slice(0, 16);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const LOCK_STALE_MS = 10 * 60_000;
const BUILD_WAIT_MS = 10 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes the lock file (exclusive create); false when another live builder holds it. */
async function tryLock(lock: string): Promise<boolean> {
  try {
    const fh = await open(lock, 'wx');
    await fh.writeFile(String(process.pid));
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  // Someone holds it: break it only if its owner died or it is ancient.
  try {
    const [pidText, st] = await Promise.all([readFile(lock, 'utf8'), stat(lock)]);
    const pid = Number.parseInt(pidText, 10);
    const dead = (Number.isFinite(pid) && pid > 0 && !pidAlive(pid)) || Date.now() - st.mtimeMs > LOCK_STALE_MS;
    if (dead) await unlink(lock).catch(() => undefined);
  } catch {
    // the lock vanished meanwhile: the next attempt will tell
  }
  return false;
}

async function buildInto(vendor: string, recipe: Recipe, final: string): Promise<void> {
  const tmp = `${final}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await mkdir(tmp, { recursive: true });
  try {
    for (const argv of await recipe.steps(tmp)) await run(vendor, argv, tmp);
    // Atomic: the directory appears complete or not at all. If a builder whose lock was
    // wrongly judged stale got there first, its identical result is just as good.
    await rename(tmp, final).catch((e: unknown) => {
      if (!existsSync(join(final, 'peer'))) throw e;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Removes builds of older source versions of this vendor (running binaries keep working). */
async function pruneOldBuilds(vendor: string, keep: string): Promise<void> {
  const old = new RegExp(`^${vendor}-[0-9a-f]{16}$`);
  for (const name of await readdir(BUILD_DIR)) {
    if (old.test(name) && join(BUILD_DIR, name) !== keep) await rm(join(BUILD_DIR, name), { recursive: true, force: true });
  }
}

async function buildUncached(vendor: string, recipe: Recipe): Promise<string> {
  const final = join(BUILD_DIR, `${vendor}-${sourceHash(vendor, recipe)}`);
  const binary = join(final, 'peer');
  if (existsSync(binary)) return binary;
  await mkdir(BUILD_DIR, { recursive: true });
  const lock = `${final}.lock`;
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (!existsSync(binary)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for another process to build ${binary} (lock ${lock})`);
    if (!(await tryLock(lock))) {
      await sleep(250);
      continue;
    }
    try {
      if (!existsSync(binary)) {
        await buildInto(vendor, recipe, final);
        await pruneOldBuilds(vendor, final);
      }
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }
  return binary;
}

const pending = new Map<string, Promise<string>>();

/**
 * Builds the program `name` (cached as build/<name>-<hash>/peer, the same way as the peers) if its
 * sources changed since the last build, and resolves to the binary's absolute path. For test programs
 * beyond the peers (e.g. clients generated from interface files); `name` must not be a peer vendor.
 */
export function buildProgram(name: string, recipe: Recipe): Promise<string> {
  let p = pending.get(name);
  if (!p) {
    p = buildUncached(name, recipe);
    pending.set(name, p);
    p.catch(() => pending.delete(name)); // let a later call retry after a fix
  }
  return p;
}

/**
 * Builds one peer if its sources changed since the last build (otherwise returns at once)
 * and resolves to the binary's absolute path. Safe to call concurrently from several
 * processes. Rejects with {@link PeerBuildError} (command + compiler output) on failure.
 */
export function buildPeer(vendor: PeerVendor): Promise<string> {
  return buildProgram(vendor, RECIPES[vendor]);
}

/** Builds (or finds cached) all three peers. Needs both toolchains installed. */
export async function buildPeers(): Promise<PeerBinaries> {
  // One at a time: the machines have 2 cores and the C++ build alone uses one fully.
  const cyclone = await buildPeer('cyclone');
  const cyclone24 = await buildPeer('cyclone24');
  const fastdds = await buildPeer('fastdds');
  return { cyclone, cyclone24, fastdds };
}
