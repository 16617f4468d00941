import { readFileSync } from 'node:fs';

/** The gateway package version (from its package.json, which ships next to src/ and dist/). */
export const GATEWAY_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The SOVD version implemented (reported by /version-info). */
export const SOVD_VERSION = '1.0.0';

export const PRODUCT_NAME = 'medkit';
