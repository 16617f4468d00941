// Small labelled indicators: severity, fault status, online state, counts. Colour always comes
// with text, so nothing depends on telling colours apart.
import type { Severity } from '../model/severity';
import { statusLabel } from '../model/faults';
import { sourceLabel, stateLabel, type EntityRef } from '../model/entities';
import type { FaultCount } from '../model/fault-counts';
import { faultSeverity } from '../model/severity';

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`badge ${severity.css}`}>{severity.label}</span>;
}

export function StatusBadge({ raw }: { raw: string }) {
  return <span class={`status status-${raw.toLowerCase()}`}>{statusLabel(raw)}</span>;
}

export function StateBadge({ entity }: { entity: EntityRef }) {
  const s = stateLabel(entity);
  if (!s) return null;
  return (
    <span class={`state state-${s}`}>
      <span class="dot" aria-hidden="true" />
      {s}
    </span>
  );
}

export function SourceTag({ source }: { source?: string }) {
  if (!source) return null;
  return <span class={`source source-${source.split(':')[0]}`}>{sourceLabel(source)}</span>;
}

export function FaultCountBadge({ count }: { count?: FaultCount }) {
  if (!count || count.total === 0) return null;
  const sev = faultSeverity(count.worst);
  const words = `${count.total} active fault${count.total === 1 ? '' : 's'}, worst ${sev.label.toLowerCase()}`;
  return (
    <span class={`count-badge ${sev.css}`} title={words} aria-label={words}>
      {count.total}
    </span>
  );
}
