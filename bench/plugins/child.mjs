// One child of the parameter-beacon benchmark: N nodes; every tenth node (global index % 10 == 9) is
// unresponsive: it offers list/get_parameters but never answers; the others declare
// ros2_medkit.discovery.* parameters.
// Usage: node child.mjs <domain> <nodes> <index> <observer guid prefix>
import { runBenchChild } from '../support/ros-child.mjs';

const [domain, count, index] = process.argv.slice(2, 5).map(Number);
runBenchChild({
  domain,
  observerHex: process.argv[5],
  populate: (ros) => {
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
  },
});
