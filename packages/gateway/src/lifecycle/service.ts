// Status / lifecycle of apps and components (docs/resources.md, docs/plugins.md): the responsible provider's
// answer when there is one, else the default derivation (online apps ready, host component always
// ready, other components notReady only when they host apps and all are offline).
import type { App, Component, Entity, EntityType } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';
import { API_BASE } from '@medkit/sovd';
import { TYPE_TO_SEGMENT } from '../entity-scope/index.js';
import { LifecycleProviderError, type LifecycleProvider, type ReadyStatus } from './provider.js';
import type { SovdTransition } from './plan.js';
import type { StatusBody } from './rest-shape.js';

export type { StatusBody };

export interface LifecycleRef {
  type: EntityType;
  entity: Entity;
}

export interface LifecycleServiceDeps {
  /** Apps hosted by a component. */
  hostedApps(component: Component): App[];
}

export class LifecycleService {
  private readonly providers: LifecycleProvider[] = [];

  constructor(private readonly deps: LifecycleServiceDeps) {}

  /** Adds a provider; earlier providers win for entities several handle (plugins before the built-in one). */
  addProvider(p: LifecycleProvider, opts: { first?: boolean } = {}): void {
    if (opts.first) this.providers.unshift(p);
    else this.providers.push(p);
  }

  private providerFor(ref: LifecycleRef): LifecycleProvider | undefined {
    return this.providers.find((p) => {
      try {
        return p.handles(ref);
      } catch {
        return false;
      }
    });
  }

  async status(ref: LifecycleRef, signal?: AbortSignal): Promise<StatusBody> {
    const p = this.providerFor(ref);
    if (!p) return { status: this.defaultStatus(ref) };
    const s = await p.status(ref, signal);
    const base = `${API_BASE}/${TYPE_TO_SEGMENT[ref.type]}/${ref.entity.id}/status`;
    const body: StatusBody = { status: s.status };
    for (const t of s.transitions) body[t] = `${base}/${t}`;
    if (s.detail) body['x-medkit'] = s.detail;
    return body;
  }

  private defaultStatus(ref: LifecycleRef): ReadyStatus {
    if (ref.type === 'app') return (ref.entity as App).is_online ? 'ready' : 'notReady';
    const comp = ref.entity as Component;
    if (comp.host_metadata) return 'ready';
    const apps = this.deps.hostedApps(comp);
    return apps.length > 0 && apps.every((a) => !a.is_online) ? 'notReady' : 'ready';
  }

  /** Starts a transition; resolves when the provider accepted it. */
  async transition(ref: LifecycleRef, name: SovdTransition, signal?: AbortSignal): Promise<void> {
    const p = this.providerFor(ref);
    const params = { entity_id: ref.entity.id, transition: name };
    if (!p) throw new SovdError('not-implemented', `No lifecycle provider for ${ref.type} '${ref.entity.id}' (a plain ROS node has no managed lifecycle)`, params);
    try {
      await p.transition(ref, name, signal);
    } catch (err) {
      // A provider that already knows the SOVD error (e.g. an SROS2 refusal) says it itself.
      if (err instanceof SovdError) throw err;
      if (!(err instanceof LifecycleProviderError)) throw new SovdError('internal-error', `Lifecycle provider ${p.name} failed: ${(err as Error).message}`, params);
      const all = { ...params, ...err.parameters };
      switch (err.kind) {
        case 'access-denied':
          throw new SovdError('insufficient-access-rights', err.message, all);
        case 'precondition-failed':
          throw new SovdError('precondition-not-fulfilled', err.message, all);
        case 'unsupported':
          throw new SovdError('not-implemented', err.message, all);
        default:
          throw new SovdError('x-medkit-plugin-error', err.message, all, { status: err.status });
      }
    }
  }
}
