#!/usr/bin/env node
// Regenerates src/generated.ts from the gateway's OpenAPI document (`npm run gen:api -w packages/client`).
// With --check it only compares and exits 1 when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateApiTypes } from './api-types.mjs';

const target = fileURLToPath(new URL('../src/generated.ts', import.meta.url));
const fresh = await generateApiTypes();
if (process.argv.includes('--check')) {
  const committed = readFileSync(target, 'utf8');
  if (committed !== fresh) {
    console.error('packages/client/src/generated.ts is stale: run `npm run gen:api -w packages/client`');
    process.exit(1);
  }
  console.log('generated API types are up to date');
} else {
  writeFileSync(target, fresh);
  console.log(`wrote ${target}`);
}
