// What the topic and parameter beacons share (docs/beacons.md): a hint store, the entity mapping
// as their introspection, and the vendor route `{apps|components}/{id}/x-medkit-<kind>-beacon` with its
// capability. Each transport adds how hints arrive.
import type { IntrospectionInput, IntrospectionProvider, IntrospectionResult, MedkitPlugin, PluginConfig, PluginContext, PluginRoute } from '@medkit/plugin-api';
import { bool, num } from './config.js';
import { BEACON_NOT_FOUND } from './errors.js';

/** The keys readStoreConfig reads, common to both beacons (each declares its own on top). */
export const BEACON_STORE_KEYS = ['beacon_ttl_sec', 'beacon_expiry_sec', 'max_hints', 'allow_new_entities'] as const;
import { EntityMapper } from './mapping.js';
import { HintStore, type StoredHint } from './store.js';

/** Store settings common to both beacons (`beacon_ttl_sec`, `beacon_expiry_sec`, `max_hints`, `allow_new_entities`). */
export interface BeaconStoreConfig {
  ttlSec: number;
  expirySec: number;
  maxHints: number;
  allowNewEntities: boolean;
}

export function readStoreConfig(config: PluginConfig, defaultTtlSec: number): BeaconStoreConfig {
  return {
    ttlSec: num(config, 'beacon_ttl_sec', defaultTtlSec),
    expirySec: num(config, 'beacon_expiry_sec', 300),
    maxHints: num(config, 'max_hints', 10000),
    allowNewEntities: bool(config, 'allow_new_entities', false),
  };
}

/** The vendor route's body (docs/beacons.md). */
function hintBody(s: StoredHint): Record<string, unknown> {
  const h = s.hint;
  return {
    entity_id: h.entity_id,
    status: s.status,
    age_sec: Math.round(s.ageSec * 1000) / 1000,
    stable_id: h.stable_id,
    display_name: h.display_name,
    transport_type: h.transport_type,
    negotiated_format: h.negotiated_format,
    process_id: h.process_id,
    process_name: h.process_name,
    hostname: h.hostname,
    component_id: h.component_id,
    function_ids: h.function_ids,
    depends_on: h.depends_on,
    metadata: h.metadata,
  };
}

export abstract class BeaconPlugin implements MedkitPlugin, IntrospectionProvider {
  protected ctx?: PluginContext;
  protected store!: HintStore;
  protected mapper!: EntityMapper;
  /** Last introspection input (the parameter beacon takes its targets from it). */
  protected lastInput?: IntrospectionInput;
  /**
   * Told the process ids the live hints carry (entity id → `process_id`) on every introspection pass, instead
   * of the context's reportProcessIds (tests observe them here).
   */
  onProcessIds?: (pids: ReadonlyMap<string, number>) => void;

  constructor(
    private readonly pluginName: string,
    /** `x-medkit-topic-beacon` or `x-medkit-param-beacon`. */
    readonly capability: string,
    /** Monotonic ms clock for the store (tests inject one). */
    protected readonly clock?: () => number,
  ) {}

  name(): string {
    return this.pluginName;
  }

  abstract configure(config: PluginConfig): void | Promise<void>;

  /** Creates store and mapper from the common keys; transports call it from configure(). */
  protected setupStore(c: BeaconStoreConfig): void {
    this.store = new HintStore({ ...c, now: this.clock, onFull: (id) => this.ctx?.log.warn(`hint store full (max_hints ${this.store.limits.maxHints}): new id '${id}' refused (warned once)`) });
    this.mapper = new EntityMapper({ allowNewEntities: c.allowNewEntities, log: (m) => this.ctx?.log.info(m) });
  }

  setContext(ctx: PluginContext): void | Promise<void> {
    this.ctx = ctx;
    ctx.registerCapability('app', this.capability);
    ctx.registerCapability('component', this.capability);
  }

  introspect(input: IntrospectionInput): IntrospectionResult {
    this.lastInput = input;
    const hints = this.store.snapshot();
    // The process ids of live hints go to the introspection plugins (docs/introspection.md), through the context.
    const report = this.onProcessIds ?? (this.ctx?.reportProcessIds ? (pids: ReadonlyMap<string, number>) => this.ctx?.reportProcessIds?.(pids) : undefined);
    if (report) {
      const pids = new Map<string, number>();
      for (const h of hints) if (h.status === 'active' && h.hint.process_id > 0) pids.set(h.hint.entity_id, h.hint.process_id);
      report(pids);
    }
    return this.mapper.map(input, hints);
  }

  /** The hint stored for an entity (tests and the vendor route). */
  hint(entityId: string): StoredHint | undefined {
    return this.store.get(entityId);
  }

  /** The plugin's own state for its global debug route `GET /api/v1/<capability>`. */
  abstract status(): Record<string, unknown>;

  getRoutes(): PluginRoute[] {
    return [
      { method: 'GET', pattern: this.capability, handler: (_req, res) => res.sendJson(this.status()) },
      {
        method: 'GET',
        pattern: `(?:apps|components)/([^/]+)/${this.capability}`,
        handler: (req, res) => {
          const e = this.ctx?.validateEntityForRoute(req, res, req.pathParam(1) ?? '');
          if (!e) return;
          const s = this.store.get(e.id);
          if (!s) return res.sendError(BEACON_NOT_FOUND.status, BEACON_NOT_FOUND.code, BEACON_NOT_FOUND.format(e.id), { entity_id: e.id });
          res.sendJson(hintBody(s));
        },
      },
    ];
  }
}

/** OpenAPI path items of a beacon's vendor route (shown in /docs). */
export function beaconRouteDocs(capability: string, summary: string): Record<string, unknown> {
  const get = (type: string) => ({
    get: {
      summary: `${summary} (${type})`,
      tags: ['x-medkit beacons'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'The hint the entity reported, with its state and age' }, 404: { description: 'No hint (x-medkit-beacon-not-found) or unknown entity' } },
    },
  });
  return { [`apps/{id}/${capability}`]: get('app'), [`components/{id}/${capability}`]: get('component') };
}
