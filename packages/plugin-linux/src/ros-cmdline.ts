// ROS node names declared on a command line (docs/introspection.md): the remapping arguments `__node:=<name>` and
// `__ns:=<namespace>` (also the older `__name:=`), and their node-targeted forms `<node>:__node:=<name>` /
// `<node>:__ns:=<ns>` that name each node of a process hosting several (ROS 2 remapping rules, [OURS]
// extension of the reference, which reads only the global form).

/** At most this many node names are taken from one command line. */
const MAX_NODES_PER_PROCESS = 64;

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const NAMESPACE = /^\/?(?:[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)?\/?$/;

function normalizeNs(ns: string): string | undefined {
  if (ns.length > 512 || !NAMESPACE.test(ns)) return undefined;
  const trimmed = ns.replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '/';
}

const join = (ns: string, name: string) => (ns === '/' ? `/${name}` : `${ns}/${name}`);

/** The fully qualified node names a command line declares (empty when it declares none). */
export function nodeFqnsFromArgs(args: readonly string[]): string[] {
  let globalName: string | undefined;
  let globalNs: string | undefined;
  const targeted = new Map<string, { name?: string; ns?: string }>();
  for (const arg of args) {
    const m = /^(?:([A-Za-z_][A-Za-z0-9_]*):)?(__node|__name|__ns):=(.*)$/.exec(arg);
    if (!m) continue;
    const [, target, key, value] = m;
    const isNs = key === '__ns';
    const v = isNs ? normalizeNs(value) : NAME.test(value) ? value : undefined;
    if (v === undefined) continue;
    if (!target) {
      if (isNs) globalNs = v;
      else globalName = v;
      continue;
    }
    if (!targeted.has(target) && targeted.size >= MAX_NODES_PER_PROCESS) continue;
    const t = targeted.get(target) ?? {};
    if (isNs) t.ns = v;
    else t.name = v;
    targeted.set(target, t);
  }
  const out = new Set<string>();
  if (globalName) out.add(join(globalNs ?? '/', globalName));
  for (const [target, t] of targeted) {
    if (out.size >= MAX_NODES_PER_PROCESS) break;
    out.add(join(t.ns ?? globalNs ?? '/', t.name ?? target));
  }
  return [...out];
}
