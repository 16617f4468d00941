// Merges peer entity trees into the local one (docs/aggregation.md) and builds the routing
// table: which entity ids are owned by exactly one peer, and under which id that peer knows them.
// Pure: inputs are not mutated.
import type { App, Area, Component, Entity, EntitySnapshot, EntityType, SovdFunction } from '../entities/model.js';
import { isValidEntityId } from '../entities/ids.js';
import { isRuntimeSource } from './from-wire.js';

/** One peer's input to a merge. */
export interface PeerContribution {
  peer: string;
  /** The peer's last complete declaration (entities as `entityFromWire` built them). */
  snapshot: EntitySnapshot;
  /** False while the peer fails its health check: runtime entities drop, the rest are marked unavailable. */
  online: boolean;
  /**
   * Names under which the peer knows this gateway: its entities with source `peer:<alias>` are our own,
   * reflected back when two gateways peer each other, and are skipped.
   */
  selfAliases?: readonly string[];
}

/** Where requests for an entity go. */
export interface PeerRoute {
  peer: string;
  type: EntityType;
  /** The id the peer uses (differs from ours for renamed apps). */
  remoteId: string;
}

export interface LeafCollision {
  componentId: string;
  peers: string[];
}

export interface MergeResult {
  snapshot: EntitySnapshot;
  /** Key `type:localId`. */
  routes: Map<string, PeerRoute>;
  collisions: LeafCollision[];
  /** Entities dropped (e.g. a rename that would exceed the id length). */
  notes: string[];
}

export const routeKey = (type: EntityType, id: string): string => `${type}:${id}`;

/** The id a peer's app gets here when its own id is taken (`<peer>__<id>`). */
export const renamedAppId = (peer: string, id: string): string => `${peer}__${id}`;

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

function contribute(e: Entity, peer: string): void {
  e.contributors = union(e.contributors, [peer]);
}

/** Fields every type merges the same way: tags combined, empty text filled, availability if any contributor is available. */
function mergeBase(into: Entity, from: Entity): void {
  into.tags = union(into.tags, from.tags);
  if (!into.description && from.description) into.description = from.description;
  into.available = into.available || from.available;
  contribute(into, from.contributors[0]);
}

/** What the peer declares that we keep this pass, with availability applied. */
function visible(c: PeerContribution): EntitySnapshot {
  const self = new Set((c.selfAliases ?? []).map((a) => `peer:${a}`));
  const keep = <T extends Entity>(list: T[]): T[] =>
    list
      .filter((e) => !self.has(e.declared_source ?? ''))
      .filter((e) => c.online || !isRuntimeSource(e.declared_source))
      .map((e) => {
        const copy = structuredClone(e);
        if (!c.online) {
          copy.available = false;
          if ('is_online' in copy) (copy as App).is_online = false;
        }
        return copy;
      });
  return { areas: keep(c.snapshot.areas), components: keep(c.snapshot.components), apps: keep(c.snapshot.apps), functions: keep(c.snapshot.functions) };
}

export function mergePeerEntities(local: EntitySnapshot, peers: readonly PeerContribution[]): MergeResult {
  const out = structuredClone(local);
  const routes = new Map<string, PeerRoute>();
  const notes: string[] = [];
  const index = {
    area: new Map<string, Area>(out.areas.map((e) => [e.id, e])),
    component: new Map<string, Component>(out.components.map((e) => [e.id, e])),
    app: new Map<string, App>(out.apps.map((e) => [e.id, e])),
    function: new Map<string, SovdFunction>(out.functions.map((e) => [e.id, e])),
  };
  const onlineByPeer = new Map(peers.map((p) => [p.peer, p.online]));
  // Component id → peers claiming it, in peer order (for leaf routing and collisions).
  const claims = new Map<string, string[]>();

  for (const c of peers) {
    const s = visible(c);
    // Apps first: colliding ids are renamed and the new ids remapped in this peer's references.
    const renamed = new Map<string, string>();
    for (const a of s.apps) {
      if (!index.app.has(a.id)) continue;
      const id = renamedAppId(c.peer, a.id);
      if (!isValidEntityId(id) || index.app.has(id)) {
        notes.push(`app '${a.id}' of peer '${c.peer}' dropped: its renamed id '${id.slice(0, 64)}' is invalid or taken`);
        renamed.set(a.id, '');
        continue;
      }
      renamed.set(a.id, id);
    }
    const remap = (ids: string[]) => ids.map((i) => renamed.get(i) ?? i).filter((i) => i !== '');

    for (const a of s.areas) {
      const have = index.area.get(a.id);
      if (have) {
        mergeBase(have, a);
        routes.delete(routeKey('area', a.id));
      } else {
        index.area.set(a.id, a);
        out.areas.push(a);
        routes.set(routeKey('area', a.id), { peer: c.peer, type: 'area', remoteId: a.id });
      }
    }
    for (const f of s.functions) {
      f.hosts = remap(f.hosts);
      const have = index.function.get(f.id);
      if (have) {
        mergeBase(have, f);
        have.hosts = union(have.hosts, f.hosts);
        routes.delete(routeKey('function', f.id));
      } else {
        f.depends_on = remap(f.depends_on);
        index.function.set(f.id, f);
        out.functions.push(f);
        routes.set(routeKey('function', f.id), { peer: c.peer, type: 'function', remoteId: f.id });
      }
    }
    for (const comp of s.components) {
      claims.set(comp.id, [...(claims.get(comp.id) ?? []), c.peer]);
      const have = index.component.get(comp.id);
      if (have) {
        mergeBase(have, comp);
        have.type ??= comp.type;
        have.variant ??= comp.variant;
      } else {
        index.component.set(comp.id, comp);
        out.components.push(comp);
      }
    }
    for (const a of s.apps) {
      const id = renamed.get(a.id) ?? a.id;
      if (id === '') continue;
      if (id !== a.id) {
        a.original_id = a.id;
        a.id = id;
      }
      a.depends_on = remap(a.depends_on);
      index.app.set(a.id, a);
      out.apps.push(a);
      routes.set(routeKey('app', a.id), { peer: c.peer, type: 'app', remoteId: a.original_id ?? a.id });
    }
  }

  // Components are classified once every peer is in (docs/aggregation.md).
  const parents = new Set(out.components.map((c) => c.parent_component_id).filter((p): p is string => !!p && index.component.has(p)));
  const collisions: LeafCollision[] = [];
  for (const [id, claimers] of claims) {
    const comp = index.component.get(id)!;
    if (parents.has(id)) continue; // hierarchical parent: served here with the merged view
    if (claimers.length > 1) collisions.push({ componentId: id, peers: [...claimers] });
    // [ours] a leaf this gateway declares too is served locally (with fan-out to the peers).
    if (comp.contributors.includes('local')) continue;
    // Last writer wins among healthy claimers; with none healthy, the last claimer (its entity is retained).
    const healthy = claimers.filter((p) => onlineByPeer.get(p));
    const owner = (healthy.length > 0 ? healthy : claimers)[(healthy.length > 0 ? healthy : claimers).length - 1];
    routes.set(routeKey('component', id), { peer: owner, type: 'component', remoteId: id });
  }
  return { snapshot: out, routes, collisions, notes };
}
