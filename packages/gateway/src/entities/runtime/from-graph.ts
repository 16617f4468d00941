/**
 * ROS 2 graph snapshot → runtime entities (docs/manifest.md steps 1–6 and 8): one App per node, services
 * and actions as operations, topics as data, one Function per top-level namespace. No Areas and no
 * per-namespace Components. The host Component (step 7) is host-component.ts; the internal-node filter
 * (step 9) is internal-filter.ts because it runs after every merge.
 */
import { isValidEntityId } from '../ids.js';
import { joinFqn, newApp, newFunction, normalizeNamespace, type ActionInfo, type App, type ServiceInfo, type SovdFunction } from '../model.js';
import type { GraphEndpoint, RuntimeGraphSnapshot } from './graph-snapshot.js';

/** Service name suffixes every rclcpp/rclpy node serves; not operations. */
export const INTERNAL_SERVICE_SUFFIXES = [
  '/get_parameters',
  '/set_parameters',
  '/list_parameters',
  '/describe_parameters',
  '/get_parameter_types',
  '/set_parameters_atomically',
  '/get_type_description',
];

const ACTION_GOAL_SUFFIX = '/_action/send_goal';

export interface RuntimeDiscoveryOptions {
  /** `discovery.runtime.create_functions_from_namespaces` (default true). */
  createFunctionsFromNamespaces?: boolean;
}

export interface RuntimeEntities {
  apps: App[];
  functions: SovdFunction[];
  /** Topic name → advertised types across the graph (the topic → message type cache). */
  topicTypes: Map<string, string[]>;
  /** Nodes that could not become Apps, with the reason (invalid id, id clash). */
  skipped: string[];
}

/** True for parameter/type-description services and anything under `/_action/`. */
export function isInternalService(path: string): boolean {
  return path.includes('/_action/') || INTERNAL_SERVICE_SUFFIXES.some((s) => path.endsWith(s));
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function operations(services: GraphEndpoint[]): { services: ServiceInfo[]; actions: ActionInfo[] } {
  const out = { services: [] as ServiceInfo[], actions: [] as ActionInfo[] };
  const seen = new Set<string>();
  for (const s of services) {
    const type = s.types[0] ?? '';
    if (s.name.endsWith(ACTION_GOAL_SUFFIX)) {
      const full_path = s.name.slice(0, -ACTION_GOAL_SUFFIX.length);
      if (seen.has('a' + full_path)) continue;
      seen.add('a' + full_path);
      out.actions.push({ full_path, name: lastSegment(full_path), type: type.replace(/_SendGoal$/, '') });
    } else if (!isInternalService(s.name) && !seen.has('s' + s.name)) {
      seen.add('s' + s.name);
      out.services.push({ full_path: s.name, name: lastSegment(s.name), type });
    }
  }
  return out;
}

function uniqueNames(eps: GraphEndpoint[]): string[] {
  return [...new Set(eps.map((e) => e.name))];
}

/** Converts a graph snapshot into runtime Apps and Functions. */
export function entitiesFromGraph(graph: RuntimeGraphSnapshot, opts: RuntimeDiscoveryOptions = {}): RuntimeEntities {
  const skipped: string[] = [];
  // Step 1: unique FQNs (the RMW can report a node twice).
  const nodes = new Map<string, (typeof graph.nodes)[number] & { ns: string }>();
  for (const n of graph.nodes) {
    const ns = normalizeNamespace(n.namespace);
    const fqn = joinFqn(ns, n.name);
    if (!nodes.has(fqn)) nodes.set(fqn, { ...n, ns });
  }
  // Step 2: a bare name seen in more than one namespace gets namespace-qualified ids (root keeps the bare name).
  const namespacesOf = new Map<string, Set<string>>();
  for (const n of nodes.values()) {
    if (!namespacesOf.has(n.name)) namespacesOf.set(n.name, new Set());
    namespacesOf.get(n.name)!.add(n.ns);
  }
  const topicTypes = new Map<string, string[]>();
  const apps: App[] = [];
  const ids = new Set<string>();
  for (const [fqn, n] of nodes) {
    const clash = namespacesOf.get(n.name)!.size > 1 && n.ns !== '/';
    const id = clash ? `${n.ns.slice(1).replaceAll('/', '_')}_${n.name}` : n.name;
    if (!isValidEntityId(id)) {
      skipped.push(`${fqn}: '${id}' is not a valid entity id`);
      continue;
    }
    if (ids.has(id)) {
      skipped.push(`${fqn}: app id '${id}' is already taken by another node`);
      continue;
    }
    ids.add(id);
    for (const t of [...n.publishes, ...n.subscribes]) {
      const known = topicTypes.get(t.name) ?? [];
      for (const ty of t.types) if (!known.includes(ty)) known.push(ty);
      topicTypes.set(t.name, known);
    }
    apps.push(
      newApp(id, 'heuristic', {
        name: n.name,
        is_online: true,
        bound_fqn: fqn,
        ros_binding: { node_name: n.name, namespace: n.ns },
        topics: { publishes: uniqueNames(n.publishes), subscribes: uniqueNames(n.subscribes) },
        ...operations(n.services),
      }),
    );
  }
  const functions = opts.createFunctionsFromNamespaces === false ? [] : namespaceFunctions(apps);
  return { apps, functions, topicTypes, skipped };
}

/** Step 6: group Apps by the first namespace segment; root-namespace nodes go to `root`. */
function namespaceFunctions(apps: App[]): SovdFunction[] {
  const groups = new Map<string, string[]>();
  for (const a of apps) {
    const seg = (a.ros_binding?.namespace ?? '/').split('/')[1] || 'root';
    if (!groups.has(seg)) groups.set(seg, []);
    groups.get(seg)!.push(a.id);
  }
  return [...groups].filter(([seg]) => isValidEntityId(seg)).map(([seg, hosts]) => newFunction(seg, 'runtime', { hosts }));
}
