// docs/architecture.md states the package order in words (the table's "may import" column, the diagram) and
// .dependency-cruiser.cjs states it as data, which `npm run lint` enforces on every import (issue 58). This keeps
// the page true: its table says what the order says, package for package, every arrow of its diagram is an
// import the order allows, and no package.json depends on a medkit package its row does not allow.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

/** Each package → the medkit packages it may import, read back from the rules the order generates (package-order-<name>). */
function order(): Map<string, string[]> {
  const { forbidden } = require(`${ROOT}.dependency-cruiser.cjs`) as { forbidden: { name: string; to: { path?: string } }[] };
  const rules = forbidden.filter((r) => r.name.startsWith('package-order-'));
  const names = rules.map((r) => r.name.slice('package-order-'.length));
  return new Map(
    rules.map((r, i) => {
      const refused = new Set(/^\^packages\/\((.*)\)\/$/.exec(r.to.path ?? '')![1].split('|'));
      return [names[i], names.filter((n) => n !== names[i] && !refused.has(n)).sort()];
    }),
  );
}

const page = readFileSync(`${ROOT}docs/architecture.md`, 'utf8');
const section = page.slice(page.indexOf('## The packages'), page.indexOf('## Inside the gateway'));

/** The table's rows: each package named in the first column → its "may import" column ("—" is none; notes in parentheses dropped). */
function table(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const [, names, , may] = line.split('|');
    const allowed = may.replace(/\([^)]*\)/g, '').split(',').map((s) => s.trim()).filter((s) => s && s !== '—').sort();
    for (const [, name] of names.matchAll(/`([\w-]+)`/g)) rows.set(name, allowed);
  }
  return rows;
}

/** The diagram's arrows as [from, to] package names (`api[plugin-api]` names the node api). */
function arrows(): [string, string][] {
  const block = /```mermaid\n([\s\S]*?)```/.exec(section)![1];
  const lines = block.split('\n').filter((l) => l.includes('-->'));
  const labels = new Map<string, string>();
  for (const [, id, label] of block.matchAll(/([\w-]+)\[([\w-]+)\]/g)) labels.set(id, label);
  const node = (token: string) => {
    const id = token.trim().replace(/\[.*\]$/, '');
    return labels.get(id) ?? id;
  };
  const edges: [string, string][] = [];
  for (const line of lines) {
    const groups = line.split('-->').map((g) => g.split('&').map(node));
    for (let i = 0; i + 1 < groups.length; i++) for (const from of groups[i]) for (const to of groups[i + 1]) edges.push([from, to]);
  }
  return edges;
}

/** packages/<dir> → the medkit packages its package.json depends on at run time. */
function manifests(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const dir of readdirSync(`${ROOT}packages`)) {
    const file = `${ROOT}packages/${dir}/package.json`;
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string } & Record<'dependencies' | 'optionalDependencies' | 'peerDependencies', Record<string, string> | undefined>;
    expect(pkg.name, file).toBe(`@medkit/${dir}`);
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies });
    out.set(dir, deps.filter((d) => d.startsWith('@medkit/')).map((d) => d.slice('@medkit/'.length)).sort());
  }
  return out;
}

describe('docs/architecture.md, the package order', () => {
  it('has one row per package, the packages of the order and of packages/', () => {
    const rows = [...table().keys()].sort();
    expect(rows.length).toBeGreaterThan(20);
    expect(rows).toEqual([...order().keys()].sort());
    expect(rows).toEqual([...manifests().keys()].sort());
  });

  it("says in each row's may-import column what the order allows the package", () => {
    const rows = table();
    for (const [name, allowed] of order()) expect({ name, mayImport: rows.get(name) }).toEqual({ name, mayImport: allowed });
  });

  it('draws only arrows the order allows', () => {
    const allowed = order();
    const edges = arrows();
    expect(edges.length).toBeGreaterThan(20);
    for (const [from, to] of edges) expect({ arrow: `${from} --> ${to}`, allowed: allowed.get(from)?.includes(to) }).toEqual({ arrow: `${from} --> ${to}`, allowed: true });
  });

  it('lets no package.json depend on a medkit package its row does not allow', () => {
    const rows = table();
    for (const [name, deps] of manifests()) expect({ name, notAllowed: deps.filter((d) => !rows.get(name)?.includes(d)) }).toEqual({ name, notAllowed: [] });
  });
});
