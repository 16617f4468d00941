// REST views of the fault store for the gateway: list items with their entity and summarised evidence, list
// envelopes per entity scope, and details — memoised until the store or the entity tree changes.
import type { Acknowledgement, FaultRecord, FaultStatus } from '@medkit/faults';
import type { FaultSystem } from '@medkit/faults';
import { environmentData, FaultStoreUnavailable } from '@medkit/faults';
import { queryFaults } from '@medkit/faults';
import { entityFrameSnapshot, faultDetail, faultListEnvelope, faultListItem, restSnapshots, type RestSnapshot } from '@medkit/faults';
import type { EnvironmentData } from '@medkit/faults';
import type { EntityFrame } from '@medkit/faults';
import { faultSnapshots, type FaultSnapshots } from '@medkit/faults';
import type { FaultDetailBody, FaultListBody, FaultListItemBody } from '@medkit/faults';
import type { FaultEntityIndex, FaultScope } from './entity-scope.js';

/** A REST fault list query after parameter validation. */
export interface FaultListQuery {
  statuses: readonly FaultStatus[];
  minSeverity?: number;
  includeMuted?: boolean;
  includeClusters?: boolean;
}

const MEMO_LIMIT = 64;

/** Where the views find entity freeze frames (set when plugin entities can have them). */
interface EntityFrameSource {
  get(code: string): EntityFrame | undefined;
  /** Changes whenever a frame was captured or dropped (memoisation key). */
  readonly version: number;
}

export class FaultViews {
  private readonly memo = new Map<string, { stamp: string; body: string }>();
  /** Entity freeze frames (docs/faults.md (c)), shown only for a fault the fault manager has no freeze frame of. */
  entityFrames?: EntityFrameSource;

  constructor(private readonly system: FaultSystem, private readonly entities: FaultEntityIndex) {}

  /** Set when a list item was built without its evidence (the store could not read it): such a body is not memoised. */
  private evidenceMissed = false;

  /**
   * List item (docs/faults.md decision Q1 shape) with `entity_id` and, when `withEvidence`, summarised snapshots. The fault itself comes
   * from the store's memory; when its evidence cannot be read (a corrupt file), the item is served without
   * `environment_data` and says so, rather than the whole list answering 503 (docs/faults.md, outages).
   */
  listItem(f: FaultRecord, withEvidence = true): FaultListItemBody {
    const entity = f.reporting_sources.length > 0 ? this.entities.entityOf(f.reporting_sources[0]) : undefined;
    const ack = this.acknowledgement(f);
    if (!withEvidence) return faultListItem(f, entity, undefined, ack);
    let env: EnvironmentData | undefined;
    try {
      env = environmentData(this.system.repository, f.fault_code, this.system.manager.config.snapshots.retain_on_clear);
    } catch (err) {
      if (!(err instanceof FaultStoreUnavailable)) throw err;
      this.evidenceMissed = true;
      const item = faultListItem(f, entity, undefined, ack);
      item['x-medkit'] = { ...item['x-medkit'], environment_data_unavailable: true };
      return item;
    }
    const path = entity ? `/${entity.entity_type}/${entity.entity_id}` : undefined;
    return faultListItem(f, entity, env ? [...this.extraFrames(f.fault_code, env), ...restSnapshots(env, path, { latest: true })] : [], ack);
  }

  /** The fault's acknowledgement; none shown while the store cannot be read (the list still answers). */
  private acknowledgement(f: FaultRecord): Acknowledgement | undefined {
    try {
      return this.system.manager.acknowledgement(f);
    } catch (err) {
      if (!(err instanceof FaultStoreUnavailable)) throw err;
      this.evidenceMissed = true;
      return undefined;
    }
  }

  /** The entity frame of `code` as a REST entry, when it has one and the fault manager captured no frame. */
  private extraFrames(code: string, env: EnvironmentData): RestSnapshot[] {
    const frame = this.entityFrames?.get(code);
    if (!frame || env.snapshots.some((s) => s.type === 'freeze_frame')) return [];
    return [entityFrameSnapshot(frame)];
  }

  /** The list body of `GET /faults` (no scope) or `GET /{entity}/faults`. */
  list(q: FaultListQuery, scope?: FaultScope): FaultListBody {
    const result = queryFaults(this.system.manager, {
      statuses: q.statuses, minSeverity: q.minSeverity, includeMuted: q.includeMuted, includeClusters: q.includeClusters, belongsToEntity: scope?.belongs,
    });
    const items = result.faults.map((f) => this.listItem(f));
    const body = faultListEnvelope(result, items, { includeMuted: q.includeMuted, includeClusters: q.includeClusters });
    if (scope) body['x-medkit'] = { ...scope.envelope, ...body['x-medkit'] };
    return body;
  }

  /**
   * The list body as JSON text, memoised per (`key`, store changes, entity generation). Correlation state ages
   * with time (pending windows), so with correlation on nothing is memoised.
   */
  listText(key: string, q: FaultListQuery, scope?: () => FaultScope): string {
    if (this.system.manager.correlation) return JSON.stringify(this.list(q, scope?.()));
    const stamp = `${this.system.changes()}:${this.entities.generation}:${this.entityFrames?.version ?? 0}`;
    const hit = this.memo.get(key);
    if (hit?.stamp === stamp) return hit.body;
    this.evidenceMissed = false;
    const body = JSON.stringify(this.list(q, scope?.()));
    // Without a write the stamp stays the same after the store recovers: a body missing evidence is not kept.
    if (this.evidenceMissed) return body;
    if (this.memo.size >= MEMO_LIMIT && !this.memo.has(key)) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(key, { stamp, body });
    return body;
  }

  /** Fault detail; `scope` gives `bulk_data_uri` its entity path (global route: the fault's own entity). */
  detail(f: FaultRecord, scope?: FaultScope): FaultDetailBody | undefined {
    const env = environmentData(this.system.repository, f.fault_code, this.system.manager.config.snapshots.retain_on_clear);
    if (!env) return undefined;
    const own = this.entities.entityOfFault(f.reporting_sources);
    const manager = this.system.manager;
    return faultDetail(f, env, {
      entity: own?.entity, entityPath: scope?.entityPath ?? own?.path, extraFrames: this.extraFrames(f.fault_code, env),
      history: manager.history(f.fault_code), acknowledgement: manager.acknowledgement(f),
    });
  }

  /**
   * The reference's snapshot document (`GET …/faults/{code}/snapshots`): the newest capture set, one `topic`
   * when given; `scope` gives the recording's `download_url` its entity path (global route: the fault's own).
   */
  snapshots(f: FaultRecord, topic: string, scope?: FaultScope): FaultSnapshots {
    return faultSnapshots(this.system.manager, f, topic, (r) => scope?.entityPath ?? this.entities.entityOfFault(r.reporting_sources)?.path);
  }
}
