// Production build of the UI: static files in dist/ with relative asset URLs, so the gateway (or
// any static server) can serve them at / or under a sub-path. No CDN, no web fonts: works offline.
import { fileURLToPath } from 'node:url';
import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';

/**
 * Preloads the app the robot UI's small entry imports on demand (src/main.tsx): Vite preloads an entry's static
 * imports only, and without the hint the app's code would be asked only once the entry has run.
 */
function preloadApp(): Plugin {
  return {
    name: 'medkit-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const { bundle, chunk } = ctx;
        if (!bundle || !chunk) return html;
        const files = new Set<string>();
        const add = (file: string) => {
          const c = bundle[file];
          if (!c || c.type !== 'chunk' || files.has(file) || html.includes(`/${file}"`)) return;
          files.add(file);
          c.imports.forEach(add);
        };
        for (const file of chunk.dynamicImports) {
          const c = bundle[file];
          if (c?.type === 'chunk' && c.facadeModuleId?.endsWith('/src/ui/mount.tsx')) add(file);
        }
        const tags: HtmlTagDescriptor[] = [...files].map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' }));
        return { html, tags };
      },
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preloadApp()],
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
    // Browsers without modulepreload (none the UI targets: es2022) only lose the head start, never the page.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
