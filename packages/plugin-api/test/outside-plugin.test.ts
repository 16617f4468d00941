// The contract is enough to write a real plugin (issue 28): the worked example under examples/ imports
// nothing of medkit but @medkit/plugin-api and type-checks against it alone. (Loading and serving it on a
// running gateway is packages/gateway/test/plugins/example-plugin.test.ts.)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { TSC } from '../../../test-support/medkit-cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = `${ROOT}examples/plugin-acme-sensors`;

describe('an outside plugin on the contract package alone', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [TSC, '-b', 'packages/plugin-api'], { cwd: ROOT, stdio: 'pipe' });
  }, 120_000);

  it('imports only @medkit/plugin-api and Node built-ins', () => {
    const src = readFileSync(`${EXAMPLE}/index.js`, 'utf8');
    const specifiers = [...src.matchAll(/(?:from\s+|import\()\s*'([^']+)'/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const s of specifiers) expect(s === '@medkit/plugin-api' || s.startsWith('node:'), s).toBe(true);
    const pkg = JSON.parse(readFileSync(`${EXAMPLE}/package.json`, 'utf8'));
    expect(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })).toEqual(['@medkit/plugin-api']);
  });

  it('type-checks against the contract (tsc --checkJs)', () => {
    // Throws with tsc's diagnostics when the example no longer fits the contract.
    execFileSync(process.execPath, [TSC, '-p', `${EXAMPLE}/tsconfig.json`], { cwd: ROOT, stdio: 'pipe' });
  }, 120_000);
});
