// Modes (SOVD, docs/sovd-resources.md [ours]): the built-in `lifecycle` mode of apps and components — the ROS 2 lifecycle
// state read through the lifecycle service, set by mapping the wanted state to a SOVD status transition —
// plus the entity's manifest mode table, whose values the gateway holds (with an optional expiry back to the
// default, like a SOVD session mode).
import type { Entity, EntityType } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';
import type { LifecycleService } from '../lifecycle/service.js';
import type { SovdTransition } from '../lifecycle/plan.js';
import { LIFECYCLE_MODE, parseModeTable, type ModeDefinition } from './table.js';
import type { ModeListBody, ModeView } from './rest-shape.js';

interface ModeRef {
  type: EntityType;
  entity: Entity;
}

/** Lifecycle states a client may ask for, and the SOVD transition that reaches each. */
const LIFECYCLE_TARGETS: Record<string, SovdTransition> = { active: 'start', finalized: 'shutdown' };
/** Longest mode_expiration, seconds (a day). */
export const MAX_EXPIRATION_SEC = 86_400;

interface Held {
  value: string;
  expiresAt?: number;
  timer?: NodeJS.Timeout;
}

export class ModesService {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly lifecycle: () => LifecycleService | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The entity's manifest modes (bad entries skipped; see docs/sovd-resources.md). */
  table(ref: ModeRef): ModeDefinition[] {
    return parseModeTable((ref.entity as { modes?: Record<string, unknown> }).modes).modes;
  }

  list(ref: ModeRef): ModeListBody {
    const items = this.lifecycle() ? [{ id: LIFECYCLE_MODE, name: 'ROS 2 lifecycle state' }] : [];
    for (const m of this.table(ref)) items.push({ id: m.id, name: m.name });
    return { items };
  }

  async get(ref: ModeRef, id: string, signal?: AbortSignal): Promise<ModeView> {
    if (id === LIFECYCLE_MODE) return this.lifecycleMode(ref, signal);
    const def = this.definition(ref, id);
    const h = this.held.get(this.key(ref, id));
    const xm: Record<string, unknown> = { source: 'manifest', values: def.values, default: def.default };
    if (h?.expiresAt !== undefined) xm.expires_at = new Date(h.expiresAt).toISOString();
    return { id, name: def.name, value: h?.value ?? def.default, 'x-medkit': xm };
  }

  /** Sets a mode; `expirationSec` reverts a table mode to its default after that long. */
  async set(ref: ModeRef, id: string, value: string, expirationSec?: number, signal?: AbortSignal): Promise<ModeView> {
    if (id === LIFECYCLE_MODE) {
      const transition = LIFECYCLE_TARGETS[value];
      if (!transition) {
        throw new SovdError('invalid-parameter', `The lifecycle mode can be set to ${Object.keys(LIFECYCLE_TARGETS).join(' or ')}`, { mode_id: id, value, allowed_values: Object.keys(LIFECYCLE_TARGETS).join(', ') });
      }
      if (expirationSec !== undefined) throw new SovdError('invalid-parameter', 'The lifecycle mode does not expire', { parameter: 'mode_expiration' });
      const svc = this.need();
      await svc.transition(ref, transition, signal);
      const view = await this.lifecycleMode(ref, signal);
      view['x-medkit'] = { ...view['x-medkit'], requested: value, transition };
      return view;
    }
    const def = this.definition(ref, id);
    if (!def.values.includes(value)) throw new SovdError('invalid-parameter', `'${value.slice(0, 64)}' is not a value of mode ${id}`, { mode_id: id, allowed_values: def.values.join(', ') });
    const key = this.key(ref, id);
    const old = this.held.get(key);
    clearTimeout(old?.timer);
    const h: Held = { value };
    if (expirationSec !== undefined) {
      h.expiresAt = this.now() + expirationSec * 1000;
      h.timer = setTimeout(() => {
        if (this.held.get(key) === h) this.held.delete(key);
      }, expirationSec * 1000);
      h.timer.unref();
    }
    if (value === def.default && expirationSec === undefined) this.held.delete(key);
    else this.held.set(key, h);
    return this.get(ref, id);
  }

  /** Forgets every value set on the entity (clear-data); returns how many were held. */
  reset(ref: ModeRef): number {
    const prefix = `${ref.type}/${ref.entity.id}/`;
    let n = 0;
    for (const [k, h] of this.held) {
      if (!k.startsWith(prefix)) continue;
      clearTimeout(h.timer);
      this.held.delete(k);
      n++;
    }
    return n;
  }

  close(): void {
    for (const h of this.held.values()) clearTimeout(h.timer);
    this.held.clear();
  }

  private async lifecycleMode(ref: ModeRef, signal?: AbortSignal): Promise<ModeView> {
    const status = await this.need().status(ref, signal);
    // The status's `x-medkit` is an open object (provider detail): read as one.
    const detail: Record<string, unknown> = status['x-medkit'] ?? {};
    const state = typeof detail.lifecycle_state === 'string' ? detail.lifecycle_state : undefined;
    const transitions = (['start', 'restart', 'force-restart', 'shutdown', 'force-shutdown'] as const).filter((t) => status[t] !== undefined);
    return {
      id: LIFECYCLE_MODE,
      name: 'ROS 2 lifecycle state',
      // A managed node reports its primary state; anything else only ready / notReady.
      value: state ?? status.status,
      'x-medkit': { source: 'lifecycle', managed: state !== undefined, status: status.status, settable_values: state ? Object.keys(LIFECYCLE_TARGETS) : [], transitions, ...detail },
    };
  }

  private need(): LifecycleService {
    const svc = this.lifecycle();
    if (!svc) throw new SovdError('resource-not-found', 'Mode not found: lifecycle (no lifecycle service)', { mode_id: LIFECYCLE_MODE });
    return svc;
  }

  private definition(ref: ModeRef, id: string): ModeDefinition {
    const def = this.table(ref).find((m) => m.id === id);
    if (!def) throw new SovdError('resource-not-found', `Mode not found: ${id}`, { entity_id: ref.entity.id, mode_id: id });
    return def;
  }

  private key(ref: ModeRef, id: string): string {
    return `${ref.type}/${ref.entity.id}/${id}`;
  }
}
