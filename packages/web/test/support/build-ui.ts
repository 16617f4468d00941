// Builds the UI from the current sources into a temp directory, so browser tests never run
// against a stale dist/.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const WEB_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function buildUi(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'medkit-web-dist-'));
  // vitest sets NODE_ENV=test, which would make Vite bundle development builds of dependencies.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: WEB_ROOT, mode: 'production', configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = env;
  }
  return outDir;
}

/** Raw and gzip sizes of the built JS and CSS assets. */
export function bundleSizes(outDir: string): { file: string; bytes: number; gzip: number }[] {
  const assets = join(outDir, 'assets');
  return readdirSync(assets)
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => {
      const buf = readFileSync(join(assets, f));
      return { file: f, bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
    });
}
