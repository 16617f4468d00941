import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of sibling packages, no build needed.
    alias: {
      '@medkit/rtps': src('rtps'),
      '@medkit/ros2': src('ros2'),
      '@medkit/gateway': src('gateway'),
      '@medkit/mcp': src('mcp'),
      '@medkit/client': src('client'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // 2-core machines: keep parallelism modest so real-network tests are not starved.
    maxWorkers: 2,
  },
});
