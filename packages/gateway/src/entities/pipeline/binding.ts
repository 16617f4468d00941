/**
 * Does a running node match a manifest App's `ros_binding`? (docs/manifest.md)
 */
import { namespaceCovers, normalizeNamespace, splitFqn, type App, type RosBinding } from '../model.js';

/**
 * Namespace rule: `*` matches any namespace; `/` (also the default when omitted, [OURS]) matches only the
 * root namespace; any other value is a path-segment-boundary prefix (`/nav` matches `/nav`, `/nav/sub`,
 * not `/navigation`).
 */
export function bindingNamespaceMatches(bindingNs: string, nodeNs: string): boolean {
  if (bindingNs === '*') return true;
  const b = normalizeNamespace(bindingNs);
  if (b === '/') return normalizeNamespace(nodeNs) === '/';
  return namespaceCovers(b, nodeNs);
}

/** `node` is a runtime App (its `bound_fqn` is the node FQN). */
export function nodeMatchesBinding(b: RosBinding, node: App): boolean {
  if (!node.bound_fqn) return false;
  if (b.node_name) {
    const { namespace, name } = splitFqn(node.bound_fqn);
    return name === b.node_name && bindingNamespaceMatches(b.namespace, namespace);
  }
  if (b.topic_namespace) {
    const prefix = b.topic_namespace;
    return [...node.topics.publishes, ...node.topics.subscribes].some((t) => namespaceCovers(prefix, t));
  }
  return false;
}
