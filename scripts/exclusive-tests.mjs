// The test files that run alone, one at a time, after the rest (scripts/test.mjs says why for each). Plain JS so
// the runner and the domain-layout test (test/test-domains.test.ts: two of these may share ROS domains, since they
// never run together) read one list.
export const EXCLUSIVE = [
  'packages/gateway/test/ros/rtps-fuzz.test.ts',
  'packages/web/test/ui-demo.test.ts',
  'packages/demo/test/fleet-mode.test.ts',
  'packages/demo/test/scenario-secure-e2e.test.ts',
  // It loads the box with two busy loops on purpose (issue 67): beside other files it would slow them all.
  'packages/web/test/ui-stale-tabs.test.ts',
  // Their SIGSTOP case (issue 66: a peer stopped past its lease is seen again, with its history) failed once in the
  // parallel pass of a whole-suite run (the Cyclone peer's history did not come back within 45 s), never alone.
  'packages/rtps/test/interop-cyclone.test.ts',
  'packages/rtps/test/interop-fastdds.test.ts',
];

/**
 * Of EXCLUSIVE, the files that run after the others in a pass of their own, two at a time: beside each other only. Both
 * spend most of their time waiting for their peers' leases (a SIGKILLed peer: 10 and 20 s) with little CPU, so run
 * alone each left the second core idle (some 25 s of every run); what failed once was their SIGSTOP case beside the
 * parallel pass's CPU-heavy files. Their ROS domains must differ (test/test-domains.test.ts checks).
 */
export const PAIRED = ['packages/rtps/test/interop-cyclone.test.ts', 'packages/rtps/test/interop-fastdds.test.ts'];
