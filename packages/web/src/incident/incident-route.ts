// The incident view's address: `#/incident/<segment>/<entity id>/<fault code>[/<occurrence ms>]` (model/route.ts).
import type { EntityType } from '../model/entities';
import { routeHash } from '../model/route';

export function incidentHash(type: EntityType, id: string, code: string, at?: number): string {
  return routeHash({ view: 'incident', type, id, code, ...(at !== undefined ? { at } : {}) });
}
