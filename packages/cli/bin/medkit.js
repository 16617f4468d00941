#!/usr/bin/env -S node --single-threaded --no-sparkplug --optimize-for-size --no-maglev --bytecode-old-age=2
// The `#!` line carries the Node.js options of src/runtime-flags.ts (why they are set is written there).
// The `medkit` command. The TypeScript sources are compiled to dist/ and bundled into bundle/ (scripts/bundle-cli.mjs)
// at install time (npm prepare, `npm run build`).
import { main } from '../bundle/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`medkit: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
