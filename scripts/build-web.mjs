#!/usr/bin/env node
// Builds the web UI (packages/web: typecheck + vite) only when its inputs changed since the last
// build, so `npm start` does not spend most of its start-up rebuilding an unchanged UI. The inputs
// (sources, the @medkit/client and @medkit/sovd sources, index.html, configs, the web package.json and the lockfile) are hashed; the hash is kept
// in packages/web/dist/.build-stamp after a successful build. `--force` builds anyway.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Files the UI build reads, in a stable order. */
export function webInputs(root) {
  const web = join(root, 'packages/web');
  const files = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(join(web, 'src'));
  // The UI bundles the typed client and the SOVD core it imports from their sources (packages/web/vite.config.ts).
  walk(join(root, 'packages/client/src'));
  walk(join(root, 'packages/sovd/src'));
  for (const f of ['index.html', 'fleet.html', 'vite.config.ts', 'tsconfig.json', 'package.json']) files.push(join(web, f));
  files.push(join(root, 'package-lock.json'));
  return files.filter((f) => existsSync(f));
}

/** Hash of the inputs' paths and contents. */
export function webInputHash(root) {
  const h = createHash('sha256');
  for (const f of webInputs(root)) {
    h.update(relative(root, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * Runs `build` (the real one: `npm run build -w packages/web`) unless dist/ was built from the same
 * inputs. Resolves 'built' or 'up-to-date'; throws when the build fails (no stamp is written then).
 */
export function buildWebIfChanged({ root, force = false, build }) {
  const dist = join(root, 'packages/web/dist');
  const stampFile = join(dist, '.build-stamp');
  const hash = webInputHash(root);
  const current = existsSync(join(dist, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash;
  if (current && !force) return 'up-to-date';
  build();
  // vite empties dist/ first, so the stamp is written after it.
  writeFileSync(stampFile, `${hash}\n`);
  return 'built';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    const outcome = buildWebIfChanged({
      root,
      force: process.argv.includes('--force'),
      build: () => {
        const run = spawnSync('npm', ['run', 'build', '-w', 'packages/web'], { cwd: root, stdio: 'inherit' });
        if (run.status !== 0) throw new Error(`web UI build failed (exit ${run.status})`);
      },
    });
    if (outcome === 'up-to-date') console.log('web UI: inputs unchanged since the last build, not rebuilt (--force to rebuild)');
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
