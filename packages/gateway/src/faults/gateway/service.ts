// The 'faults' gateway service: the fault system plus what other features need to use it (entity scope,
// REST views, the SSE fan-out). Aggregation, triggers and subscriptions find it in `ctx.services`.
import type { EntityCache } from '../../entities/cache.js';
import type { Entity, EntityType } from '../../entities/model.js';
import type { EntityResolver } from '../../entity-scope/index.js';
import { TYPE_TO_SEGMENT } from '../../entity-scope/index.js';
import type { FaultManager, ReportOutcome } from '../manager.js';
import type { FaultRecord, FaultStatus } from '../model.js';
import type { FaultSystem } from '../system.js';
import type { ReportFaultRequest } from '../validation.js';
import { clearFaults } from '../query/clear.js';
import { FaultEntityIndex } from './entity-scope.js';
import type { FaultScope, SourceEntity } from './entity-scope.js';
import { FaultSseFanout } from './sse-fanout.js';
import { FaultStreamTimeline } from './stream-timeline.js';
import { FaultViews } from './views.js';

export const FAULTS_SERVICE = 'faults';

export class FaultsService {
  readonly entities: FaultEntityIndex;
  readonly views: FaultViews;
  /** What /faults/stream carries: local events and relayed peer events on one id sequence. */
  readonly timeline: FaultStreamTimeline;
  readonly fanout: FaultSseFanout;

  /** `replayCapacity`: events kept for `Last-Event-ID` replay (`faults.event_replay_buffer`). */
  constructor(
    readonly system: FaultSystem,
    private readonly resolver: EntityResolver,
    cache: () => EntityCache | undefined,
    replayCapacity = 100,
  ) {
    this.entities = new FaultEntityIndex(cache);
    this.views = new FaultViews(system, this.entities);
    const entityOf = (e: { fault: FaultRecord }) => (e.fault.reporting_sources.length > 0 ? this.entities.entityOf(e.fault.reporting_sources[0]) : undefined);
    this.timeline = new FaultStreamTimeline(system.manager.events, entityOf, replayCapacity);
    this.fanout = new FaultSseFanout(this.timeline);
  }

  get manager(): FaultManager {
    return this.system.manager;
  }

  /** Handles one report (ReportFault semantics): validated, debounced, durable before it returns. */
  report(req: ReportFaultRequest): ReportOutcome {
    return this.system.manager.report(req);
  }

  scopeOf(type: EntityType, entity: Entity): FaultScope {
    return this.entities.scopeOf(type, entity);
  }

  /** Entities the fault's reporting sources resolve to (first source first). */
  entitiesOfFault(f: FaultRecord): SourceEntity[] {
    return this.entities.entitiesOf(f.reporting_sources);
  }

  /** `/apps/<id>`-style path of the entity the fault's first reporting source belongs to (bulk-data base). */
  entityPathOf(f: FaultRecord): string | undefined {
    return this.entities.entityOfFault(f.reporting_sources)?.path;
  }

  /** True when one of the fault's sources is an entity locked (scope `faults`) by a client other than `clientId`. */
  lockedForClient(f: FaultRecord, clientId: string | undefined): boolean {
    for (const e of this.entitiesOfFault(f)) {
      try {
        this.resolver.resolve(TYPE_TO_SEGMENT[e.type], e.entity_id, { collection: 'faults', mutating: true, clientId });
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status === 409) return true;
      }
    }
    return false;
  }

  /** `DELETE /faults`: every matching local fault, skipping faults locked by other clients. */
  clearAll(statuses: readonly FaultStatus[], clientId: string | undefined): string[] {
    return clearFaults(this.system.manager, { statuses, skip: (f) => this.lockedForClient(f, clientId) });
  }
}
