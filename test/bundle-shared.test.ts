// The shared packages' tarballs carry a bundle of their modules (scripts/bundle-shared.mjs). On a small package
// built here: every `exports` path stays a file, a module both entries import is one copy, a file found next to a
// module through `new URL(…, import.meta.url)` is found from the chunk it lands in, and a module that resolves
// another relative path against its own URL is refused when it would land in another folder.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleSharedPackage, bundleStagedPackage, entriesOf, relativeUrl } from '../scripts/bundle-shared.mjs';

const root = mkdtempSync(join(tmpdir(), 'medkit-bundle-shared-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fixture(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  const all: Record<string, string> = {
    'package.json': JSON.stringify({ name: `@fixture/${name}`, type: 'module', exports: { '.': { import: './dist/index.js' }, './sub': { import: './dist/sub/index.js' } } }),
    'data/hello.txt': 'hello',
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const SHARED_MODULE = [
  "import { readFileSync } from 'node:fs';",
  'export class Thing {}',
  "export const hello = () => readFileSync(new URL('../../data/hello.txt', import.meta.url), 'utf8');",
].join('\n');

describe('bundling a shared package', () => {
  it('keeps each exports path, one copy of what both entries import, and files found next to a module', async () => {
    const pkg = fixture('ok', {
      'dist/index.js': "export { Thing, hello } from './lib/thing.js';\nexport { addonPath } from './addon.js';",
      'dist/sub/index.js': "export { Thing } from '../lib/thing.js';\nexport { addonPath } from '../addon.js';",
      'dist/lib/thing.js': SHARED_MODULE,
      // A relative path resolved against its own URL (as the RTPS addon's is): it stays in dist/, where it was.
      'dist/addon.js': "import { createRequire } from 'node:module';\nexport const addonPath = createRequire(import.meta.url).resolve('../data/hello.txt');",
      'dist/index.d.ts': 'export declare class Thing {}',
    });
    const stage = join(root, 'ok-stage');
    cpSync(pkg, stage, { recursive: true });
    const files = await bundleStagedPackage(pkg, stage);
    expect(files).toEqual(expect.arrayContaining(['index.js', 'sub/index.js']));
    expect(files.filter((f: string) => f.includes('/')).sort()).toEqual(['sub/index.js']);
    expect(readdirSync(join(stage, 'dist'), { recursive: true }).map(String).sort()).toEqual([...files, 'index.d.ts', 'sub'].sort());
    const main = await import(pathToFileURL(join(stage, 'dist/index.js')).href);
    const sub = await import(pathToFileURL(join(stage, 'dist/sub/index.js')).href);
    expect(main.Thing).toBe(sub.Thing);
    expect(main.hello()).toBe('hello');
    expect(main.addonPath).toBe(join(stage, 'data/hello.txt'));
  });

  it('refuses a module that resolves a relative path against its URL and would land in another folder', async () => {
    const pkg = fixture('pinned', {
      'dist/index.js': "export { where } from './lib/where.js';",
      'dist/sub/index.js': "export { where } from '../lib/where.js';",
      'dist/lib/where.js': "import { createRequire } from 'node:module';\nexport const where = () => createRequire(import.meta.url).resolve('../../data/hello.txt');",
    });
    await expect(bundleSharedPackage(pkg, join(root, 'pinned-out'))).rejects.toThrow(/where\.js resolves a relative path against import\.meta\.url but was bundled into/);
  });

  it('refuses a file URL that leaves the package or names nothing', async () => {
    const pkg = fixture('missing', {
      'dist/index.js': "export const u = new URL('../nothing-here.txt', import.meta.url);",
      'dist/sub/index.js': 'export const v = 1;',
    });
    await expect(bundleSharedPackage(pkg, join(root, 'missing-out'))).rejects.toThrow(/outside its package or missing/);
  });

  it('takes the entries from the exports map, and refuses one outside dist/', () => {
    const pkg = fixture('entries', {});
    expect(entriesOf(pkg)).toEqual({ index: join(pkg, 'dist/index.js'), 'sub/index': join(pkg, 'dist/sub/index.js') });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'x', exports: { '.': './src/index.js' } }));
    expect(() => entriesOf(pkg)).toThrow(/not a \.\/dist\/\*\.js file/);
  });

  it('writes a file path relative to the chunk that reads it', () => {
    expect(relativeUrl('dist', 'interfaces/')).toBe('../interfaces/');
    expect(relativeUrl('dist/sub', 'data/hello.txt')).toBe('../../data/hello.txt');
    expect(relativeUrl('dist', 'dist/x.json')).toBe('./x.json');
  });
});
