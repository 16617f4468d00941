// The beacon hint (docs/beacons.md) and its validation (docs/beacons.md). Both transports (topic and parameter
// beacon) turn what a node reports into a RawHint and validate it here, so the limits live in one place.

/** Limits of docs/beacons.md [REF]. */
export const HINT_LIMITS = {
  idLength: 256,
  stringLength: 512,
  functionIds: 100,
  dependsOn: 100,
  metadataEntries: 50,
  metadataKeyLength: 64,
  metadataValueLength: 1024,
} as const;

/** A validated hint. Empty strings / arrays / `process_id` 0 mean "not provided". */
export interface BeaconHint {
  entity_id: string;
  stable_id: string;
  display_name: string;
  function_ids: string[];
  depends_on: string[];
  component_id: string;
  transport_type: string;
  negotiated_format: string;
  /** 0..2^32−1; 0 = not provided. */
  process_id: number;
  process_name: string;
  hostname: string;
  /** Free-form key/value pairs. */
  metadata: Record<string, string>;
}

/** What a transport hands in: any field may be missing or of the wrong type (it comes from the network). */
export type RawHint = { [K in keyof BeaconHint]?: unknown };

const ID = /^[A-Za-z0-9_-]+$/;
/** [ours] Metadata keys become part of `x-medkit-beacon-<key>`: 1–64 characters of `A-Z a-z 0-9 _ . -`. */
const META_KEY = /^[A-Za-z0-9_.-]+$/;

function isValidHintId(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= HINT_LIMITS.idLength && ID.test(v);
}

/** Cuts to `max` UTF-16 units without leaving half a surrogate pair behind. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

function str(v: unknown, max = HINT_LIMITS.stringLength): string {
  return typeof v === 'string' ? truncate(v, max) : '';
}

/** Valid ids of a list, at most `cap`; the walk stops at `cap` valid ids (the list itself is bounded by the message size). */
function ids(v: unknown, cap: number): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const x of v) {
    if (out.length >= cap) break;
    if (isValidHintId(x) && !out.includes(x)) out.push(x);
  }
  return out;
}

function processId(v: unknown): number {
  if (typeof v === 'bigint') return v >= 0n && v <= 0xffffffffn ? Number(v) : 0;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? v : 0;
}

/** Only the first 50 entries count; entries with invalid keys are dropped, long values cut. */
function metadata(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  let entries: [unknown, unknown][] = [];
  if (Array.isArray(v)) entries = v.slice(0, HINT_LIMITS.metadataEntries).map((kv) => [(kv as { key?: unknown })?.key, (kv as { value?: unknown })?.value]);
  else if (v && typeof v === 'object') entries = Object.entries(v).slice(0, HINT_LIMITS.metadataEntries);
  for (const [k, val] of entries) {
    if (typeof k !== 'string' || k.length > HINT_LIMITS.metadataKeyLength || !META_KEY.test(k) || typeof val !== 'string') continue;
    // Own-property map: a key like `__proto__` stays data.
    Object.defineProperty(out, k, { value: truncate(val, HINT_LIMITS.metadataValueLength), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Validates a hint (docs/beacons.md): only an invalid `entity_id` rejects it (undefined); everything else is
 * repaired — long strings truncated, invalid `stable_id` / `component_id` cleared, invalid ids dropped
 * from lists and lists capped, metadata capped to its first 50 entries.
 */
export function validateHint(raw: RawHint): BeaconHint | undefined {
  if (!isValidHintId(raw.entity_id)) return undefined;
  return {
    entity_id: raw.entity_id,
    stable_id: isValidHintId(raw.stable_id) ? raw.stable_id : '',
    display_name: str(raw.display_name),
    function_ids: ids(raw.function_ids, HINT_LIMITS.functionIds),
    depends_on: ids(raw.depends_on, HINT_LIMITS.dependsOn),
    component_id: isValidHintId(raw.component_id) ? raw.component_id : '',
    transport_type: str(raw.transport_type),
    negotiated_format: str(raw.negotiated_format),
    process_id: processId(raw.process_id),
    process_name: str(raw.process_name),
    hostname: str(raw.hostname),
    metadata: metadata(raw.metadata),
  };
}
