import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/entities/manifest/csv.js';
import { formatIssue } from '../../src/entities/manifest/issues.js';
import { loadManifest, loadManifestSources } from '../../src/entities/manifest/load.js';

const BASE = [
  'manifest_version: "1.0"',
  'areas: [{id: plant}]',
  'components:',
  '  - id: drive',
  '    identity: {manufacturer: Lenze, serial_number: M-1}',
  'apps: [{id: ctrl}]',
].join('\n');

function withCsv(csv: string) {
  return loadManifestSources({ base: { file: 'm.yaml', text: BASE }, inventory: { file: 'inv.csv', text: csv } });
}

describe('CSV parser (RFC 4180)', () => {
  it('handles quotes, doubled quotes, embedded newlines and commas, CRLF, BOM and trimming', () => {
    const text = '\uFEFFid , Model\r\n  pump-1 , "CR ""5"", big"\r\n"multi\nline",  x  \r\n\r\nlast,"  kept  "';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['id', 'Model'] },
      { line: 2, fields: ['pump-1', 'CR "5", big'] },
      { line: 3, fields: ['multi\nline', 'x'] },
      { line: 6, fields: ['last', '  kept  '] },
    ]);
  });

  it('rejects an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsv('id\n"open')).toThrow(/unterminated quoted field starting on line 2/);
    expect(() => parseCsv('id\n"a"b')).toThrow(/after a closing quote/);
  });
});

describe('CSV inventory', () => {
  it('maps header aliases case-insensitively and keeps other columns as extras', () => {
    const r = withCsv('ID,Manufacturer,MODEL,serial_number,HW_REV,fw,Endpoint,role,area,Location\nvalve-3,Festo,VUVG,S9,2,1.0.4,10.0.0.7,actuator,plant,Hall B\n');
    expect(r.errors).toEqual([]);
    const valve = r.manifest!.components.find((c) => c.id === 'valve-3')!;
    expect(valve).toMatchObject({ source: 'inventory', name: 'Festo VUVG', area: 'plant' });
    expect(valve.identity!.fields).toEqual({
      manufacturer: 'Festo',
      model: 'VUVG',
      serial_number: 'S9',
      hardware_revision: '2',
      firmware_version: '1.0.4',
      network_endpoint: '10.0.0.7',
      role: 'actuator',
    });
    expect(valve.identity!.extra).toEqual({ location: 'Hall B' });
  });

  it('skips rows without id, keeps the first duplicate, gap-fills manifest components, skips other types, drops unknown areas', () => {
    const r = withCsv(
      ['id,manufacturer,model,serial,area', ',Nobody,X,,', 'p1,First,A,,', 'p1,Second,B,,', 'drive,Other,DX-9,S-2,', 'ctrl,Foo,Bar,,', 'p2,Acme,Z,,attic'].join('\n'),
    );
    expect(r.ok).toBe(true);
    const comps = r.manifest!.components;
    expect(comps.map((c) => c.id)).toEqual(['drive', 'p1', 'p2']);
    expect(comps[1].identity!.fields.manufacturer).toBe('First');
    // Manifest values stay; the row only fills empty fields.
    expect(comps[0].identity!.fields).toEqual({ manufacturer: 'Lenze', serial_number: 'M-1', model: 'DX-9' });
    expect(comps[0].identity!.provenance.model).toBe('inventory');
    expect(comps[2].area).toBeUndefined();
    expect(r.warnings.map(formatIssue)).toEqual([
      "inv.csv:4: INVENTORY duplicate inventory id 'p1'; the first row wins",
      "inv.csv:6: INVENTORY inventory id 'ctrl' is already used by another entity type; row skipped",
      "inv.csv:7: INVENTORY inventory row 'p2' names unknown area 'attic'; area dropped",
    ]);
  });

  it('fails without an id column or on malformed quoting', () => {
    expect(withCsv('name,model\nx,y\n').errors.map(formatIssue)).toEqual(["inv.csv:1: INVENTORY inventory has no 'id' column"]);
    expect(withCsv('id\n"x').errors[0]).toMatchObject({ rule: 'INVENTORY', line: 2 });
  });

  describe('from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medkit-inv-'));
    const manifest = join(dir, 'm.yaml');
    writeFileSync(manifest, BASE);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a missing file is only a warning', async () => {
      const r = await loadManifest({ path: manifest, inventoryCsv: join(dir, 'none.csv') });
      expect(r.ok).toBe(true);
      expect(r.warnings.map((w) => w.message)).toEqual(['inventory file not found; no assets added']);
    });

    it('a file over 1 MiB fails the load', async () => {
      const big = join(dir, 'big.csv');
      writeFileSync(big, 'id\n' + 'a\n'.repeat(600 * 1024));
      const r = await loadManifest({ path: manifest, inventoryCsv: big });
      expect(r.ok).toBe(false);
      expect(r.errors[0].message).toContain('byte cap');
    });

    it('reads a real file and lists it among the manifest files', async () => {
      const csv = join(dir, 'inv.csv');
      writeFileSync(csv, 'id,model\nfan-1,F1\n');
      const r = await loadManifest({ path: manifest, inventoryCsv: csv });
      expect(r.manifest!.files).toEqual([manifest, csv]);
      expect(r.manifest!.components.map((c) => c.id)).toEqual(['drive', 'fan-1']);
    });
  });
});
