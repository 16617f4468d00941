// docs/src/memory-bounds.md (appended to docs/configuration.md) stays true: every key it names as
// `key` (default N) has that default, and every constant named as `NAME` = N in packages/…/file.ts is
// exported there with that value (or, for a module-private one, declared there with it).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CORE_KEY_GROUPS } from '@medkit/gateway';
import { type KeySpec } from '@medkit/kit';
import { FEATURE_KEY_GROUPS } from '../src/compose.js';

const root = new URL('../../../', import.meta.url);
const table = readFileSync(new URL('docs/src/memory-bounds.md', root), 'utf8');

const keys = new Map<string, KeySpec>(
  [...CORE_KEY_GROUPS, ...FEATURE_KEY_GROUPS].flatMap(([, group]) => Object.entries(group)),
);
const namedKeys = [...table.matchAll(/`([a-z0-9_]+(?:\.[a-z0-9_]+)+)` \(default (-?\d+)\)/g)].map((m) => ({ key: m[1], value: Number(m[2]) }));
const namedConstants = [...table.matchAll(/`([A-Z][A-Z0-9_]*(?:\.[A-Za-z]+)?)` = (\d+) in (packages\/[\w./-]+\.ts)/g)].map((m) => ({
  name: m[1],
  value: Number(m[2]),
  file: m[3],
}));

/** A module-private `const NAME = <integer expression>` of the file, evaluated; undefined when absent. */
function declared(file: string, name: string): number | undefined {
  const src = readFileSync(new URL(file, root), 'utf8');
  const expr = new RegExp(`\\bconst ${name}\\s*(?::[^=]+)?=\\s*([^;]+);`).exec(src)?.[1];
  if (expr === undefined || !/^[\d_\s*+<()]+$/.test(expr)) return undefined;
  return Function(`return (${expr.replace(/_/g, '')});`)() as number;
}

async function valueOf(file: string, path: string): Promise<unknown> {
  const mod = (await import(new URL(file, root).href)) as Record<string, unknown>;
  const [head, ...rest] = path.split('.');
  let v: unknown = mod[head];
  for (const p of rest) v = (v as Record<string, unknown> | undefined)?.[p];
  return v ?? (rest.length === 0 ? declared(file, head) : undefined);
}

describe('memory bounds table', () => {
  it('names enough keys and constants for the checks below to mean something', () => {
    expect(namedKeys.length).toBeGreaterThanOrEqual(30);
    expect(namedConstants.length).toBeGreaterThanOrEqual(25);
  });

  it.each(namedKeys)('`$key` has default $value', ({ key, value }) => {
    expect(keys.get(key)?.default, `${key} is not a key`).toBe(value);
  });

  it.each(namedConstants)('$name = $value in $file', async ({ name, value, file }) => {
    expect(await valueOf(file, name)).toBe(value);
  });
});
