// The incident view's address: `#/incident/<segment>/<entity id>/<fault code>` (model/route.ts).
import type { EntityType } from '../model/entities';
import { routeHash } from '../model/route';

export function incidentHash(type: EntityType, id: string, code: string): string {
  return routeHash({ view: 'incident', type, id, code });
}
