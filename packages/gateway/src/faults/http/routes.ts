// Every route of the faults feature in registration order: the one module the feature loads (`import()`) when the
// app's routes are built, so none of the fault route code loads at start (docs/benchmarks.md, "Start-up (issue 69)").
import type { HttpApp } from '@medkit/server';
import { registerBulkDataRoutes, type BulkDataDeps } from './bulk-data-routes.js';
import { addFaultSchemas, registerEntityFaultRoutes, registerGlobalFaultRoutes, type FaultRouteDeps } from './fault-routes.js';
import { registerAcknowledgeRoutes } from './acknowledge-routes.js';
import { registerIncidentRoutes, type IncidentDeps } from './incident-routes.js';
import { registerRecordingRoutes } from './recording-routes.js';
import { registerFaultStreamRoute, type FaultStreamDeps } from './stream-route.js';

export type FaultHttpDeps = FaultStreamDeps & FaultRouteDeps & Omit<IncidentDeps, 'service' | 'peers'> & Omit<BulkDataDeps, 'service'>;

export async function registerFaultHttp(app: HttpApp, deps: FaultHttpDeps): Promise<void> {
  const { service, resolver, peers } = deps;
  addFaultSchemas(app);
  registerFaultStreamRoute(app, deps);
  // With aggregation, robot-wide reads by code also find the faults peer gateways hold.
  registerGlobalFaultRoutes(app, { service, resolver, peers });
  registerEntityFaultRoutes(app, { service, resolver });
  registerAcknowledgeRoutes(app, { service, resolver });
  registerIncidentRoutes(app, { service, logs: deps.logs, peers });
  registerRecordingRoutes(app, { service });
  await registerBulkDataRoutes(app, deps);
}
