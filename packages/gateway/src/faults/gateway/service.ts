// The 'faults' gateway service: the fault system plus what other features need to use it (entity scope,
// REST views, the SSE fan-out). Aggregation, triggers and subscriptions find it in `ctx.services`.
import type { EntityCache } from '../../entities/cache.js';
import type { Entity, EntityType } from '../../entities/model.js';
import type { ClientIdentity, EntityResolver } from '../../entity-scope/index.js';
import type { FaultManager, ReportOutcome } from '../manager.js';
import type { FaultRecord, FaultStatus } from '../model.js';
import type { FaultSystem } from '../system.js';
import type { ReportFaultRequest } from '../validation.js';
import { clearFaults } from '../query/clear.js';
import { FaultEntityIndex } from './entity-scope.js';
import type { FaultScope, SourceEntity } from './entity-scope.js';
import { FaultSseFanout } from '../http/sse-fanout.js';
import { FaultStreamTimeline } from '../http/stream-timeline.js';
import { FaultViews } from './views.js';
import { token, type Token } from '../../registry/index.js';

export const FAULTS_SERVICE: Token<FaultsService> = token('faults');

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

  /** True when `client` may not clear the fault: one of its source entities refuses the mutation (a lock held by another client). */
  lockedForClient(f: FaultRecord, client: ClientIdentity): boolean {
    return this.entitiesOfFault(f).some((e) => !this.resolver.access.mayMutate(client, { type: e.type, id: e.entity_id, collection: 'faults' }));
  }

  /** `DELETE /faults`: every matching local fault, skipping faults locked by other clients. */
  clearAll(statuses: readonly FaultStatus[], client: ClientIdentity): string[] {
    return clearFaults(this.system.manager, { statuses, skip: (f) => this.lockedForClient(f, client) });
  }
}
