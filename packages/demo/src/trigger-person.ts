/**
 * Calls the scenario's /demo/trigger_person once and prints the answer: what the managed script
 * `inject-protective-stop` runs. Joins ROS_DOMAIN_ID on loopback only, secured when ROS_SECURITY_* say so.
 *   ROS_DOMAIN_ID=77 node packages/demo/dist/trigger-person.js
 */
import { RosContext } from '@medkit/ros2';
import { TRIGGER_SERVICE } from './nodes/scenario.js';
import { processSecurity } from './process/security.js';

async function main(): Promise<number> {
  const security = await processSecurity('trigger-person');
  const ctx = await RosContext.create({ domainId: Number(process.env.ROS_DOMAIN_ID ?? 0), localhostOnly: true, security });
  try {
    const node = ctx.createNode(`_trigger_person_${process.pid}`, '/', { rosout: false, parameterServices: false, parameterEvents: false });
    // Secured, this fresh participant first authenticates with each of the robot's participants and gets the crypto
    // tokens of the service's endpoints: on a loaded machine that alone can take more than 10 s.
    const res = (await node.createClient(TRIGGER_SERVICE, 'std_srvs/srv/Trigger').call({}, { timeoutMs: security ? 30_000 : 10_000 })) as { success: boolean; message: string };
    console.log(`MEDKIT_PROGRESS 100 ${res.success ? 'done' : 'refused'}`);
    console.log(res.message);
    return res.success ? 0 : 1;
  } finally {
    await ctx.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`trigger-person: ${(err as Error).message}`);
    process.exit(1);
  },
);
