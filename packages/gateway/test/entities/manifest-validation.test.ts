import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue, ManifestError, type ManifestIssue } from '../../src/entities/manifest/issues.js';
import { loadManifest, loadManifestOrThrow, loadManifestSources } from '../../src/entities/manifest/load.js';

const FIX = 'packages/gateway/test/entities/fixtures';

/** 1-based line of the first line of `file` containing `needle`. */
function lineOf(file: string, needle: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`'${needle}' not in ${file}`);
  return i + 1;
}

function messages(issues: ManifestIssue[]): string[] {
  return issues.map(formatIssue);
}

function load(text: string, strict = true) {
  return loadManifestSources({ base: { file: 'm.yaml', text }, strict });
}

describe('manifest validation rules', () => {
  it('R001: manifest_version must be "1.0"', async () => {
    const f = `${FIX}/bad-version.yaml`;
    const r = await loadManifest({ path: f });
    expect(r.ok).toBe(false);
    expect(messages(r.errors)).toEqual([`${f}:1: R001 manifest_version '2.0' is not supported (must be "1.0")`]);
    expect(messages(load('apps: []\n').errors)).toEqual(['m.yaml:1: R001 manifest_version is missing (must be "1.0")']);
    // Unquoted 1.0 is read as written, so it is accepted.
    expect(load('manifest_version: 1.0\n').ok).toBe(true);
  });

  it('R002–R005, R012: duplicate ids name both places', async () => {
    const f = `${FIX}/bad-duplicates.yaml`;
    const r = await loadManifest({ path: f });
    expect(r.ok).toBe(false);
    expect(messages(r.errors)).toEqual([
      `${f}:${lineOf(f, '# R002')}: R002 duplicate area id 'base' (first declared at ${f}:3)`,
      `${f}:${lineOf(f, '# R003')}: R003 duplicate component id 'board' (first declared at ${f}:6)`,
      `${f}:${lineOf(f, '# R004')}: R004 duplicate app id 'app1' (first declared at ${f}:9)`,
      `${f}:${lineOf(f, '# R005')}: R005 duplicate function id 'fn' (first declared at ${f}:12)`,
      `${f}:${lineOf(f, '# R012')}: R012 duplicate script id 's1' (first declared at ${f}:15)`,
    ]);
  });

  it('R006–R009: dangling references, errors and warnings', async () => {
    const f = `${FIX}/bad-references.yaml`;
    const r = await loadManifest({ path: f, strict: false });
    expect(messages(r.errors)).toEqual([
      `${f}:${lineOf(f, 'R006 area parent')}: R006 area 'arm' parent area 'torso' does not exist`,
      `${f}:${lineOf(f, 'R006 component area')}: R006 component 'sensor-board' area 'sensor-bay' does not exist`,
      `${f}:${lineOf(f, 'R006 parent component')}: R006 component 'cam' parent component 'head' does not exist`,
      `${f}:${lineOf(f, 'R006 asset area')}: R006 asset 'pump' area 'plant-room' does not exist`,
      `${f}:${lineOf(f, '# R007')}: R007 app 'lidar-front' is_located_on unknown component 'sensor-boad'`,
    ]);
    expect(messages(r.warnings)).toEqual([
      `${f}:${lineOf(f, 'R008 app')}: R008 app 'lidar-front' depends_on unknown app 'ghost-app'`,
      `${f}:${lineOf(f, 'R008 function')}: R008 function 'perception' depends_on unknown function 'mapping'`,
      `${f}:${lineOf(f, '# R009')}: R009 function 'perception' host 'nobody' does not exist`,
    ]);
  });

  it('R010, R011, R013: bindings and cycles', async () => {
    const f = `${FIX}/bad-bindings.yaml`;
    const r = await loadManifest({ path: f, strict: false });
    expect(messages(r.errors)).toEqual([
      `${f}:${lineOf(f, 'R010 same node')}: R010 app 'nav-b' has the same ros_binding 'planner@/nav' as app 'nav-a' (${f}:3)`,
      `${f}:${lineOf(f, 'R010 topic key')}: R010 app 'topic-b' has the same ros_binding 'topic:/camera' as app 'topic-a' (${f}:${lineOf(f, 'id: topic-a')})`,
      `${f}:${lineOf(f, '# R011')}: R011 dependency cycle among apps: cycle-1 -> cycle-2 -> cycle-1`,
      `${f}:${lineOf(f, 'depends_on: [f2]')}: R011 dependency cycle among functions: f1 -> f2 -> f3 -> f1`,
    ]);
    expect(messages(r.warnings)).toEqual([
      `${f}:${lineOf(f, '# R013')}: R013 app 'plc' is external: true and has a ros_binding; the binding is ignored`,
    ]);
  });

  it('strict validation turns warnings into failures; non-strict loads them', () => {
    const text = 'manifest_version: "1.0"\napps:\n  - id: a\n    depends_on: [b]\n';
    const strict = load(text, true);
    expect(strict.ok).toBe(false);
    expect(messages(strict.errors)).toEqual(["m.yaml:4: R008 app 'a' depends_on unknown app 'b'"]);
    const lax = load(text, false);
    expect(lax.ok).toBe(true);
    expect(lax.manifest!.apps[0].depends_on).toEqual(['b']);
    expect(lax.warnings.map((w) => w.rule)).toEqual(['R008']);
  });

  it('R013 drops the binding of an external app', () => {
    const r = load('manifest_version: "1.0"\napps:\n  - id: plc\n    external: true\n    ros_binding: {node_name: x}\n', false);
    expect(r.ok).toBe(true);
    expect(r.manifest!.apps[0].ros_binding).toBeUndefined();
    expect(r.manifest!.apps[0].external).toBe(true);
  });

  it('R014 / R015 are advisory and fall back to defaults', () => {
    const r = load(
      [
        'manifest_version: "1.0"',
        'config:',
        '  unmanifested_nodes: WARN',
        '  inherit_runtime_resources: "no"',
        '  allow_manifest_override:',
      ].join('\n'),
    );
    expect(r.ok).toBe(true);
    expect(r.manifest!.config).toEqual({ unmanifested_nodes: 'warn', inherit_runtime_resources: true, allow_manifest_override: true });
    expect(messages(r.warnings)).toEqual([
      "m.yaml:3: R014 unmanifested_nodes 'WARN' is not one of ignore, warn, error, include_as_orphan; using 'warn'",
      "m.yaml:4: R015 config: 'inherit_runtime_resources' must be true or false, got string; default used",
    ]);
    const notMap = load('manifest_version: "1.0"\nconfig: [1]\n');
    expect(notMap.ok).toBe(true);
    expect(messages(notMap.warnings)).toEqual(["m.yaml:2: R015 'config' must be a map, got a list; defaults used"]);
  });

  it('reads the deprecated discovery alias; config wins when both are present', () => {
    const alias = load('manifest_version: "1.0"\ndiscovery:\n  unmanifested_nodes: ignore\n');
    expect(alias.manifest!.config.unmanifested_nodes).toBe('ignore');
    expect(alias.warnings[0].message).toContain('deprecated alias');
    const both = load('manifest_version: "1.0"\ndiscovery:\n  unmanifested_nodes: ignore\nconfig:\n  unmanifested_nodes: error\n');
    expect(both.manifest!.config.unmanifested_nodes).toBe('error');
    expect(both.warnings[0].message).toContain("'config' wins");
  });

  it('warns about unknown top-level keys and lists the known ones, without failing strict mode', () => {
    const r = load('manifest_version: "1.0"\nrobots: []\n');
    expect(r.ok).toBe(true);
    expect(r.warnings).toHaveLength(1);
    expect(formatIssue(r.warnings[0])).toMatch(/^m\.yaml:2: UNKNOWN_KEY unknown top-level key 'robots' ignored \(known keys: manifest_version, metadata, config, discovery, areas, components, assets, apps, functions, scripts, capabilities\)$/);
  });

  it('checks id format at load', () => {
    const r = load('manifest_version: "1.0"\napps:\n  - id: lidar.front\n  - id: ""\n');
    expect(messages(r.errors)).toEqual([
      "m.yaml:3: ID_FORMAT app 'lidar.front': id contains '.' (only A-Z a-z 0-9 _ - are allowed)",
      "m.yaml:4: ID_FORMAT app '': id is empty",
    ]);
    const long = load(`manifest_version: "1.0"\nareas:\n  - id: ${'a'.repeat(257)}\n`);
    expect(long.errors[0].message).toContain('longer than 256');
  });

  it('reports YAML syntax errors and wrong kinds with their line', () => {
    const syntax = load('manifest_version: "1.0"\napps: [\n  - id: a\n');
    expect(syntax.ok).toBe(false);
    expect(syntax.errors[0].rule).toBe('YAML');
    expect(syntax.errors[0].line).toBeGreaterThan(1);
    const kind = load('manifest_version: "1.0"\napps:\n  - id: a\n    tags: fast\n');
    expect(messages(kind.errors)).toEqual(["m.yaml:4: SCHEMA app: 'tags' must be a list of strings, got string"]);
    const nobinding = load('manifest_version: "1.0"\napps:\n  - id: a\n    ros_binding: {namespace: /x}\n');
    expect(messages(nobinding.errors)).toEqual(["m.yaml:4: SCHEMA app 'a' ros_binding needs 'node_name' or 'topic_namespace'"]);
  });

  it('ManifestError lists every failing issue for the CLI', async () => {
    const f = `${FIX}/bad-references.yaml`;
    const err = await loadManifestOrThrow({ path: f }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    const lines = (err as ManifestError).message.split('\n');
    expect(lines[0]).toBe('manifest failed to load (8 errors)');
    expect(lines).toContain(`  ${f}:${lineOf(f, '# R007')}: R007 app 'lidar-front' is_located_on unknown component 'sensor-boad'`);
    const missing = await loadManifestOrThrow({ path: `${FIX}/nope.yaml` }).catch((e: unknown) => e);
    expect((missing as ManifestError).errors[0]).toMatchObject({ rule: 'IO', line: 0 });
  });
});

describe('manifest schema details', () => {
  it('defaults: names, namespaces, fqn, binding namespace "/" and explicit "*"', () => {
    const r = load(
      [
        'manifest_version: "1.0"',
        'areas:',
        '  - id: zone',
        '  - id: cell',
        '    parent_area: zone',
        'components:',
        '  - id: ecu',
        '    namespace: /drive/',
        '  - id: box',
        'apps:',
        '  - id: a',
        '    ros_binding: {node_name: talker}',
        '  - id: b',
        '    ros_binding: {node_name: talker, namespace: "*"}',
        '  - id: c',
        '    ros_binding: {topic_namespace: camera/}',
        'functions:',
        '  - id: f',
        '    hosts: [a]',
      ].join('\n'),
    );
    expect(r.errors).toEqual([]);
    const m = r.manifest!;
    expect(m.areas.map((a) => [a.id, a.name, a.namespace, a.parent_area_id])).toEqual([
      ['zone', 'zone', '/zone', undefined],
      ['cell', 'cell', '/cell', 'zone'],
    ]);
    expect(m.components.map((c) => [c.namespace, c.fqn])).toEqual([
      ['/drive', '/drive/ecu'],
      [undefined, '/box'],
    ]);
    expect(m.apps.map((a) => a.ros_binding)).toEqual([
      { node_name: 'talker', namespace: '/', namespace_defaulted: true },
      { node_name: 'talker', namespace: '*' },
      { topic_namespace: '/camera', namespace: '/' , namespace_defaulted: true },
    ]);
    expect(m.functions[0].hosts).toEqual(['a']);
  });

  it('assets become inventory components with aliases, extras and a made-up name', () => {
    const r = load(
      [
        'manifest_version: "1.0"',
        'areas: [{id: plant}]',
        'components:',
        '  - id: drive',
        '    identity: {manufacturer: ManifestCo}',
        'assets:',
        '  - id: pump-1',
        '    manufacturer: Grundfos',
        '    model: CR 5',
        '    serial: 00123',
        '    hw_rev: B',
        '    fw: 1.10',
        '    area: plant',
        '    flow_rate: 5',
        '    tags: [wet]',
        '  - id: drive',
        '    manufacturer: AssetCo',
        '    model: M-1',
      ].join('\n'),
    );
    expect(r.errors).toEqual([]);
    const [drive, pump] = r.manifest!.components;
    expect(pump).toMatchObject({ id: 'pump-1', source: 'inventory', name: 'Grundfos CR 5', area: 'plant', tags: ['wet'] });
    expect(pump.identity).toEqual({
      fields: { manufacturer: 'Grundfos', model: 'CR 5', serial_number: '00123', hardware_revision: 'B', firmware_version: '1.10' },
      extra: { flow_rate: '5' },
      provenance: {
        manufacturer: 'inventory',
        model: 'inventory',
        serial_number: 'inventory',
        hardware_revision: 'inventory',
        firmware_version: 'inventory',
        'extra.flow_rate': 'inventory',
      },
    });
    // The asset folds into the manifest component: manifest keeps its field, inventory fills the gap.
    expect(drive.source).toBe('manifest');
    expect(drive.identity!.fields).toEqual({ manufacturer: 'ManifestCo', model: 'M-1' });
    expect(drive.identity!.provenance).toEqual({ manufacturer: 'manifest', model: 'inventory' });
  });

  it('scripts: defaults and required keys', () => {
    const ok = load('manifest_version: "1.0"\nscripts:\n  - id: diag\n    path: diag.sh\n    format: bash\n    args: [{name: verbose, type: flag, flag: -v}]\n');
    expect(ok.manifest!.scripts).toEqual([
      { id: 'diag', name: 'diag', path: 'diag.sh', format: 'bash', timeout_sec: 300, entity_filter: [], env: {}, args: [{ name: 'verbose', type: 'flag', flag: '-v' }], managed: true },
    ]);
    const bad = load('manifest_version: "1.0"\nscripts:\n  - id: diag\n    format: perl\n');
    expect(messages(bad.errors)).toEqual(["m.yaml:3: SCHEMA script 'diag' needs 'path'", "m.yaml:4: SCHEMA script 'diag' 'format' must be one of bash, python, sh"]);
  });
});
