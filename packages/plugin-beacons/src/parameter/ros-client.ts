// The parameter client factory on the live ROS graph: one @medkit/ros2 ParameterClient per node FQN,
// hanging off the beacon's private helper node. A read lists the names under the prefix and gets their
// values, both inside one deadline (`param_timeout_sec`), so a node that never answers costs at most that.
// Services not ready by the deadline are told apart (ParamServicesNotReadyError): nothing was asked of the node.
import { RosUnavailableError, type RosNode } from '@medkit/ros2';
import { ParamServicesNotReadyError, type ParamClientFactory } from './poller.js';

/** [ours] At most this many parameter names are read per node (12 fields + 50 metadata entries fit easily). */
export const MAX_PARAMETER_NAMES = 200;

export function rosParamClientFactory(node: RosNode): ParamClientFactory {
  return (fqn) => {
    const client = node.parameterClient(fqn);
    return {
      async read(prefix, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        try {
          await client.waitForReadServices({ timeoutMs });
        } catch (err) {
          if (err instanceof RosUnavailableError) throw new ParamServicesNotReadyError(`parameters of ${fqn}: ${err.message}`);
          throw err;
        }
        // The budget, not the time left, names the deadline in a timeout's message (param_timeout_sec).
        const listed = await client.list([prefix], 0, { timeoutMs: Math.max(0, deadline - Date.now()), budgetMs: timeoutMs });
        const names = (listed.names ?? []).filter((n) => typeof n === 'string' && n.startsWith(`${prefix}.`)).slice(0, MAX_PARAMETER_NAMES);
        if (names.length === 0) return [];
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`parameters of ${fqn}: no time left for get_parameters within ${timeoutMs} ms`);
        return client.get(names, { timeoutMs: left, budgetMs: timeoutMs });
      },
      close: () => client.close(),
    };
  };
}
