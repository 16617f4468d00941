// The worst active fault of each entity, for colouring graph nodes.
import { isActive, type FaultView } from '../model/faults';
import type { Severity } from '../model/severity';

export function worstActiveByEntity(faults: FaultView[]): Map<string, Severity> {
  const out = new Map<string, Severity>();
  for (const f of faults) {
    if (!f.entityId || !isActive(f)) continue;
    const cur = out.get(f.entityId);
    if (!cur || f.severity.level > cur.level) out.set(f.entityId, f.severity);
  }
  return out;
}
