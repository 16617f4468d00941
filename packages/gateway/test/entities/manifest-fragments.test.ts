import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/entities/manifest/issues.js';
import { loadManifest } from '../../src/entities/manifest/load.js';

const BASE = ['manifest_version: "1.0"', 'components:', '  - id: pc', 'apps:', '  - id: base-app', '    is_located_on: pc', ''].join('\n');

let dir: string;
let frags: string;
let manifest: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'medkit-frag-'));
  frags = join(dir, 'fragments');
  mkdirSync(frags);
  manifest = join(dir, 'manifest.yaml');
  writeFileSync(manifest, BASE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = () => loadManifest({ path: manifest, fragmentsDir: frags });

describe('manifest fragments', () => {
  it('appends apps, components and functions from every file, sorted by path; skips dot files', async () => {
    writeFileSync(join(frags, 'b.yml'), 'apps:\n  - id: from-b\n    is_located_on: cam\n');
    writeFileSync(join(frags, 'a.yaml'), 'manifest_version: "1.0"\ncomponents:\n  - id: cam\nfunctions:\n  - id: vision\n    hosted_by: [from-b]\n');
    writeFileSync(join(frags, '.tmp-123.yaml'), 'this: [is not yaml');
    writeFileSync(join(frags, 'notes.txt'), 'ignored');
    const r = await load();
    expect(r.errors).toEqual([]);
    expect(r.manifest!.files).toEqual([manifest, join(frags, 'a.yaml'), join(frags, 'b.yml')]);
    expect(r.manifest!.apps.map((a) => a.id)).toEqual(['base-app', 'from-b']);
    expect(r.manifest!.components.map((c) => c.id)).toEqual(['pc', 'cam']);
    expect(r.manifest!.functions.map((f) => f.id)).toEqual(['vision']);
  });

  it('a missing fragments directory is fine', async () => {
    rmSync(frags, { recursive: true });
    expect((await load()).ok).toBe(true);
  });

  it('reports each forbidden field as FRAGMENT_FORBIDDEN_FIELD and fails the whole load', async () => {
    writeFileSync(join(frags, 'good.yaml'), 'apps:\n  - id: fine\n');
    const bad = join(frags, 'bad.yaml');
    writeFileSync(bad, 'areas:\n  - id: x\nconfig: {}\napps:\n  - id: extra\nscripts: []\n');
    const r = await load();
    expect(r.ok).toBe(false);
    expect(r.manifest).toBeUndefined();
    expect(r.errors.map(formatIssue)).toEqual([
      `${bad}:1: FRAGMENT_FORBIDDEN_FIELD fragments may not set 'areas' (fragments add only apps, components, functions)`,
      `${bad}:3: FRAGMENT_FORBIDDEN_FIELD fragments may not set 'config' (fragments add only apps, components, functions)`,
      `${bad}:6: FRAGMENT_FORBIDDEN_FIELD fragments may not set 'scripts' (fragments add only apps, components, functions)`,
    ]);
  });

  it('validates fragments together with the base, naming the fragment file and line', async () => {
    const f = join(frags, 'dup.yaml');
    writeFileSync(f, 'apps:\n  - id: ok\n  - id: base-app\n  - id: lost\n    is_located_on: nowhere\n');
    const r = await load();
    expect(r.errors.map(formatIssue)).toEqual([
      `${f}:3: R004 duplicate app id 'base-app' (first declared at ${manifest}:5)`,
      `${f}:5: R007 app 'lost' is_located_on unknown component 'nowhere'`,
    ]);
  });

  it('does not follow a symlink that leaves the directory, but follows one inside it', async () => {
    const outside = join(dir, 'outside.yaml');
    writeFileSync(outside, 'apps:\n  - id: sneaky\n');
    mkdirSync(join(frags, 'sub'));
    writeFileSync(join(frags, 'sub', 'real.yaml'), 'apps:\n  - id: linked\n');
    symlinkSync(join(frags, 'sub', 'real.yaml'), join(frags, 'inside.yaml'));
    const inside = await load();
    expect(inside.errors).toEqual([]);
    expect(inside.manifest!.apps.map((a) => a.id)).toEqual(['base-app', 'linked']);

    symlinkSync(outside, join(frags, 'escape.yaml'));
    const r = await load();
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file: join(frags, 'escape.yaml'), rule: 'FRAGMENT' });
    expect(r.errors[0].message).toContain('outside the fragments directory');
  });

  it('rejects a fragment over 1 MiB', async () => {
    writeFileSync(join(frags, 'big.yaml'), '# ' + 'x'.repeat(1024 * 1024) + '\n');
    const r = await load();
    expect(r.ok).toBe(false);
    expect(r.errors[0].message).toContain('over the 1048576 byte cap');
  });

  it('a fragment with a syntax error fails the load with its line', async () => {
    const f = join(frags, 'broken.yaml');
    writeFileSync(f, 'apps:\n  - id: a\n    name: [unclosed\n');
    const r = await load();
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatchObject({ file: f, rule: 'YAML' });
  });
});
