/**
 * The safety island's ROS side: the safety gate on the island's own ROS domain, and the I/O link
 * that relays the robot's /scan and /cmd_vel in and the safe velocity out. Started by the launcher;
 * runnable on its own:
 *   node packages/demo/dist/island-process.js --domain 77 --island-domain 78
 */
import { RosContext } from '@medkit/ros2';
import { createIslandLink } from './nodes/island-link.js';
import { createSafetyGate } from './nodes/safety-gate.js';
import { parseNodeProcessArgs } from './process/args.js';
import { announceAndWait } from './process/run.js';
import { processSecurity } from './process/security.js';
import { applyRemaps } from './process/ros-args.js';
import { SimClock } from './sim/sim-clock.js';

async function main(): Promise<void> {
  const args = parseNodeProcessArgs(process.argv.slice(2));
  // SROS2 (the launcher's --secure): the island's enclave is granted both domains.
  const security = await processSecurity('safety-island');
  const robot = applyRemaps(await RosContext.create({ domainId: args.domain, localhostOnly: true, security }), args.remap);
  // The gate and the link's island side need separate participants: @medkit/ros2 does not deliver
  // between endpoints of the same participant.
  const islandLink = applyRemaps(await RosContext.create({ domainId: args.islandDomain, localhostOnly: true, security }), args.remap);
  const gate = applyRemaps(await RosContext.create({ domainId: args.islandDomain, localhostOnly: true, security }), args.remap);
  const nodes = [createSafetyGate(gate), createIslandLink(robot, islandLink)];
  announceAndWait('safety-island', { contexts: [robot, islandLink, gate], nodes, clock: new SimClock(args.speed) });
}

main().catch((err) => {
  console.error(`safety-island: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
