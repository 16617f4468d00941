/**
 * /perception/obstacle_detector: a managed (lifecycle) node with the real lifecycle services. Once
 * configured it has its publisher; while active it reads /scan and publishes the nearest obstacle
 * ahead on ~/nearest_obstacle_m (std_msgs/Float64). The robot process brings it up to `active` at
 * start, as a lifecycle manager would; the gateway can take it down and up again.
 */
import { ParameterType, QOS_SENSOR_DATA, type Publisher, type RosContext, type Subscription } from '@medkit/ros2';
import { minFrontRange } from '../safety/front-sector.js';
import type { DemoNode } from './demo-node.js';
import { num } from './demo-node.js';

export function createObstacleDetector(ctx: RosContext): DemoNode & { activate(): Promise<boolean> } {
  const node = ctx.createNode('obstacle_detector', '/perception');
  node.parameters.declare('sector_deg', 90, { type: ParameterType.DOUBLE, description: 'Width of the watched sector ahead (degrees)' });
  let pub: Publisher | undefined;
  let sub: Subscription | undefined;
  const lifecycle = node.createLifecycle({
    onConfigure: () => {
      pub = node.createPublisher('~/nearest_obstacle_m', 'std_msgs/msg/Float64');
      node.logger.info('configured');
    },
    onActivate: () => {
      sub = node.createSubscription('/scan', 'sensor_msgs/msg/LaserScan', (m) => {
        pub?.publish({ data: minFrontRange(m as never, num(node, 'sector_deg')) });
      }, QOS_SENSOR_DATA);
      node.logger.info('activated: watching /scan');
    },
    onDeactivate: () => {
      sub?.close();
      sub = undefined;
      node.logger.info('deactivated');
    },
    onCleanup: () => {
      pub?.close();
      pub = undefined;
      node.logger.info('cleaned up');
    },
    onShutdown: () => {
      sub?.close();
      pub?.close();
      sub = pub = undefined;
      node.logger.info('shut down');
    },
  });

  return {
    node,
    async activate() {
      return (await lifecycle.trigger('configure')) && (await lifecycle.trigger('activate'));
    },
    close() {
      node.destroy();
    },
  };
}
