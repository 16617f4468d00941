// Data lists (SOVD, docs/sovd-resources.md [ours]): named sets of an entity's data items that a
// client defines once and reads together. Held in memory (client-defined, like SOVD's own), bounded per
// entity and in total, dropped by clear-data `client-defined-resources`.
import type { EntityType } from '../entities/model.js';
import { SovdError } from '@medkit/sovd';

export interface DataList {
  id: string;
  name?: string;
  /** Data item ids (topics), in the order the client gave them. */
  items: string[];
  created_at: string;
}

export const MAX_LISTS_PER_ENTITY = 16;
export const MAX_LISTS = 1024;
export const MAX_ITEMS = 64;

export class DataListStore {
  private readonly lists = new Map<string, Map<string, DataList>>();
  private total = 0;
  private next = 1;

  list(type: EntityType, id: string): DataList[] {
    return [...(this.lists.get(`${type}/${id}`)?.values() ?? [])];
  }

  get(type: EntityType, id: string, listId: string): DataList {
    const l = this.lists.get(`${type}/${id}`)?.get(listId);
    if (!l) throw new SovdError('resource-not-found', `Data list not found: ${listId}`, { entity_id: id, data_list_id: listId });
    return l;
  }

  create(type: EntityType, id: string, items: string[], name?: string): DataList {
    const key = `${type}/${id}`;
    let m = this.lists.get(key);
    if ((m?.size ?? 0) >= MAX_LISTS_PER_ENTITY || this.total >= MAX_LISTS) {
      throw new SovdError('precondition-not-fulfilled', `Too many data lists (at most ${MAX_LISTS_PER_ENTITY} per entity, ${MAX_LISTS} in all); delete one first`, { entity_id: id, max_per_entity: MAX_LISTS_PER_ENTITY });
    }
    if (!m) this.lists.set(key, (m = new Map()));
    const list: DataList = { id: `dl_${this.next++}`, ...(name ? { name } : {}), items, created_at: new Date().toISOString() };
    m.set(list.id, list);
    this.total++;
    return list;
  }

  remove(type: EntityType, id: string, listId: string): void {
    this.get(type, id, listId);
    this.lists.get(`${type}/${id}`)!.delete(listId);
    this.total--;
  }

  /** Drops every list of the entity; returns how many there were. */
  clear(type: EntityType, id: string): number {
    const m = this.lists.get(`${type}/${id}`);
    if (!m) return 0;
    this.lists.delete(`${type}/${id}`);
    this.total -= m.size;
    return m.size;
  }
}
