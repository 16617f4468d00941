// Tests that need a Debian package (DDS toolchains, chromium), or root, declare it here.
// On a developer machine without the package they skip with a loud reason; under CI=true a
// missing package is a failure, because CI installs everything the tests need.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';

export interface Requirement {
  /** What to look for: an executable on PATH, a pkg-config module or a file. */
  kind: 'bin' | 'pkg-config' | 'file';
  name: string;
  /** The Debian package that provides it, named in the skip reason. */
  debian: string;
}

function present(req: Requirement): boolean {
  try {
    if (req.kind === 'file') return existsSync(req.name);
    if (req.kind === 'bin') execFileSync('sh', ['-c', `command -v ${req.name}`], { stdio: 'ignore' });
    else execFileSync('pkg-config', ['--exists', req.name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns the missing requirements' reason, or null when everything is there. */
export function missing(reqs: Requirement[]): string | null {
  const gone = reqs.filter((r) => !present(r));
  if (gone.length === 0) return null;
  return gone.map((r) => `${r.kind} '${r.name}' (apt-get install ${r.debian})`).join(', ');
}

/** Runs the block when `reason` is null; otherwise skips it loudly, or fails it under CI=true. */
function describeUnless(reason: string | null, name: string, fn: () => void): void {
  if (reason === null) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      throw new Error(`CI=true but ${reason}`);
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${reason} ***\n`);
  describe.skip(name, fn);
}

/** A describe block that runs only when its requirements are installed (and must, under CI). */
export function describeWith(reqs: Requirement[], name: string, fn: () => void): void {
  const reason = missing(reqs);
  describeUnless(reason === null ? null : `required tools are missing: ${reason}`, name, fn);
}

/** True when this process runs as root (namespaces, cgroups and a user drop need it). */
export const IS_ROOT = process.getuid?.() === 0;

/**
 * A describe block that needs root (the script sandbox's namespaces, cgroups, user drop): skipped loudly
 * elsewhere, a failure under CI=true, where the suite runs as root.
 */
export function describeAsRoot(name: string, fn: () => void): void {
  describeUnless(IS_ROOT ? null : `it needs root and runs as uid ${process.getuid?.()}`, name, fn);
}

export const CYCLONE: Requirement[] = [
  { kind: 'pkg-config', name: 'CycloneDDS', debian: 'cyclonedds-dev' },
  { kind: 'bin', name: 'idlc', debian: 'cyclonedds-dev' },
  { kind: 'bin', name: 'gcc', debian: 'gcc' },
];
/**
 * Cyclone's builtin DDS-Security plugins, which the secured Cyclone test peer loads by full path: Debian's
 * libddsc0debian keeps them in a directory of its own under libddsc's libdir, upstream next to libddsc.
 */
function cycloneSecurityPlugin(): string {
  let libdir = '/usr/lib';
  try {
    libdir = execFileSync('pkg-config', ['--variable=libdir', 'CycloneDDS'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || libdir;
  } catch {
    // no CycloneDDS pkg-config module: CYCLONE names what is missing
  }
  const debian = join(libdir, 'libddsc0debian', 'libdds_security_auth.so');
  return existsSync(debian) ? debian : join(libdir, 'libdds_security_auth.so');
}
/** Cyclone DDS with its security plugins (secured Cyclone peers, PEER_SECURITY_ENCLAVE). */
export const CYCLONE_SECURITY: Requirement[] = [
  ...CYCLONE,
  {
    kind: 'file',
    // Looked up when checked, not when this module loads (most test files never ask).
    get name() {
      return cycloneSecurityPlugin();
    },
    debian: 'libddsc0debian',
  },
];
export const FASTDDS: Requirement[] = [
  { kind: 'bin', name: 'fastddsgen', debian: 'fastddsgen' },
  { kind: 'bin', name: 'g++', debian: 'g++' },
];
/** gcc's sanitizer runtime (libasan), which scripts/fuzz-native-asan.mjs preloads; looked up when checked. */
function gccLibasan(): string {
  try {
    return execFileSync('gcc', ['-print-file-name=libasan.so'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'libasan.so'; // no gcc: the gcc requirement names what is missing
  }
}
/** gcc with AddressSanitizer and UBSan runtimes (the addon's sanitizer build). */
export const GCC_SANITIZERS: Requirement[] = [
  { kind: 'bin', name: 'gcc', debian: 'gcc' },
  {
    kind: 'file',
    get name() {
      return gccLibasan();
    },
    debian: 'libasan8',
  },
];
export const CHROMIUM: Requirement[] = [{ kind: 'bin', name: 'chromium', debian: 'chromium' }];
export const NATS_SERVER: Requirement[] = [{ kind: 'bin', name: 'nats-server', debian: 'nats-server' }];
export const POSTGRES: Requirement[] = [{ kind: 'bin', name: '/usr/lib/postgresql/15/bin/initdb', debian: 'postgresql' }];
export const MOSQUITTO: Requirement[] = [{ kind: 'bin', name: '/usr/sbin/mosquitto', debian: 'mosquitto' }];
export const OPENSSL: Requirement[] = [{ kind: 'bin', name: 'openssl', debian: 'openssl' }];
/** `ip netns` and veth pairs (the reflection bench's off-machine victim); the bench needs root as well. */
export const IPROUTE2: Requirement[] = [{ kind: 'bin', name: 'ip', debian: 'iproute2' }];
