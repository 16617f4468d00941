// The UI's script budget, checked on every CI run: the gzip size (level 9) of what the robot UI's first paint
// waits for (index.html's module script and the chunks it preloads) and of every script of the build (lazy
// chunks and the recording decoder's worker included). docs/benchmarks.md ("Web UI") records the numbers.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUi, bundleSizes } from './support/build-ui.js';

/** Budgets in bytes of gzip -9. Raise them only with a reason in docs/benchmarks.md. */
const BUDGET = { initialJs: 90_000, allJs: 170_000 };

const ARTIFACTS = join(fileURLToPath(new URL('../../../', import.meta.url)), '.test-artifacts', 'ui');

describe('web UI bundle size', () => {
  let dist: string;
  beforeAll(async () => {
    dist = await buildUi();
  }, 120_000);
  afterAll(() => {
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('keeps the first-paint scripts and all scripts within their gzip budgets', () => {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const initial = new Set([...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+\.js)"/g)].map((m) => m[1]));
    const sizes = bundleSizes(dist).filter((s) => s.file.endsWith('.js'));
    expect(initial.size).toBeGreaterThan(0);
    const initialJs = sizes.filter((s) => initial.has(s.file)).reduce((n, s) => n + s.gzip, 0);
    const allJs = sizes.reduce((n, s) => n + s.gzip, 0);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'bundle.json'), JSON.stringify({ initialJs, allJs, budget: BUDGET, files: sizes }, null, 2));
    // The worker and the lazy chunks must not be part of the first paint. Named one by one: the chunk holding
    // incident-prefetch.ts (first-paint code: it starts a deep-linked incident's reads) may be named after it.
    expect([...initial].filter((f) => /^(mcap-worker|dagre|incident-(page|file-page|panels|model)|data-plot|detail|robot-fault)-/.test(f))).toEqual([]);
    expect(initialJs).toBeLessThanOrEqual(BUDGET.initialJs);
    expect(allJs).toBeLessThanOrEqual(BUDGET.allJs);
  });
});
