#!/usr/bin/env node
// Regenerates docs/configuration.md from the gateway's key descriptors (needs `npm run build` first).
import { writeFileSync } from 'node:fs';
import { CORE_KEY_GROUPS, renderConfigReference } from '../packages/gateway/dist/config/index.js';
import { FEATURE_KEY_GROUPS } from '../packages/cli/dist/index.js';

const out = new URL('../docs/configuration.md', import.meta.url);
writeFileSync(out, renderConfigReference([...CORE_KEY_GROUPS, ...FEATURE_KEY_GROUPS]));
console.log(`wrote ${out.pathname}`);
