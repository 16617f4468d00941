#!/usr/bin/env -S node --single-threaded --no-sparkplug --optimize-for-size --no-maglev --bytecode-old-age=2
// The `#!` line carries the Node.js options of src/runtime-flags.ts (why they are set is written there).
// The `medkit` command. The TypeScript sources are compiled to dist/ and bundled into bundle/ (scripts/bundle-cli.mjs)
// at install time (npm prepare, `npm run build`).
import module from 'node:module';

// V8's compiled code of the bundle and the packages it loads is kept on disk and reused by the next start, which then
// skips most compilation (Node.js 22.1 and later, so the runtime the packages ship; Node.js 20 has no such cache).
// The directory is NODE_COMPILE_CACHE when set (the systemd unit sets one that outlives its private /tmp), else
// Node's default under the temporary directory; a cache that cannot be written only costs the time it would save.
module.enableCompileCache?.();
const { main } = await import('../bundle/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`medkit: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
