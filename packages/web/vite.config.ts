// Production build of the UI: static files in dist/ with relative asset URLs, so the gateway (or
// any static server) can serve them at / or under a sub-path. No CDN, no web fonts: works offline.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  // The typed client and the SOVD core it imports are bundled from their TypeScript sources, so the UI never
  // builds against a stale dist/.
  resolve: {
    alias: {
      '@medkit/client': fileURLToPath(new URL('../client/src/index.ts', import.meta.url)),
      '@medkit/sovd': fileURLToPath(new URL('../sovd/src/index.ts', import.meta.url)),
    },
  },
  // The recording decoder runs in a module worker (src/incident/mcap-worker.ts).
  worker: { format: 'es' },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Two entries of one app: the robot UI (index.html) and the fleet console (fleet.html, served by
    // `medkit fleet`), sharing one chunk of models, components and styles.
    rollupOptions: { input: { index: fileURLToPath(new URL('index.html', import.meta.url)), fleet: fileURLToPath(new URL('fleet.html', import.meta.url)) } },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
