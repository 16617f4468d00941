// Tests that need a Debian package (DDS toolchains, chromium), or root, declare it here.
// On a developer machine without the package they skip with a loud reason; under CI=true a
// missing package is a failure, because CI installs everything the tests need.
import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';

export interface Requirement {
  /** What to look for: an executable on PATH or a pkg-config module. */
  kind: 'bin' | 'pkg-config';
  name: string;
  /** The Debian package that provides it, named in the skip reason. */
  debian: string;
}

function present(req: Requirement): boolean {
  try {
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
export const FASTDDS: Requirement[] = [
  { kind: 'bin', name: 'fastddsgen', debian: 'fastddsgen' },
  { kind: 'bin', name: 'g++', debian: 'g++' },
];
export const CHROMIUM: Requirement[] = [{ kind: 'bin', name: 'chromium', debian: 'chromium' }];
export const NATS_SERVER: Requirement[] = [{ kind: 'bin', name: 'nats-server', debian: 'nats-server' }];
export const POSTGRES: Requirement[] = [{ kind: 'bin', name: '/usr/lib/postgresql/15/bin/initdb', debian: 'postgresql' }];
export const MOSQUITTO: Requirement[] = [{ kind: 'bin', name: '/usr/sbin/mosquitto', debian: 'mosquitto' }];
export const OPENSSL: Requirement[] = [{ kind: 'bin', name: 'openssl', debian: 'openssl' }];
