// Participant leases: a remote participant that sent nothing for its lease duration is gone.

import type { RemoteParticipant } from './remote-entities.js';

/** Lease duration in ms, clamped to sane bounds (1 s .. 1 day; infinite leases become a day). */
export function leaseMs(seconds: number): number {
  if (!Number.isFinite(seconds)) return 86_400_000;
  return Math.min(86_400_000, Math.max(1000, Math.round(seconds * 1000)));
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
