// The 'faults' gateway service: the fault system plus what other features need to use it (entity scope,
// REST views). Aggregation, triggers and subscriptions find it in `ctx.services`. The /faults/stream
// timeline and SSE fan-out are HTTP and live in faults/http/fault-stream.ts.
import type { EntityCache } from '../../entities/cache.js';
import type { Entity, EntityType } from '../../entities/model.js';
import type { ClientIdentity, EntityResolver } from '../../entity-scope/index.js';
import type { FaultManager, ReportOutcome } from '@medkit/faults';
import type { FaultRecord, FaultStatus } from '@medkit/faults';
import type { FaultSystem } from '@medkit/faults';
import type { ReportFaultRequest } from '@medkit/sovd';
import { clearFaults } from '@medkit/faults';
import { FaultEntityIndex } from './entity-scope.js';
import type { FaultScope, SourceEntity } from './entity-scope.js';
import { FaultViews } from './views.js';
import { token, type Token } from '@medkit/server';
import { ProviderChain } from '../../entities/provider-chain.js';
import type { FaultProvider } from './providers.js';

export const FAULTS_SERVICE: Token<FaultsService> = token('faults');

export class FaultsService {
  readonly entities: FaultEntityIndex;
  readonly views: FaultViews;

  constructor(
    readonly system: FaultSystem,
    private readonly resolver: EntityResolver,
    cache: () => EntityCache | undefined,
    /**
     * The other providers of entities' faults (faults/gateway/providers.ts), consulted before the fault manager:
     * the first that serves an entity answers for all of its faults (docs/plugins.md).
     */
    readonly providers: ProviderChain<FaultProvider> = new ProviderChain(),
  ) {
    this.entities = new FaultEntityIndex(cache);
    this.views = new FaultViews(system, this.entities);
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

  /** Who a client is in the fault history: the token subject with sign-in on, else its X-Client-Id, else `anonymous`. */
  actor(client: ClientIdentity): string {
    return client.subject ?? client.id ?? 'anonymous';
  }

  /** `DELETE /faults`: every matching local fault, skipping faults locked by other clients. */
  clearAll(statuses: readonly FaultStatus[], client: ClientIdentity): string[] {
    return clearFaults(this.system.manager, { statuses, skip: (f) => this.lockedForClient(f, client) });
  }
}
