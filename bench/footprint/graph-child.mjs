// One process of the "nav2" graph of bench/footprint (nav2.mjs): on `go`, creates the nodes of a JSON
// spec file (all in one participant, like a component container). Same protocol as bench/discovery/child.mjs
// (bench/support/ros-child.mjs: `loaded`, `go` → `ready`, `stop`; only the observer's packets are read).
// Usage: node graph-child.mjs <domain> <spec.json> <observer guid prefix>
import { readFileSync } from 'node:fs';
import { runBenchChild } from '../support/ros-child.mjs';

const [domain, specFile, observerHex] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specFile, 'utf8'));
runBenchChild({
  domain: Number(domain),
  observerHex,
  populate: (ros) => {
    for (const n of spec) {
      const node = ros.createNode(n.name, '/');
      if (n.lifecycle) node.createLifecycle();
      for (const t of n.pubs) node.createPublisher(t, 'std_msgs/msg/String');
      for (const t of n.subs) node.createSubscription(t, 'std_msgs/msg/String', () => undefined);
      for (const s of n.services) node.createService(s, 'std_srvs/srv/Trigger', () => ({ success: true, message: '' }));
      for (const a of n.actions) node.createActionServer(a, 'nav2_msgs/action/NavigateToPose', { execute: () => ({}) });
    }
  },
});
