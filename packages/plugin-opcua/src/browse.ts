// Bounded browsing of the server's address space (docs/opcua.md "auto_browse"): every Browse and Read
// has the request deadline, every list the server returns is cut to a bound, and the walk stops at a
// depth, a variable count and a visited-object count. `auto_browse` turns the scalar variables it finds
// into data items with derived, sanitised, unique data names.
import { createHash } from 'node:crypto';
import type { ClientSession, NodeId, ReferenceDescription } from 'node-opcua-client';
import type { NodeConfig } from './config.js';
import type { Deadline, OpcuaLib } from './lib.js';
import { builtinOf } from './values.js';
import { cleanText } from '@medkit/plugin-api';


/** One child reference of a browsed node. */
export interface Child {
  /** The NodeId as the library prints it (`ns=1;s=PLC`, `ns=0;i=2253`). */
  nodeId: string;
  namespace: number;
  /** The browse name's text (its namespace index dropped). */
  name: string;
  nodeClass: 'Object' | 'Variable';
  /** The reference is HasProperty (a property of its parent, not a component). */
  property: boolean;
  /** The TypeDefinition's NodeId (`ns=0;i=61`), when given. */
  typeDefinition?: string;
}

const HAS_PROPERTY = 46;
/** References one Browse may return (the server is asked for no more; longer answers are cut). */
export const MAX_REFERENCES = 1000;
/** Objects one auto_browse walk may open, whatever the depth. */
const MAX_BROWSED_OBJECTS = 2000;
/** References one auto_browse walk may look at in all (bounds the memory of its visited set). */
const MAX_SEEN_REFERENCES = 20_000;
/** Attribute reads per Read request. */
const READ_CHUNK = 500;
/** Namespace-0 object types that are containers of process data; other standard types (the Server object, conditions) are infrastructure. */
const CONTAINER_TYPES = new Set(['ns=0;i=58', 'ns=0;i=61']);

/** The Object and Variable children of a node along hierarchical references, at most `max`. */
export async function browseChildren(session: ClientSession, lib: OpcuaLib, nodeId: string | NodeId, deadline: Deadline, max = MAX_REFERENCES): Promise<Child[]> {
  // The server is asked for at most MAX_REFERENCES per node; an answer with a continuation point is cut
  // there and the point released (nothing more is fetched: the walk is bounded, not complete).
  (session as unknown as { requestedMaxReferencesPerNode: number }).requestedMaxReferencesPerNode = MAX_REFERENCES;
  const result = await deadline('Browse', () =>
    session.browse({
      nodeId,
      browseDirection: lib.BrowseDirection.Forward,
      referenceTypeId: 'HierarchicalReferences',
      includeSubtypes: true,
      nodeClassMask: lib.NodeClassMask.Object | lib.NodeClassMask.Variable,
      resultMask: 0x3f,
    }),
  );
  if (result.continuationPoint && result.continuationPoint.length > 0) {
    const cp = result.continuationPoint;
    await deadline('BrowseNext (release)', () => session.browseNext(cp, true)).catch(() => undefined);
  }
  const refs: ReferenceDescription[] = (result.references ?? []).slice(0, Math.min(max, MAX_REFERENCES));
  return refs.flatMap((r) => {
    const nodeClass = r.nodeClass === lib.NodeClass.Object ? 'Object' : r.nodeClass === lib.NodeClass.Variable ? 'Variable' : undefined;
    if (!nodeClass || !r.nodeId) return [];
    return [
      {
        nodeId: r.nodeId.toString(),
        namespace: r.nodeId.namespace,
        name: cleanText(r.browseName?.name, 128) ?? '',
        nodeClass,
        property: r.referenceTypeId?.namespace === 0 && r.referenceTypeId.value === HAS_PROPERTY,
        ...(r.typeDefinition ? { typeDefinition: r.typeDefinition.toString() } : {}),
      } satisfies Child,
    ];
  });
}

/** Reads attributes of many nodes in bounded chunks; one entry per node, in order, each `attributes.length` long. */
export async function readAttributes(session: ClientSession, nodeIds: string[], attributes: number[], deadline: Deadline): Promise<{ good: boolean; value: unknown }[][]> {
  const out: { good: boolean; value: unknown }[][] = [];
  const per = Math.max(1, Math.floor(READ_CHUNK / attributes.length));
  for (let i = 0; i < nodeIds.length; i += per) {
    const chunk = nodeIds.slice(i, i + per);
    const dvs = await deadline('Read', () => session.read(chunk.flatMap((nodeId) => attributes.map((attributeId) => ({ nodeId, attributeId })))));
    chunk.forEach((_, k) => out.push(attributes.map((_a, j) => {
      const dv = dvs[k * attributes.length + j];
      return { good: Boolean(dv?.statusCode.isGood()), value: dv?.value?.value as unknown };
    })));
  }
  return out;
}

// ---- auto_browse ----

const MAX_NAME = 64;

/** One path segment: letters and digits kept (lower-cased), everything else one `_`. */
function segment(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * The data name of a variable at `path` (browse names below the root): the sanitised segments joined with
 * `_`, `n_` in front when it does not start with a letter, cut to 64 with a hash of the NodeId, made
 * unique in `taken` with `_2`, `_3`, … Always matches the node map's data_name rule.
 */
export function deriveDataName(path: string[], nodeId: string, taken: Set<string>): string {
  let base = path.map(segment).filter((s) => s.length > 0).join('_') || 'node';
  if (!/^[a-z]/.test(base)) base = `n_${base}`;
  if (base.length > MAX_NAME) base = `${base.slice(0, MAX_NAME - 9).replace(/_+$/, '')}_${createHash('sha256').update(nodeId).digest('hex').slice(0, 8)}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) {
    const suffix = `_${n}`;
    name = `${base.slice(0, MAX_NAME - suffix.length).replace(/_+$/, '')}${suffix}`;
  }
  taken.add(name);
  return name;
}

interface BrowseOptions {
  root: string;
  maxDepth: number;
  maxVariables: number;
  /** NodeIds already configured (not mapped twice) and data names already used. */
  knownNodeIds: Set<string>;
  takenNames: Set<string>;
}

/** Outcome of one walk: the items and whether a bound stopped it early. */
export interface BrowseOutcome {
  nodes: NodeConfig[];
  truncated: boolean;
  objects: number;
}

const ACCESS_CURRENT_WRITE = 0x02;

/**
 * Walks the address space breadth-first from `root` along hierarchical references (properties and
 * namespace-0 nodes skipped; namespace-0 infrastructure object types not entered) and maps every scalar
 * variable with a supported built-in DataType to a data item; writable when both AccessLevel and
 * UserAccessLevel allow CurrentWrite.
 */
export async function autoBrowse(session: ClientSession, lib: OpcuaLib, opts: BrowseOptions, deadline: Deadline): Promise<BrowseOutcome> {
  const candidates: { nodeId: string; path: string[] }[] = [];
  let level: { nodeId: string; path: string[] }[] = [{ nodeId: opts.root, path: [] }];
  const seen = new Set<string>([lib.resolveNodeId(opts.root).toString()]);
  let objects = 0;
  let truncated = false;
  for (let depth = 1; depth <= opts.maxDepth && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const parent of level) {
      if (objects >= MAX_BROWSED_OBJECTS || candidates.length >= opts.maxVariables) {
        truncated = true;
        break;
      }
      objects++;
      for (const c of await browseChildren(session, lib, parent.nodeId, deadline)) {
        if (seen.size >= MAX_SEEN_REFERENCES) {
          truncated = true;
          break;
        }
        if (c.property || c.namespace === 0 || seen.has(c.nodeId)) continue;
        seen.add(c.nodeId);
        const path = [...parent.path, c.name];
        if (c.nodeClass === 'Variable') {
          if (opts.knownNodeIds.has(c.nodeId)) continue;
          if (candidates.length >= opts.maxVariables) {
            truncated = true;
            continue;
          }
          candidates.push({ nodeId: c.nodeId, path });
        } else if (!c.typeDefinition?.startsWith('ns=0;') || CONTAINER_TYPES.has(c.typeDefinition)) {
          next.push({ nodeId: c.nodeId, path });
        }
      }
    }
    level = next;
  }
  const A = lib.AttributeIds;
  const attrs = await readAttributes(session, candidates.map((c) => c.nodeId), [A.DataType, A.ValueRank, A.AccessLevel, A.UserAccessLevel], deadline);
  const nodes: NodeConfig[] = [];
  candidates.forEach((c, i) => {
    const [dataType, valueRank, access, userAccess] = attrs[i];
    const id = dataType.good ? (dataType.value as NodeId | null) : null;
    if (!id || !builtinOf({ namespace: id.namespace, value: id.value }) || !valueRank.good || valueRank.value !== -1) return;
    const canWrite = (v: { good: boolean; value: unknown }) => v.good && typeof v.value === 'number' && (v.value & ACCESS_CURRENT_WRITE) !== 0;
    const data_name = deriveDataName(c.path, c.nodeId, opts.takenNames);
    nodes.push({ node_id: c.nodeId, data_name, display_name: c.path.join('/').slice(0, 256), writable: canWrite(access) && (canWrite(userAccess) || !userAccess.good) });
  });
  return { nodes, truncated, objects };
}
