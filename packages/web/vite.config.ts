// Production build of the UI: static files in dist/ with relative asset URLs, so the gateway (or
// any static server) can serve them at / or under a sub-path. No CDN, no web fonts: works offline.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // The typed client is bundled from its TypeScript sources, so the UI never builds against a stale client dist/.
  resolve: { alias: { '@medkit/client': fileURLToPath(new URL('../client/src/index.ts', import.meta.url)) } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small app: a single JS and CSS chunk keeps the gateway's static serving trivial.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
