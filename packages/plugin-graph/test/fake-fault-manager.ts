// A fault manager for unit tests of the watchdog: records every report and, like one with healing_threshold 0,
// confirms a code on FAILED and heals it on PASSED, so the watchdog's `failingCodes` sees what it raised.
import type { WatchdogReport } from '../src/watchdog/watchdog.js';

export function fakeFaultManager() {
  const reports: WatchdogReport[] = [];
  const failing = new Set<string>();
  return {
    reports,
    failing,
    report: (r: WatchdogReport): boolean => {
      reports.push(r);
      if (r.passed) failing.delete(r.code);
      else failing.add(r.code);
      return true;
    },
    failingCodes: (): Set<string> => new Set(failing),
  };
}
