// The communication-logs feature (docs/sovd-resources.md [ours]): logs of the DDS traffic the
// gateway sees for an entity, and their routes.
import type { GatewayFeature } from '../feature.js';
import { ROS_SERVICE } from '../ros/connection.js';
import { DATA_SERVICE } from '../data/feature.js';
import { membersVia } from '../ros/members.js';
import { CommunicationLogs } from './recorder.js';
import { rosTrafficSource } from './ros-source.js';
import { loadedRoutes } from '@medkit/server';

export function createCommunicationLogsFeature(): GatewayFeature {
  const logs = new CommunicationLogs();
  return {
    name: 'communication-logs',
    uses: [ROS_SERVICE, DATA_SERVICE],
    routes(ctx) {
      const members = membersVia(ctx);
      return loadedRoutes(() => import('./routes.js'), (m) => m.registerCommunicationLogRoutes({
        logs,
        source: (entity) => rosTrafficSource({ graph: ctx.services.find(ROS_SERVICE)?.graph, data: ctx.services.find(DATA_SERVICE), members }, entity),
        }),
      );
    },
    stop() {
      logs.close();
    },
  };
}
