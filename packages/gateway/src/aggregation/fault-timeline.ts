// One fault timeline across gateways (docs/aggregation.md [ours]): every item says which gateway it came
// from, and the merged list is sorted by last occurrence, newest first, ties by fault code. Peers' clocks
// must be NTP-synced for the order to mean anything.

type Json = Record<string, unknown>;

/** A copy of the item with `x-medkit.gateway` set (`local` or the peer name). */
export function faultGatewayTag(item: unknown, gateway: string): Json {
  const i = item as Json;
  const x = typeof i['x-medkit'] === 'object' && i['x-medkit'] !== null ? (i['x-medkit'] as Json) : {};
  return { ...i, 'x-medkit': { ...x, gateway } };
}

function seconds(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.length > 0) {
    const ms = Date.parse(v);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  return undefined;
}

/**
 * When the fault last happened, in epoch seconds: `last_occurred` (native items: float seconds), else the
 * fields pass-through items use (`last_reported`, `timestamp`, ISO strings accepted), else `first_occurred`.
 */
export function faultTime(item: Json): number | undefined {
  for (const k of ['last_occurred', 'last_reported', 'timestamp', 'first_occurred']) {
    const s = seconds(item[k]);
    if (s !== undefined) return s;
  }
  return undefined;
}

const code = (i: Json): string => (typeof i.fault_code === 'string' ? i.fault_code : typeof i.code === 'string' ? i.code : '');

/** Newest first; items without any time go last; ties by fault code ascending (stable otherwise). */
export function sortFaultTimeline(items: Json[]): Json[] {
  return items
    .map((item, i) => ({ item, i, t: faultTime(item) }))
    .sort((a, b) => {
      if (a.t !== b.t) {
        if (a.t === undefined) return 1;
        if (b.t === undefined) return -1;
        return b.t - a.t;
      }
      const c = code(a.item).localeCompare(code(b.item));
      return c !== 0 ? c : a.i - b.i;
    })
    .map((x) => x.item);
}
