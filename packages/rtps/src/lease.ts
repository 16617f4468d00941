// Participant leases: a remote participant that sent nothing for its lease duration is gone.

import type { RemoteParticipant } from './remote-entities.js';

/**
 * Lease duration in ms, clamped to 1 s .. `maxSec` (default 1 day; infinite or NaN leases get the
 * maximum). A spoofed participant must not stay for the 68 years a lease of 0x7fffffff s says.
 */
export function leaseMs(seconds: number, maxSec = 86_400): number {
  const max = Math.round(Math.min(86_400, Math.max(1, maxSec)) * 1000);
  if (!Number.isFinite(seconds)) return max;
  return Math.min(max, Math.max(1000, Math.round(seconds * 1000)));
}

/** Prefixes of the participants whose lease ran out at `now`. */
export function expiredParticipants(all: Iterable<RemoteParticipant>, now: number): string[] {
  const out: string[] = [];
  for (const p of all) if (now - p.lastSeen > p.leaseMs) out.push(p.prefixHex);
  return out;
}

/** How often we re-announce ourselves for a given lease: a third of it, at most 5 s. */
export function announcePeriodMs(leaseSec: number): number {
  return Math.max(200, Math.min(5000, Math.round((leaseSec * 1000) / 3)));
}

/**
 * How often we assert our automatic liveliness: with each announcement, and often enough for the shortest finite
 * liveliness lease of our AUTOMATIC writers (a third of it, at least every 200 ms).
 */
export function livelinessPeriodMs(participantLeaseSec: number, writerLeasesSec: Iterable<number>): number {
  let period = announcePeriodMs(participantLeaseSec);
  for (const sec of writerLeasesSec) if (Number.isFinite(sec) && sec > 0) period = Math.min(period, Math.max(200, Math.round((sec * 1000) / 3)));
  return period;
}
