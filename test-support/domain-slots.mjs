// The ROS domain layout of a test run, and how `npm test` picks its base (scripts/test.mjs).
// Plain JS so the test runner script (Node, no TypeScript) and the tests (test-support/domains.ts)
// share one definition.
//
// A run uses the domains base .. base + DOMAIN_SPAN - 1. Runs on one machine are isolated when
// their ranges do not overlap, so the id space (0..230) holds SLOT_BASES.length concurrent runs.
// Each `npm test` takes a free slot with a lock file holding its pid; a slot whose holder died is
// free again.
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Highest ROS domain id a test may use: the port formula 7400 + 250 * d leaves the 16-bit range past 232, and
 * Cyclone DDS 0.10's governance parser refuses ids above 230 (a secured Cyclone peer on 231 does not start).
 */
export const MAX_DOMAIN = 230;
/** Offsets 0..SUITE_OFFSETS-1 belong to the suite's test files (table in domains.ts). */
export const SUITE_OFFSETS = 60;
/** Offsets RESERVED_FIRST..RESERVED_FIRST+RESERVED_COUNT-1 were handed out for new tests; they map after the suite's. */
export const RESERVED_FIRST = 180;
export const RESERVED_COUNT = 55;
/** Domains one run occupies. */
export const DOMAIN_SPAN = SUITE_OFFSETS + RESERVED_COUNT;
/** Highest base that keeps a run inside the valid ids. */
export const MAX_BASE = MAX_DOMAIN + 1 - DOMAIN_SPAN;
/**
 * Bases `npm test` takes, in order of preference. The first does not overlap base 0, which a
 * plain `npx vitest run` uses (no MEDKIT_TEST_DOMAIN_BASE), so a full run and a developer's
 * single-file runs do not meet either.
 */
export const SLOT_BASES = [DOMAIN_SPAN, 0];

/** The directory of the slot lock files (one per slot, content: the holder's pid). */
export function slotDir() {
  return join(tmpdir(), 'medkit-test-domains');
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Takes a free slot now, or returns null with the pids holding them.
 * @returns {{ base: number, slot: number, lockFile: string, release(): void } | { busy: number[] }}
 */
export function tryAcquireDomainSlot(dir = slotDir(), pid = process.pid) {
  mkdirSync(dir, { recursive: true });
  const busy = [];
  for (let slot = 0; slot < SLOT_BASES.length; slot++) {
    const lockFile = join(dir, `slot-${slot}.pid`);
    for (let attempt = 0; attempt < 2; attempt++) {
      // link() publishes the lock with its content in one step: nobody reads a half-written pid.
      const staged = `${lockFile}.${pid}`;
      writeFileSync(staged, String(pid));
      try {
        linkSync(staged, lockFile);
        const release = () => {
          try {
            if (readFileSync(lockFile, 'utf8') === String(pid)) unlinkSync(lockFile);
          } catch {
            // already gone
          }
        };
        return { base: SLOT_BASES[slot], slot, lockFile, release };
      } catch (err) {
        if (err.code !== 'EEXIST') throw err;
      } finally {
        unlinkSync(staged);
      }
      let holder = NaN;
      try {
        holder = Number(readFileSync(lockFile, 'utf8'));
      } catch {
        continue; // removed between open and read: try again
      }
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        busy.push(holder);
        break;
      }
      // A dead holder: the slot is free again.
      try {
        unlinkSync(lockFile);
      } catch {
        // someone else cleaned it up first
      }
    }
  }
  return { busy };
}
