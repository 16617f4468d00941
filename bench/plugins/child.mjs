// One child of the parameter-beacon benchmark: waits for `go` on stdin, then creates a context with N
// nodes. Every tenth node (global index % 10 == 9) is unresponsive: it offers list/get_parameters but
// never answers; the others declare ros2_medkit.discovery.* parameters. Prints `ready`.
// Usage: node child.mjs <domain> <nodes> <index> <observer guid prefix>
// Children drop traffic from each other (as in bench/discovery): the benchmark measures the gateway.
import { createInterface } from 'node:readline';
import { RosContext } from '../../packages/ros2/dist/index.js';

const [domain, count, index] = process.argv.slice(2, 5).map(Number);
const observer = Buffer.from(process.argv[5] ?? '', 'hex');
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
    for (let i = 0; i < count; i++) {
      const id = `n${index}_${i}`;
      const mute = (index * count + i) % 10 === 9;
      const node = ros.createNode(id, `/bench/p${index}`, { rosout: false, parameterEvents: false, parameterServices: !mute });
      if (mute) {
        const never = () => new Promise(() => {});
        node.createService(`${node.fqn}/list_parameters`, 'rcl_interfaces/srv/ListParameters', never);
        node.createService(`${node.fqn}/get_parameters`, 'rcl_interfaces/srv/GetParameters', never);
      } else {
        node.parameters.declare('ros2_medkit.discovery.entity_id', id);
        node.parameters.declare('ros2_medkit.discovery.display_name', `Bench node ${id}`);
        node.parameters.declare('ros2_medkit.discovery.function_ids', ['bench']);
        node.parameters.declare('ros2_medkit.discovery.metadata.index', String(i));
      }
    }
    process.stdout.write('ready\n');
  }
  if (l === 'stop') {
    await ros?.close();
    process.exit(0);
  }
});
