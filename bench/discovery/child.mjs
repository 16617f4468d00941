// One child of the discovery benchmark: on `go`, a context with N nodes (each with /rosout,
// /parameter_events, the six parameter services and one topic publisher, like an rclcpp node);
// `cpu` prints its CPU time.
// Usage: node child.mjs <domain> <nodes> <index> <observer guid prefix>
import { runBenchChild } from '../support/ros-child.mjs';

const [domain, count, index] = process.argv.slice(2, 5).map(Number);
runBenchChild({
  domain,
  observerHex: process.argv[5],
  populate: (ros) => {
    for (let i = 0; i < count; i++) ros.createNode(`n${index}_${i}`, `/bench/p${index}`).createPublisher('state', 'std_msgs/msg/String');
  },
  onLine: (l) => {
    if (l !== 'cpu') return;
    const u = process.cpuUsage();
    process.stdout.write(`cpu ${Math.round((u.user + u.system) / 1000)}\n`);
  },
});
