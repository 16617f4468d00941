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
 */
export const WARNING_SCHEMA_VERSION = 3;

export interface HealthContribution {
  /** Top-level fields merged into the /health body (e.g. `discovery`, `peers`, `x-medkit-ros`). */
  fields?: Record<string, unknown>;
  warnings?: HealthWarning[];
  /**
   * The subsystem cannot do its job (e.g. the fleet cannot ingest): /health reports `status: "degraded"`. The
   * robot gateway's own contributors never set it, so its /health stays `"healthy"` as docs/api.md has it.
   */
  degraded?: boolean;
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
      degraded ||= p.degraded === true;
    }
    return { fields, warnings, degraded };
  }
}
