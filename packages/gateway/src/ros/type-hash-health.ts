// /health's `ros_type_hash_mismatch` warning: a peer announces (USER_DATA `typehash=`) another RIHS01
// hash than ours for a type the gateway decodes, i.e. the robot was built with another definition under
// the same type name; its samples would decode wrongly or not at all (docs/ros2.md "Type hashes").
import { warning, type HealthContribution } from '@medkit/kit';
import type { RosGraph, TypeRegistry } from '@medkit/ros2';

/** Topics named in the warning's message at most; the rest are counted. */
const NAMED_IN_MESSAGE = 3;

/** The warning, naming the peers' nodes; nothing when every hash agrees. */
export function typeHashHealth(graph: RosGraph, types: TypeRegistry): HealthContribution {
  const check = graph.typeHashMismatches((t) => (types.has(t) ? types.typeHash(t) : undefined));
  if (check.mismatches.length === 0) return {};
  const named = check.mismatches.slice(0, NAMED_IN_MESSAGE).map((m) => `${m.topic} (${m.type}: peer ${m.announced}, ours ${m.ours})`);
  const rest = check.mismatches.length - named.length;
  const more = rest > 0 || check.more > 0 ? ` and ${rest > 0 ? `${rest} more` : ''}${check.more > 0 ? `${rest > 0 ? ', and ' : ''}others not listed` : ''}` : '';
  const message =
    `Peers use another definition than the gateway for ${named.join('; ')}${more}. ` +
    "Their samples are not decoded reliably: give the gateway the robot's interface packages (AMENT_PREFIX_PATH).";
  const nodes = [...new Set(check.mismatches.flatMap((m) => m.nodes))];
  return {
    warnings: [warning('ros_type_hash_mismatch', message, { ros_node_fqns: nodes })],
  };
}
