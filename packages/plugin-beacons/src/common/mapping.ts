// Entity mapping of hints (docs/beacons.md): each live hint becomes a shadow App or Component (or, when
// allowed, a new App), metadata for that entity, and shadow Functions listing it as a host. The plugin
// layer merges as enrichment, so a beacon only fills fields manifest and runtime left empty.
import type { App, IntrospectionInput, IntrospectionResult, PluginComponent, PluginEntity, SovdFunction } from '@medkit/plugin-api';
import type { StoredHint } from './store.js';

/** Metadata keys of docs/beacons.md [REF]. */
const META = {
  status: 'x-medkit-beacon-status',
  age: 'x-medkit-beacon-age-sec',
  transportType: 'x-medkit-beacon-transport-type',
  negotiatedFormat: 'x-medkit-beacon-negotiated-format',
  processId: 'x-medkit-beacon-process-id',
  processName: 'x-medkit-beacon-process-name',
  hostname: 'x-medkit-beacon-hostname',
  stableId: 'x-medkit-beacon-stable-id',
  dependsOn: 'x-medkit-beacon-depends-on',
  functions: 'x-medkit-beacon-functions',
  freeForm: 'x-medkit-beacon-',
} as const;

/** Skipped ids are logged once; the set is forgotten at this size so it stays bounded. */
const SKIP_LOG_RESET = 1000;

interface MappingOptions {
  allowNewEntities: boolean;
  log?: (msg: string) => void;
}

/** Metadata of one entity: free-form keys first so the structured keys win on a clash. */
function hintMetadata(s: StoredHint): Record<string, unknown> {
  const h = s.hint;
  const m: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h.metadata)) m[`${META.freeForm}${k}`] = v;
  m[META.status] = s.status;
  m[META.age] = Math.round(s.ageSec * 1000) / 1000;
  if (h.transport_type) m[META.transportType] = h.transport_type;
  if (h.negotiated_format) m[META.negotiatedFormat] = h.negotiated_format;
  if (h.process_id > 0) m[META.processId] = h.process_id;
  if (h.process_name) m[META.processName] = h.process_name;
  if (h.hostname) m[META.hostname] = h.hostname;
  if (h.stable_id) m[META.stableId] = h.stable_id;
  if (h.depends_on.length > 0) m[META.dependsOn] = [...h.depends_on];
  if (h.function_ids.length > 0) m[META.functions] = [...h.function_ids];
  return m;
}

export class EntityMapper {
  readonly #skipped = new Set<string>();

  constructor(private readonly opts: MappingOptions) {}

  /** The plugin layer's output for the live hints against the entities known so far. */
  map(input: IntrospectionInput, hints: readonly StoredHint[]): IntrospectionResult {
    const apps = new Map(input.apps.map((a) => [a.id, a]));
    const components = new Map(input.components.map((c) => [c.id, c]));
    const functions = new Map(input.functions.map((f) => [f.id, f]));
    const outApps: PluginEntity<App>[] = [];
    const outComponents: PluginComponent[] = [];
    const hosts = new Map<string, string[]>();
    const metadata: Record<string, unknown> = {};
    for (const s of hints) {
      const h = s.hint;
      const id = h.entity_id;
      if (apps.has(id)) {
        outApps.push({ id, ...(h.display_name ? { name: h.display_name } : {}), ...(h.component_id ? { component_id: h.component_id } : {}) });
      } else if (components.has(id)) {
        outComponents.push({ id, ...(h.display_name ? { name: h.display_name } : {}) });
      } else if (this.opts.allowNewEntities) {
        outApps.push({ id, name: h.display_name || id, source: 'beacon', ...(h.component_id ? { component_id: h.component_id } : {}) });
      } else {
        this.#logSkip(id);
        continue;
      }
      metadata[id] = hintMetadata(s);
      for (const f of h.function_ids) {
        if (!functions.has(f)) continue; // unknown functions are only recorded in metadata
        const list = hosts.get(f) ?? [];
        if (!list.includes(id)) list.push(id);
        hosts.set(f, list);
      }
    }
    const outFunctions: PluginEntity<SovdFunction>[] = [...hosts].map(([id, list]) => ({ id, name: functions.get(id)!.name, hosts: list }));
    return { new_entities: { apps: outApps, components: outComponents, functions: outFunctions }, metadata };
  }

  #logSkip(id: string): void {
    if (this.#skipped.has(id)) return;
    if (this.#skipped.size >= SKIP_LOG_RESET) this.#skipped.clear();
    this.#skipped.add(id);
    this.opts.log?.(`beacon hint for '${id}' skipped: no such App or Component (allow_new_entities is false)`);
  }
}
