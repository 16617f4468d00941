// Orderings and eviction choices shared by both storage backends, so they cannot drift apart (docs/faults.md).
import type { RosbagLink, SnapshotRow } from './repository.js';

/** capture_id desc, then captured_at desc (docs/faults.md). */
export function newestCaptureFirst(a: SnapshotRow, b: SnapshotRow): number {
  if (a.capture_id !== b.capture_id) return b.capture_id - a.capture_id;
  return a.captured_at_ns === b.captured_at_ns ? 0 : a.captured_at_ns < b.captured_at_ns ? 1 : -1;
}

/** created_at desc, ties by insertion id desc (docs/faults.md). */
export function newestLinkFirst(a: RosbagLink, b: RosbagLink): number {
  if (a.created_at_ns !== b.created_at_ns) return a.created_at_ns < b.created_at_ns ? 1 : -1;
  return (b.id ?? 0) - (a.id ?? 0);
}

/**
 * Capture ids to evict so that at most `maxRows` rows remain, removing whole oldest sets but never the
 * newest set (a frame is never torn, docs/faults.md). `captureIds` has one entry per row.
 */
export function setsToEvict(captureIds: readonly number[], maxRows: number): number[] {
  if (maxRows <= 0) return [];
  const sizes = new Map<number, number>();
  for (const id of captureIds) sizes.set(id, (sizes.get(id) ?? 0) + 1);
  const ids = [...sizes.keys()].sort((a, b) => a - b);
  let total = captureIds.length;
  const evict: number[] = [];
  for (const id of ids.slice(0, -1)) {
    if (total <= maxRows) break;
    evict.push(id);
    total -= sizes.get(id) ?? 0;
  }
  return evict;
}
