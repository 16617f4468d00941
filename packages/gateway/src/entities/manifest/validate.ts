/**
 * Manifest validation rules R002–R013 plus the id format check (docs/manifest.md).
 * R001 is checked while parsing (it needs the raw file), R014/R015 while reading `config`.
 */
import { entityIdProblem } from '../ids.js';
import { RULE, type IssueSink, type SourceLoc } from './issues.js';
import type { Located, ManifestDraft } from './types.js';

function where(l: SourceLoc): string {
  return `${l.file}:${l.line}`;
}

/** Reports duplicates in `items` under `rule`; returns the first occurrence of each id. */
function uniqueIds<T extends { id: string }>(items: Located<T>[], issues: IssueSink, rule: string, what: string): Map<string, Located<T>> {
  const seen = new Map<string, Located<T>>();
  for (const it of items) {
    const first = seen.get(it.value.id);
    if (first) issues.error(it.loc, rule, `duplicate ${what} id '${it.value.id}' (first declared at ${where(first.loc)})`);
    else seen.set(it.value.id, it);
  }
  return seen;
}

function checkIdFormat(items: Located<{ id: string }>[], issues: IssueSink, what: string): void {
  for (const it of items) {
    const problem = entityIdProblem(it.value.id);
    if (problem) issues.error(it.at('id'), RULE.idFormat, `${what} '${it.value.id}': ${problem}`);
  }
}

/** Finds one cycle per strongly connected loop in a depends_on graph; returns each as an id path. */
function findCycles(edges: Map<string, string[]>): string[][] {
  const state = new Map<string, 1 | 2>(); // 1 = on stack, 2 = done
  const cycles: string[][] = [];
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 1);
    stack.push(id);
    for (const dep of edges.get(id) ?? []) {
      if (!edges.has(dep)) continue;
      const s = state.get(dep);
      if (s === 1) cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(id, 2);
  };
  for (const id of edges.keys()) if (!state.has(id)) visit(id);
  return cycles;
}

/** Validates a combined draft (base + fragments, assets not yet folded). May drop R013 bindings. */
export function validateDraft(d: ManifestDraft, issues: IssueSink): void {
  checkIdFormat(d.areas, issues, 'area');
  checkIdFormat([...d.components, ...d.assets], issues, 'component');
  checkIdFormat(d.apps, issues, 'app');
  checkIdFormat(d.functions, issues, 'function');
  checkIdFormat(d.scripts, issues, 'script');

  const areas = uniqueIds(d.areas, issues, 'R002', 'area');
  const components = uniqueIds(d.components, issues, 'R003', 'component');
  // An asset whose id is a manifest component is folded into it (merge key), not a duplicate.
  const assets = uniqueIds(d.assets, issues, 'R003', 'asset');
  const apps = uniqueIds(d.apps, issues, 'R004', 'app');
  const functions = uniqueIds(d.functions, issues, 'R005', 'function');
  uniqueIds(d.scripts, issues, 'R012', 'script');
  const isComponent = (id: string) => components.has(id) || assets.has(id);

  // R006: hierarchy references.
  for (const a of d.areas) {
    const p = a.value.parent_area_id;
    if (p !== undefined && !areas.has(p)) issues.error(a.at('parent_area_id'), 'R006', `area '${a.value.id}' parent area '${p}' does not exist`);
  }
  for (const c of [...d.components, ...d.assets]) {
    const kind = c.value.source === 'inventory' ? 'asset' : 'component';
    if (c.value.area !== undefined && !areas.has(c.value.area)) {
      issues.error(c.at('area'), 'R006', `${kind} '${c.value.id}' area '${c.value.area}' does not exist`);
    }
    const p = c.value.parent_component_id;
    if (p !== undefined && !isComponent(p)) {
      issues.error(c.at('parent_component_id'), 'R006', `${kind} '${c.value.id}' parent component '${p}' does not exist`);
    }
  }

  for (const a of d.apps) {
    const app = a.value;
    // R013 first: an ignored binding must not take part in R010.
    if (app.external === true && app.ros_binding) {
      issues.warning(a.at('ros_binding'), 'R013', `app '${app.id}' is external: true and has a ros_binding; the binding is ignored`);
      delete app.ros_binding;
    }
    if (app.component_id !== undefined && !isComponent(app.component_id)) {
      issues.error(a.at('is_located_on'), 'R007', `app '${app.id}' is_located_on unknown component '${app.component_id}'`);
    }
    for (const dep of app.depends_on) {
      if (!apps.has(dep)) issues.warning(a.at('depends_on'), 'R008', `app '${app.id}' depends_on unknown app '${dep}'`);
    }
  }
  for (const f of d.functions) {
    for (const dep of f.value.depends_on) {
      if (!functions.has(dep)) issues.warning(f.at('depends_on'), 'R008', `function '${f.value.id}' depends_on unknown function '${dep}'`);
    }
    for (const h of f.value.hosts) {
      if (!apps.has(h) && !isComponent(h)) {
        issues.warning(f.at(f.at('hosted_by') === f.loc ? 'hosts' : 'hosted_by'), 'R009', `function '${f.value.id}' host '${h}' does not exist`);
      }
    }
  }

  checkBindingKeys(d, issues);
  for (const [what, list] of [
    ['apps', d.apps],
    ['functions', d.functions],
  ] as const) {
    const edges = new Map<string, string[]>(list.map((x) => [x.value.id, x.value.depends_on]));
    for (const cycle of findCycles(edges)) {
      const first = (list as Located<{ id: string }>[]).find((x) => x.value.id === cycle[0])!;
      issues.error(first.at('depends_on'), 'R011', `dependency cycle among ${what}: ${cycle.join(' -> ')}`);
    }
  }
}

/** R010: two Apps with the same binding key; wildcard namespaces are exempt. */
function checkBindingKeys(d: ManifestDraft, issues: IssueSink): void {
  const keys = new Map<string, Located<{ id: string }>>();
  for (const a of d.apps) {
    const b = a.value.ros_binding;
    if (!b) continue;
    let key: string;
    if (b.node_name) {
      if (b.namespace === '*') continue;
      key = `${b.node_name}@${b.namespace}`;
    } else {
      key = `topic:${b.topic_namespace}`;
    }
    const first = keys.get(key);
    if (first) {
      issues.error(a.at('ros_binding'), 'R010', `app '${a.value.id}' has the same ros_binding '${key}' as app '${first.value.id}' (${where(first.loc)})`);
    } else keys.set(key, a);
  }
}
