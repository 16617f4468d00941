/** Where the demo's files are, wherever the package is installed. */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
