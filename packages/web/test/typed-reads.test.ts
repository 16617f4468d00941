// The UI reads the gateway through the typed client (issue 58): `client.get`, or `client.entityGet` where the
// entity's collection is known only at run time, so every route and body it reads is checked against the served
// OpenAPI document (with the built-in plugins' routes); the fleet console through the client's fleet calls, typed
// in packages/client/src/fleet.ts. This fails when an untyped read (`client.read`, a GET through `client.request`)
// appears anywhere in the UI's sources.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const UNTYPED = /\bclient\.read\s*[<(]|\.request\s*(<[^>]*>)?\(\s*'GET'/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('typed reads', () => {
  it('the web UI reads through the typed client only', () => {
    const found: Record<string, number> = {};
    for (const file of sources(SRC)) {
      const n = readFileSync(file, 'utf8').match(UNTYPED)?.length ?? 0;
      if (n > 0) found[relative(SRC, file).split('\\').join('/')] = n;
    }
    expect(found).toEqual({});
  });
});
