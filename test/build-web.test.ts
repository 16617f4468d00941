// `npm start` (and `npm run build`) rebuild the web UI only when its inputs changed
// (scripts/build-web.mjs): the vite build was most of the ~20 s before the demo answered.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildWebIfChanged } from '../scripts/build-web.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A repository layout with the web package's inputs, and a fake build that writes dist/. */
function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'medkit-build-web-'));
  dirs.push(root);
  const web = join(root, 'packages/web');
  mkdirSync(join(web, 'src/views'), { recursive: true });
  writeFileSync(join(web, 'src/main.tsx'), 'export const a = 1;\n');
  writeFileSync(join(web, 'src/views/tree.tsx'), 'export const b = 2;\n');
  writeFileSync(join(web, 'index.html'), '<html></html>\n');
  writeFileSync(join(web, 'package.json'), '{}\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  let builds = 0;
  const build = () => {
    builds++;
    rmSync(join(web, 'dist'), { recursive: true, force: true });
    mkdirSync(join(web, 'dist'), { recursive: true });
    writeFileSync(join(web, 'dist/index.html'), `<html>${builds}</html>`);
  };
  return { root, web, build, builds: () => builds };
}

describe('web UI build on start', () => {
  it('builds once, then skips while sources, configs and the lockfile are unchanged', () => {
    const f = fixture();
    expect(buildWebIfChanged({ root: f.root, build: f.build })).toBe('built');
    expect(buildWebIfChanged({ root: f.root, build: f.build })).toBe('up-to-date');
    expect(buildWebIfChanged({ root: f.root, build: f.build })).toBe('up-to-date');
    expect(f.builds()).toBe(1);
    // Any input change (a nested source, the lockfile) or a missing dist/ means a rebuild.
    writeFileSync(join(f.web, 'src/views/tree.tsx'), 'export const b = 3;\n');
    expect(buildWebIfChanged({ root: f.root, build: f.build })).toBe('built');
    writeFileSync(join(f.root, 'package-lock.json'), '{"v":2}\n');
    expect(buildWebIfChanged({ root: f.root, build: f.build })).toBe('built');
    rmSync(join(f.web, 'dist'), { recursive: true });
    expect(buildWebIfChanged({ root: f.root, build: f.build })).toBe('built');
    expect(buildWebIfChanged({ root: f.root, build: f.build, force: true })).toBe('built');
    expect(f.builds()).toBe(5);
  });

  it('writes no stamp when the build fails, so the next start tries again', () => {
    const f = fixture();
    expect(() => buildWebIfChanged({ root: f.root, build: () => { throw new Error('vite failed'); } })).toThrow(/vite failed/);
    expect(buildWebIfChanged({ root: f.root, build: f.build })).toBe('built');
  });

  it('is what `npm run build` (and so `npm start`) uses for the web UI', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    // After the UI: the command's bundle (scripts/bundle-cli.mjs) copies the built UI into itself. The optional
    // native addon (scripts/build-native.mjs) comes first: the bundle loads @medkit/rtps from its own package.
    expect(pkg.scripts.build).toBe('tsc -b && node scripts/build-native.mjs && node scripts/build-web.mjs && node scripts/bundle-cli.mjs');
    expect(pkg.scripts.start).toMatch(/^npm run build && /);
  });
});
