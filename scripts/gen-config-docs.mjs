#!/usr/bin/env node
// Regenerates docs/configuration.md from the gateway's key descriptors (needs `npm run build` first),
// then appends the hand-maintained memory-bounds table.
import { readFileSync, writeFileSync } from 'node:fs';
import { CORE_KEY_GROUPS, renderConfigReference } from '@medkit/gateway';
import { FEATURE_KEY_GROUPS } from '@medkit/cli';

const out = new URL('../docs/configuration.md', import.meta.url);
const bounds = readFileSync(new URL('../docs/src/memory-bounds.md', import.meta.url), 'utf8');
writeFileSync(out, renderConfigReference([...CORE_KEY_GROUPS, ...FEATURE_KEY_GROUPS], bounds));
console.log(`wrote ${out.pathname}`);
