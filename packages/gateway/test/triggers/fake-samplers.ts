// Fake producers for trigger and subscription tests: a `data` sampler whose topics the test publishes
// to (subscribe + sample), and push-style producers for faults/logs through registry.notify().
import type { GatewayFeature } from '../../src/feature.js';
import type { EntityType } from '../../src/entities/model.js';
import { TYPE_TO_SEGMENT } from '../../src/entity-scope/index.js';
import { impossibleTopicReason } from '../../src/data/items.js';
import { getSamplers, type CollectionSamplerRegistry, type SampledEntity } from '../../src/sampling/index.js';

type Listener = { entityId: string; path: string; onValue: (v: unknown) => void; onError?: (e: Error) => void };

export class FakeProducers {
  registry?: CollectionSamplerRegistry;
  find?: (type: EntityType, id: string) => SampledEntity | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly latest = new Map<string, unknown>();
  faults: Record<string, unknown[]> = {};
  logs: Record<string, unknown[]> = {};
  /** How many live topic subscriptions the trigger engine holds. */
  get subscriptions(): number {
    return this.listeners.size;
  }

  /** A new sample on `topic` of an app (suffix matching like the real data feature). */
  publish(entityId: string, topic: string, value: unknown): void {
    this.latest.set(`${entityId}${topic}`, value);
    for (const l of [...this.listeners]) if (l.entityId === entityId && (topic === l.path || topic.endsWith(l.path))) l.onValue(value);
  }

  failTopic(entityId: string, topic: string, message: string): void {
    for (const l of [...this.listeners]) if (l.entityId === entityId && topic.endsWith(l.path)) l.onError?.(new Error(message));
  }

  /** A fault event on an entity, pushed like the fault manager would. */
  fault(type: EntityType, entityId: string, code: string, item: Record<string, unknown>): void {
    (this.faults[entityId] ??= []).push(item);
    this.registry!.notify('faults', this.find!(type, entityId)!, `/${code}`, item);
  }

  log(type: EntityType, entityId: string, entry: Record<string, unknown>): void {
    (this.logs[entityId] ??= []).push(entry);
    this.registry!.notify('logs', this.find!(type, entityId)!, undefined, entry);
  }

  feature(opts: { data?: boolean } = {}): GatewayFeature {
    return {
      name: 'fake-producers',
      init: (ctx) => {
        const reg = getSamplers(ctx);
        this.registry = reg;
        this.find = (type, id) => {
          try {
            return { type, id, entity: ctx.resolver.resolve(TYPE_TO_SEGMENT[type], id).entity };
          } catch {
            return undefined;
          }
        };
        if (opts.data !== false) {
          reg.register('data', {
            sample: async (entity, itemPath) => {
              const key = `${entity.id}${itemPath}`;
              if (!this.latest.has(key)) throw new Error(`Topic data not available: ${itemPath}`);
              return { id: itemPath, data: this.latest.get(key) };
            },
            impossible: (type, itemPath) => impossibleTopicReason(itemPath, type !== 'app'),
            subscribe: (entity, itemPath, onValue, onError) => {
              const l: Listener = { entityId: entity.id, path: itemPath ?? '', onValue, onError };
              this.listeners.add(l);
              return () => this.listeners.delete(l);
            },
          });
        }
        reg.register('faults', { sample: async (entity) => ({ faults: this.faults[entity.id] ?? [], count: (this.faults[entity.id] ?? []).length }) }, { notifies: true });
        reg.register('logs', { sample: async (entity) => ({ items: this.logs[entity.id] ?? [] }) }, { notifies: true });
      },
    };
  }
}
