// /health is assembled from what each subsystem reports: discovery, peers, caches, ROS status.
// Subsystems register a contributor; none of them needs to know about the others.

/** A HealthWarning of docs/api.md (schema version 2): all five keys always present. */
export interface HealthWarning {
  code: string;
  message: string;
  entity_ids: string[];
  ros_node_fqns: string[];
  peer_names: string[];
}

/**
 * 3: medkit adds codes beyond the reference's two (hybrid_fallback, ros_no_peers, ros_no_nodes,
 * ros_unavailable, ros_disabled, ...); the spec's rule is that adding a code bumps the version.
 * 4: what cannot reach the gateway says so (issue 66): ros_stream_stuck, ros_discovery_refusing,
 * ros_requests_unanswered, ros_samples_refused, native_part_not_loaded, plugin warnings that degrade.
 * 5: ros_security_tokens_unacknowledged (an authenticated SROS2 peer that cannot read what the gateway protects).
 * 6: ros_samples_conflicting (samples sent in a writer's name by someone else, seen and read again).
 */
export const WARNING_SCHEMA_VERSION = 6;

export interface HealthContribution {
  /** Top-level fields merged into the /health body (e.g. `discovery`, `peers`, `x-medkit-ros`). */
  fields?: Record<string, unknown>;
  warnings?: HealthWarning[];
  /**
   * The subsystem cannot do its job (e.g. the fleet cannot ingest): /health reports `status: "degraded"`. A
   * warning whose code is in {@link DEGRADING_WARNINGS} degrades it as well, whoever contributes it.
   */
  degraded?: boolean;
}

/**
 * Warning codes that mean the gateway cannot do part of its job (docs/api.md "Health"): `/health` then says
 * `status: "degraded"` (HTTP 200). Every other warning is a notice: the status stays `"healthy"`. One table, so a
 * monitor's view never depends on which subsystem happens to report.
 */
export const DEGRADING_WARNINGS: ReadonlySet<string> = new Set([
  // Faults are refused: the store cannot write (down, full, corrupt, PostgreSQL unreachable).
  'fault_store_unavailable',
  'fault_store_full',
  // ROS is configured and the gateway is not on the graph, or cannot reach a configured discovery server.
  'ros_unavailable',
  'ros_discovery_server_not_answering',
  'ros_service_interface_unavailable',
  // Part of the graph cannot reach the gateway: a stream stuck on data its writer announces, or real newcomers
  // turned away by a participant table full of proven participants (docs/ros2.md "Never blind").
  'ros_stream_stuck',
  'ros_discovery_refusing',
  // A live node's service no longer answers the gateway's calls (each times out): its parameters, operations or
  // the like cannot be used (docs/ros2.md "Never blind").
  'ros_requests_unanswered',
  // An authenticated SROS2 peer has not acknowledged the gateway's crypto tokens for 30 s: it cannot read what the
  // gateway protects, so its services and protected topics cannot be used from the gateway (docs/sros2.md).
  'ros_security_tokens_unacknowledged',
  // A configured plugin could not start; a configured peer gateway does not answer.
  'plugin_disabled',
  'peer_offline',
  'peer_discovery_unavailable',
  // A native part the installation ships (the RTPS addon, the SQLite driver) is there and does not load.
  'native_part_not_loaded',
  // The uplinks a robot was configured with.
  'fleet_broker_unreachable',
  'vda5050_broker_unreachable',
  // The API routes registered after the server listened (the `medkit` command) could not be built: only /health answers.
  'api_routes_unavailable',
]);

/** True when a warning with this code makes /health `degraded`. */
export function degradesHealth(code: string): boolean {
  return DEGRADING_WARNINGS.has(code);
}

export type HealthContributor = () => HealthContribution | Promise<HealthContribution>;

export function warning(code: string, message: string, extra: Partial<Omit<HealthWarning, 'code' | 'message'>> = {}): HealthWarning {
  return { code, message, entity_ids: [], ros_node_fqns: [], peer_names: [], ...extra };
}

export class HealthRegistry {
  private readonly contributors: HealthContributor[] = [];

  add(c: HealthContributor): void {
    this.contributors.push(c);
  }

  async collect(): Promise<{ fields: Record<string, unknown>; warnings: HealthWarning[]; degraded: boolean }> {
    const fields: Record<string, unknown> = {};
    const warnings: HealthWarning[] = [];
    let degraded = false;
    const parts = await Promise.all(
      this.contributors.map(async (c) => {
        try {
          return await c();
        } catch (err) {
          // One broken subsystem must not take /health down with it.
          return { warnings: [warning('health_contributor_failed', `a health contributor failed: ${(err as Error).message}`)] };
        }
      }),
    );
    for (const p of parts) {
      Object.assign(fields, p.fields ?? {});
      warnings.push(...(p.warnings ?? []));
      degraded ||= p.degraded === true || (p.warnings ?? []).some((w) => degradesHealth(w.code));
    }
    return { fields, warnings, degraded };
  }
}
