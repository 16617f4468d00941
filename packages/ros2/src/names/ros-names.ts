/**
 * ROS 2 name rules (node names, namespaces, fully qualified topic/service names) and the
 * helpers that build and split them. The limits and rules follow rmw's validators
 * (`rmw_validate_node_name`, `rmw_validate_namespace`, `rmw_validate_full_topic_name`).
 */

/** Longest node name rmw accepts. */
const NODE_NAME_MAX_LENGTH = 255;
/** Longest fully qualified topic or service name: 255 minus 8 reserved for DDS prefixes and suffixes. */
export const TOPIC_NAME_MAX_LENGTH = 247;
/** Longest namespace: room is kept for the shortest topic below it (`/x`). */
const NAMESPACE_MAX_LENGTH = TOPIC_NAME_MAX_LENGTH - 2;

/** Why a name is invalid, or `undefined` when it is valid. */
type NameProblem = string | undefined;

/** Checks a bare node name (`talker`, no slashes). Returns the problem, or `undefined` if valid. */
export function nodeNameProblem(name: string): NameProblem {
  if (name.length === 0) return 'node name is empty';
  const bad = /[^A-Za-z0-9_]/u.exec(name);
  if (bad) return `node name contains ${shownChar(bad[0])} at index ${bad.index} (allowed: A-Z a-z 0-9 _)`;
  if (/^[0-9]/.test(name)) return 'node name starts with a digit';
  if (name.length > NODE_NAME_MAX_LENGTH) return `node name is longer than ${NODE_NAME_MAX_LENGTH} characters`;
  return undefined;
}

/** Checks an absolute namespace (`/`, `/robot1`, `/a/b`). Returns the problem, or `undefined` if valid. */
export function namespaceProblem(ns: string): NameProblem {
  if (ns.length === 0) return 'namespace is empty';
  if (ns === '/') return undefined;
  const problem = absolutePathProblem(ns, 'namespace');
  if (problem) return problem;
  if (ns.length > NAMESPACE_MAX_LENGTH) return `namespace is longer than ${NAMESPACE_MAX_LENGTH} characters`;
  return undefined;
}

/**
 * Checks a fully qualified topic or service name (`/chatter`, `/ns/add_two_ints`), i.e. one
 * already expanded from `~` and relative forms. Returns the problem, or `undefined` if valid.
 */
export function fullNameProblem(name: string): NameProblem {
  if (name.length === 0) return 'name is empty';
  const problem = absolutePathProblem(name, 'name');
  if (problem) return problem;
  if (name.length > TOPIC_NAME_MAX_LENGTH) return `name is longer than ${TOPIC_NAME_MAX_LENGTH} characters`;
  return undefined;
}

/**
 * Checks a node's fully qualified name (`/talker`, `/base/battery_monitor`): absolute, a valid namespace and a
 * valid bare node name, so ASCII only, no empty token, no token starting with a digit, and no `~` or `{}`
 * substitution (a fully qualified name has them expanded). Returns the problem, or `undefined` if valid.
 */
export function nodeFqnProblem(fqn: string): NameProblem {
  if (!fqn.startsWith('/')) return "node name must be fully qualified (start with '/')";
  const { namespace, name } = splitNodeFqn(fqn);
  return namespaceProblem(namespace) ?? nodeNameProblem(name);
}

/**
 * A refused character as a message quotes it: printable ASCII (space included) as itself, anything else as its code point, since a
 * homoglyph (Cyrillic `е`, U+0435) looks like the letter it imitates and a control character like nothing.
 */
function shownChar(c: string): string {
  return /^[ -~]$/.test(c) ? `'${c}'` : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** True when `name` is a valid bare node name. */
export const isValidNodeName = (name: string): boolean => nodeNameProblem(name) === undefined;
/** True when `ns` is a valid absolute namespace (`/` included). */
export const isValidNamespace = (ns: string): boolean => namespaceProblem(ns) === undefined;
/** True when `name` is a valid fully qualified topic/service name. */
export const isValidFullName = (name: string): boolean => fullNameProblem(name) === undefined;

function absolutePathProblem(path: string, what: string): NameProblem {
  if (!path.startsWith('/')) return `${what} must start with '/'`;
  if (path.endsWith('/')) return `${what} must not end with '/'`;
  const bad = /[^A-Za-z0-9_/]/u.exec(path);
  if (bad) return `${what} contains ${shownChar(bad[0])} at index ${bad.index} (allowed: A-Z a-z 0-9 _ /)`;
  if (path.includes('//')) return `${what} contains '//'`;
  const token = path.split('/').find((t) => /^[0-9]/.test(t));
  if (token !== undefined) return `${what} token '${token}' starts with a digit`;
  return undefined;
}

/**
 * Fully qualified node name from a namespace and a node name: (`/`, `talker`) → `/talker`,
 * (`/a/b`, `n`) → `/a/b/n`. An empty namespace counts as the root, and a missing leading `/`
 * is added (ros_discovery_info carries namespaces as given by the node).
 */
export function nodeFqn(namespace: string, name: string): string {
  const ns = normalizeNamespace(namespace);
  return ns === '/' ? `/${name}` : `${ns}/${name}`;
}

/** A node FQN split into namespace (`/` for the root) and bare name. */
interface NodeNameParts {
  namespace: string;
  name: string;
}

/** Splits a node FQN: `/a/b/n` → `{namespace: '/a/b', name: 'n'}`, `/n` → `{namespace: '/', name: 'n'}`. */
export function splitNodeFqn(fqn: string): NodeNameParts {
  const withSlash = fqn.startsWith('/') ? fqn : `/${fqn}`;
  const cut = withSlash.lastIndexOf('/');
  return { namespace: cut === 0 ? '/' : withSlash.slice(0, cut), name: withSlash.slice(cut + 1) };
}

/** Namespace in canonical form: leading `/`, no trailing `/`, `''` → `/`. */
export function normalizeNamespace(namespace: string): string {
  let ns = namespace.trim();
  if (!ns.startsWith('/')) ns = `/${ns}`;
  while (ns.length > 1 && ns.endsWith('/')) ns = ns.slice(0, -1);
  return ns;
}

/**
 * Expands a topic/service name the way rcl does for a node: absolute names stay, `~` and
 * `~/x` resolve against the node FQN, relative names against the namespace, and the
 * substitutions `{node}`, `{ns}` and `{namespace}` are replaced. The result is not validated;
 * pass it to {@link fullNameProblem} when it comes from user input.
 */
export function expandName(name: string, nodeName: string, namespace: string): string {
  const ns = normalizeNamespace(namespace);
  const fqn = nodeFqn(ns, nodeName);
  const substituted = name.replace(/\{(node|ns|namespace)\}/g, (_m, key: string) =>
    key === 'node' ? nodeName : ns === '/' ? '' : ns,
  );
  if (substituted === '~') return fqn;
  if (substituted.startsWith('~/')) return `${fqn}/${substituted.slice(2)}`;
  if (substituted.startsWith('/')) return substituted;
  return ns === '/' ? `/${substituted}` : `${ns}/${substituted}`;
}

/**
 * True when any token of the name starts with `_` (`/x/_action/status`, `/_ros2cli_123`):
 * ROS tools hide such names unless asked. Diagnostic views show them, flagged.
 */
export function isHiddenName(name: string): boolean {
  return name.split('/').some((token) => token.startsWith('_'));
}
