// A MedkitDiscoveryHint message → hint and the monotonic time it counts as seen (docs/beacons.md): a
// non-zero stamp is back-projected (age = wall now − stamp; seen = monotonic now − age), a stamp in the
// future counts as just received. Stamp arithmetic stays in integers of nanoseconds via BigInt.
import type { RawHint } from '../common/hint.js';

/** builtin_interfaces/Time as decoded (int32 sec, uint32 nanosec). */
interface Stamp {
  sec?: unknown;
  nanosec?: unknown;
}

function stampNs(s: Stamp | undefined): bigint {
  if (!s || typeof s !== 'object') return 0n;
  const sec = typeof s.sec === 'number' && Number.isInteger(s.sec) ? BigInt(s.sec) : typeof s.sec === 'bigint' ? s.sec : 0n;
  const ns = typeof s.nanosec === 'number' && Number.isInteger(s.nanosec) ? BigInt(s.nanosec) : typeof s.nanosec === 'bigint' ? s.nanosec : 0n;
  return sec * 1_000_000_000n + ns;
}

/** When a message with `stamp` that arrived now counts as seen, in monotonic ms. */
export function seenAt(stamp: unknown, wallNowMs: number, monoNowMs: number): number {
  const ns = stampNs(stamp as Stamp);
  if (ns === 0n) return monoNowMs;
  const ageNs = BigInt(Math.trunc(wallNowMs)) * 1_000_000n - ns;
  if (ageNs <= 0n) return monoNowMs;
  return monoNowMs - Number(ageNs / 1_000_000n);
}

/** The fields of the message as a raw hint (validation follows). */
export function rawHintOf(msg: Record<string, unknown>): RawHint {
  return {
    entity_id: msg.entity_id,
    stable_id: msg.stable_id,
    display_name: msg.display_name,
    function_ids: msg.function_ids,
    depends_on: msg.depends_on,
    component_id: msg.component_id,
    transport_type: msg.transport_type,
    negotiated_format: msg.negotiated_format,
    process_id: msg.process_id,
    process_name: msg.process_name,
    hostname: msg.hostname,
    metadata: msg.metadata,
  };
}
