/** Where the demo's files are, wherever the package is installed. */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (holds dist/, manifests/, config/). */
export const DEMO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DIST = join(DEMO_ROOT, 'dist');
/** The workspace root (packages/demo/../..): the local fleet borrows its test-support server helpers. */
export const REPO_ROOT = join(DEMO_ROOT, '..', '..');
export const MANIFESTS = join(DEMO_ROOT, 'manifests');
export const CONFIG = join(DEMO_ROOT, 'config');
export const SCRIPTS = join(DEMO_ROOT, 'scripts');

/** The `medkit` command's script: the installed @medkit/cli, else the workspace sibling. */
export function medkitBin(): string {
  try {
    const entry = fileURLToPath(import.meta.resolve('@medkit/cli'));
    const bin = join(dirname(entry), '..', 'bin', 'medkit.js');
    if (existsSync(bin)) return bin;
  } catch {
    // not resolvable from here: fall through
  }
  return join(DEMO_ROOT, '..', 'cli', 'bin', 'medkit.js');
}

/**
 * The directory under /tmp that holds the demo's installation (its first level below /tmp), when it is installed
 * or checked out under /tmp: the gateway's private /tmp for script executions would hide the demo's helpers (and
 * the node_modules they import) from its managed scripts, so the launcher shows this one read-only
 * (`scripts.sandbox.visible_paths`). Undefined elsewhere.
 */
export function installUnderTmp(root = DEMO_ROOT): string | undefined {
  const real = realpathSync(root);
  const m = /^\/tmp\/[^/]+/.exec(real);
  return m ? m[0] : undefined;
}

/**
 * The outermost directory on the way to `path` that other users cannot enter (no search bit for others), or undefined.
 * Run as root, the gateway runs managed scripts as its sandbox user (`scripts.sandbox.user`, `nobody`), which must
 * reach the demo's dist/ to call its helpers: a checkout under a 0700 directory (mkdtemp makes those) fails every
 * script with "Cannot find module".
 */
export function closedToOthers(path = DIST): string | undefined {
  let dir = realpathSync(path);
  const chain: string[] = [];
  for (; dir !== parse(dir).root; dir = dirname(dir)) chain.unshift(dir);
  return chain.find((d) => (statSync(d).mode & 0o001) === 0);
}
