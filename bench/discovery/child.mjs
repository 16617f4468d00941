// One child of the discovery benchmark: loads @medkit/ros2, waits for `go` on stdin, then creates
// a context with N nodes (each with /rosout, /parameter_events, the six parameter services and one
// topic publisher, like an rclcpp node) and prints `ready`.
// Usage: node child.mjs <domain> <nodes> <index> <observer guid prefix>
// Children drop traffic from each other: the benchmark measures the observer, and on a 2-core
// machine forty Node processes discovering each other (N² work) would only measure CPU starvation.
import { createInterface } from 'node:readline';
import { RosContext } from '../../packages/ros2/dist/index.js';

const [domain, count, index] = process.argv.slice(2, 5).map(Number);
const observer = Buffer.from(process.argv[5] ?? '', 'hex');
process.stdout.write('loaded\n');
let ros;
const input = createInterface({ input: process.stdin });
// The parent went away (crash, kill): do not linger on the domain.
input.on('close', () => process.exit(0));
input.on('line', async (l) => {
  if (l === 'go' && !ros) {
    ros = await RosContext.create({
      domainId: domain,
      localhostOnly: true,
      rtps: {
        peerIndexCount: 64,
        maxParticipantIndex: 119,
        packetFilter: { incoming: (d) => observer.length !== 12 || d.subarray(8, 20).equals(observer) },
      },
    });
    for (let i = 0; i < count; i++) ros.createNode(`n${index}_${i}`, `/bench/p${index}`).createPublisher('state', 'std_msgs/msg/String');
    process.stdout.write('ready\n');
  }
  if (l === 'cpu') {
    const u = process.cpuUsage();
    process.stdout.write(`cpu ${Math.round((u.user + u.system) / 1000)}\n`);
  }
  if (l === 'stop') {
    await ros?.close();
    process.exit(0);
  }
});
