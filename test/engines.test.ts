// Every installed package must run on the oldest Node the project supports (package.json engines,
// the README's "Node.js 20"): one that needs a newer Node makes `npm install`/`npm ci` print
// EBADENGINE and may break at run time. A dependency update that pulls one in fails here; pin or
// override it (package.json `overrides`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import semver from 'semver';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };

describe('Node engines of the dependency tree', () => {
  it('the README and package.json agree on the oldest Node (20)', () => {
    expect(semver.minVersion(pkg.engines.node)?.major).toBe(20);
    expect(readFileSync(new URL('README.md', root), 'utf8')).toMatch(/Node\.js 20\b/);
  });

  it('every package in package-lock.json accepts that Node version (no EBADENGINE on npm ci)', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const refused = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(oldest, p.engines.node))
      .map(([path, p]) => `${path}@${p.version} needs node ${(p.engines as { node: string }).node}`);
    expect(refused).toEqual([]);
  });
});
