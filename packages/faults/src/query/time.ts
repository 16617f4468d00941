// Time formats of the REST projection (docs/faults.md, docs/api.md).

/** ISO-8601 UTC with milliseconds from epoch nanoseconds; '' for 0 (unknown). */
export function isoFromNs(ns: bigint): string {
  if (ns <= 0n) return '';
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** Float seconds since the epoch (list items, SSE `timestamp`). */
export function secondsFromNs(ns: bigint): number {
  return Number(ns / 1000n) / 1e6;
}
