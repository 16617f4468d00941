// GET /health (docs/api.md "Health"): what the health contributors report. Also the route a deferred
// gateway answers before its other routes are built (gateway.ts, @medkit/server's ServerOptions.early).
import { Type } from '@sinclair/typebox';
import { API_BASE, type HttpApp } from '@medkit/server';
import { WARNING_SCHEMA_VERSION, type HealthRegistry } from '@medkit/kit';

/** The path of GET /health. */
export const HEALTH_PATH = `${API_BASE}/health`;

const HealthWarningSchema = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    entity_ids: Type.Array(Type.String()),
    ros_node_fqns: Type.Array(Type.String()),
    peer_names: Type.Array(Type.String()),
  },
  { $id: 'HealthWarning', title: 'HealthWarning' },
);

const HealthSchema = Type.Object(
  {
    status: Type.String({ examples: ['healthy'], description: '"healthy" when nothing is wrong; "degraded" (still HTTP 200) when the gateway cannot do part of its job: the fault store cannot write, ROS is down, a configured peer, plugin, discovery server or uplink fails (the warnings say which; docs/api.md "Health"). The fleet (`medkit fleet`) also while it cannot ingest' }),
    timestamp: Type.Integer({ description: 'ns since the Unix epoch' }),
    warning_schema_version: Type.Integer(),
    warnings: Type.Array(Type.Ref(HealthWarningSchema)),
  },
  { additionalProperties: true, description: 'Gateway health; discovery, peers and subsystem counters are added as present.' },
);

export function registerHealthRoute(health: HealthRegistry) {
  return (app: HttpApp): void => {
    app.addSchema(HealthWarningSchema);
    app.get(
      HEALTH_PATH,
      { schema: { operationId: 'getHealth', summary: 'Gateway health, discovery report and warnings', tags: ['server'], response: { 200: HealthSchema } } },
      async () => {
        const { fields, warnings, degraded } = await health.collect();
        return {
          status: degraded ? 'degraded' : 'healthy',
          timestamp: Number(process.hrtime.bigint() - HR_BASE + EPOCH_NS_BASE),
          warning_schema_version: WARNING_SCHEMA_VERSION,
          warnings,
          ...fields,
        };
      },
    );
  };
}

// Wall-clock ns with sub-ms resolution: epoch at start-up plus a monotonic offset.
const EPOCH_NS_BASE = BigInt(Date.now()) * 1_000_000n;
const HR_BASE = process.hrtime.bigint();
