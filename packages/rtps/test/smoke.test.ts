import { describe, it, expect } from 'vitest';
import * as rtps from '@medkit/rtps';
describe('workspace', () => { it('resolves @medkit/rtps from source', () => { expect(typeof rtps).toBe('object'); }); });
