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
  // A DDS peer stopped (SIGSTOP) past its lease and continued must be re-learned; beside other files on a 2-core box
  // the woken peer and we starve, and re-learning its endpoints and history then sometimes takes longer than the
  // test's 45 s deadlines (2026-11-29: both failed in a full run at load 3; a gap of issue 66 still open).
  'packages/rtps/test/interop-cyclone.test.ts',
  'packages/rtps/test/interop-fastdds.test.ts',
];
