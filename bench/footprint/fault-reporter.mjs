// Fault report load of bench/footprint, in its own process: a node calling <fault manager>/report_fault
// (ros2_medkit_msgs/srv/ReportFault) exactly as a robot's reporter does. Prints `ready` once the service is
// ready; on `go` reports at <rate>/s for <seconds> s (100 fault codes, 4 sources, not awaiting each reply,
// at most 500 in flight), then prints {"sent","accepted","rejected","failed"} as JSON.
// Usage: node fault-reporter.mjs <domain> <rate> <seconds> [gateway guid prefix: read only its packets]
import { createInterface } from 'node:readline';
import { RosContext } from '@medkit/ros2';

const [domain, rate, seconds] = process.argv.slice(2, 5).map(Number);
const only = Buffer.from(process.argv[5] ?? '', 'hex');
const SOURCES = ['/base/battery_monitor', '/base/motor_driver', '/sensors/lidar_driver', '/navigation/planner_server'];
const ros = await RosContext.create({
  domainId: domain,
  localhostOnly: true,
  rtps: { peerIndexCount: 64, packetFilter: { incoming: (d) => only.length !== 12 || d.subarray(8, 20).equals(only) } },
});
const node = ros.createNode('footprint_fault_reporter', '/bench');
const client = node.createClient('/fault_manager/report_fault', 'ros2_medkit_msgs/srv/ReportFault');
await client.waitForService({ timeoutMs: 60_000 });
process.stdout.write('ready\n');

const n = { sent: 0, accepted: 0, rejected: 0, failed: 0 };
let inFlight = 0;
createInterface({ input: process.stdin }).on('line', (l) => {
  if (l !== 'go') return;
  const t0 = performance.now();
  const timer = setInterval(() => {
    const elapsed = (performance.now() - t0) / 1000;
    const due = Math.min(rate * seconds, Math.floor(elapsed * rate));
    while (n.sent < due && inFlight < 500) {
      const i = n.sent++;
      inFlight++;
      client
        .call({ fault_code: `FOOTPRINT_${i % 100}`, event_type: 0, severity: 2, description: `footprint report ${i}`, source_id: SOURCES[i % SOURCES.length] }, { timeoutMs: 5000 })
        .then((r) => (r.accepted ? n.accepted++ : n.rejected++), () => n.failed++)
        .finally(() => inFlight--);
    }
    if (elapsed >= seconds) {
      clearInterval(timer);
      const wait = setInterval(() => {
        if (inFlight > 0 && performance.now() - t0 < (seconds + 6) * 1000) return;
        clearInterval(wait);
        process.stdout.write(`${JSON.stringify(n)}\n`);
        void ros.close().then(() => process.exit(0));
      }, 50);
    }
  }, 20);
});
