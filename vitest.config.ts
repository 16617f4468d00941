import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { testFilesByIsolation } from './scripts/test-isolation.mjs';
import { lastFilesOrder, RUN_LAST } from './scripts/test-order.mjs';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

const root = fileURLToPath(new URL('.', import.meta.url));

/** Vitest's order (failed first, then longest first), with the files of RUN_LAST after all others, longest first (scripts/test-order.mjs says why). */
class PackagingLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rel = (f: TestSpecification) => relative(root, f.moduleId);
    const last = (f: TestSpecification) => RUN_LAST.some((p) => rel(f).startsWith(p));
    return [...sorted.filter((f) => !last(f)), ...lastFilesOrder(sorted.filter(last), rel)];
  }
}

/** Files that share a worker process, and the others (scripts/test-isolation.mjs says which and why). */
const { shared: SHARED, isolated: ISOLATED } = testFilesByIsolation(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of sibling packages, no build needed: `@medkit/<name>` is
    // packages/<name>/src/index.ts; a subpath export is listed with its source file.
    alias: [
      { find: '@medkit/cli/runtime-flags', replacement: `${packages}cli/src/runtime-flags.ts` },
      { find: '@medkit/fleet/keys', replacement: `${packages}fleet/src/keys.ts` },
      { find: '@medkit/rtps/security', replacement: `${packages}rtps/src/security/index.ts` },
      { find: '@medkit/ros2/security', replacement: `${packages}ros2/src/security/index.ts` },
      { find: '@medkit/rtps/light', replacement: `${packages}rtps/src/light.ts` },
      { find: '@medkit/ros2/light', replacement: `${packages}ros2/src/light.ts` },
      { find: '@medkit/fleet-protocol/envelope', replacement: `${packages}fleet-protocol/src/envelope.ts` },
      { find: '@medkit/fleet-protocol/rest', replacement: `${packages}fleet-protocol/src/rest.ts` },
      { find: /^@medkit\/([\w-]+)$/, replacement: `${packages}$1/src/index.ts` },
    ],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // 2-core machines: keep parallelism modest so real-network tests are not starved. MEDKIT_TEST_WORKERS sets another
    // count, to try one on a given machine: 3 on a shared, loaded 2-core box failed five files in its first 16 minutes
    // (README, CI).
    maxWorkers: Math.min(8, Math.max(1, Math.trunc(Number(process.env.MEDKIT_TEST_WORKERS)) || 2)),
    sequence: { sequencer: PackagingLastSequencer },
    projects: [
      { extends: true, test: { name: 'shared', include: SHARED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
