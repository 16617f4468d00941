// The UI reads the gateway through the typed client (issue 58): `client.get`, or `client.entityGet` where the
// entity's collection is known only at run time, so every route and body it reads is checked against the served
// OpenAPI document. This fails when an untyped read (`client.read`, a GET through `client.request`) appears
// anywhere else than the reads of routes the document does not have, listed here with why.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const UNTYPED = /\bclient\.read\s*[<(]|\.request\s*(<[^>]*>)?\(\s*'GET'/g;

/**
 * Untyped reads left, by file: routes the robot gateway's document (packages/client/src/generated.ts, which has the
 * built-in plugins' routes too) lacks.
 */
const ALLOWED: Record<string, { count: number; why: string }> = {
  'fleet/codes-page.tsx': { count: 2, why: "the fleet gateway's routes (x-medkit-fault-codes, its /faults)" },
  'fleet/robot-page.tsx': { count: 3, why: "the fleet gateway's routes (a robot's entities and faults)" },
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('typed reads', () => {
  it('the web UI reads through the typed client, but for routes the served document lacks', () => {
    const found: Record<string, number> = {};
    for (const file of sources(SRC)) {
      const n = readFileSync(file, 'utf8').match(UNTYPED)?.length ?? 0;
      if (n > 0) found[relative(SRC, file).split('\\').join('/')] = n;
    }
    expect(found).toEqual(Object.fromEntries(Object.entries(ALLOWED).map(([f, a]) => [f, a.count])));
  });
});
