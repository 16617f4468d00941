// docs/configuration.md is the reference of every key `medkit` composes: the core's, then the features' (fleet included),
// then the memory bounds of docs/src/memory-bounds.md.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CORE_KEY_GROUPS, renderConfigReference } from '@medkit/gateway';
import { FEATURE_KEY_GROUPS } from '../src/compose.js';

describe('configuration reference', () => {
  it('docs/configuration.md matches the key descriptors (run `npm run docs:config` after changing keys)', () => {
    const committed = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const bounds = readFileSync(new URL('../../../docs/src/memory-bounds.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigReference([...CORE_KEY_GROUPS, ...FEATURE_KEY_GROUPS], bounds));
  });
});
