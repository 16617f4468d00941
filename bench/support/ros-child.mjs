// The child-process side shared by ROS benchmarks: prints `loaded`, waits for `go` on stdin, creates a
// loopback context that drops traffic from every participant but the observer (the benchmark measures
// the observer; on a 2-core machine children discovering each other would only measure CPU starvation),
// lets `populate(ros)` create the nodes, prints `ready`; `stop` closes and exits; other lines go to
// `onLine`. The parent going away ends the child.
import { createInterface } from 'node:readline';
import { RosContext } from '@medkit/ros2';

export function runBenchChild({ domain, observerHex, populate, onLine }) {
  const observer = Buffer.from(observerHex ?? '', 'hex');
  process.stdout.write('loaded\n');
  let ros;
  const input = createInterface({ input: process.stdin });
  input.on('close', () => process.exit(0));
  input.on('line', async (l) => {
    if (l === 'go' && !ros) {
      ros = await RosContext.create({
        domainId: domain,
        localhostOnly: true,
        rtps: { peerIndexCount: 64, maxParticipantIndex: 119, packetFilter: { incoming: (d) => observer.length !== 12 || d.subarray(8, 20).equals(observer) } },
      });
      populate(ros);
      process.stdout.write('ready\n');
    } else if (l === 'stop') {
      await ros?.close();
      process.exit(0);
    } else onLine?.(l);
  });
}
