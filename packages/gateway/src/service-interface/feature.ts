// The SOVD service interface (docs/service-interface.md): ROS nodes (a VDA 5050 agent, a behaviour tree,
// PlotJuggler) query entities, faults, capabilities and data over ROS services instead of HTTP, as with the
// reference's ros2_medkit_sovd_service_interface plugin. Off by default; when off, its answers and serving
// code (serve.js, answers.js) are never loaded: this file holds only the keys and the wiring.
import { fullNameProblem, TOPIC_NAME_MAX_LENGTH } from '@medkit/ros2/light';
import { bool, str, type StringCheck } from '@medkit/kit';
import type { GatewayContext, GatewayFeature } from '../feature.js';
import { DATA_SERVICE } from '../data/feature.js';
import { ENTITIES_SERVICE, ENTITY_CAPABILITIES_SERVICE } from '../entities/service.js';
import { FAULTS_SERVICE } from '../faults/gateway/service.js';
import { warning } from '@medkit/kit';
import { DATA_PROVIDERS } from '../data/providers.js';
import { contributedChain } from '../entities/provider-chain.js';
import { FAULT_PROVIDERS } from '../faults/gateway/providers.js';
import { ROS_SERVICE } from '../ros/connection.js';
import type { ServiceInterfaceNode } from './serve.js';
import { ROS_KEYS } from '../config/keys.js';

/** The longest service name below the prefix: the prefix leaves room for it. */
const LONGEST_SERVICE = '/list_entity_faults';

/** An absolute ROS name whose services (`<prefix>/list_entity_faults` the longest) are valid ROS names. */
const PREFIX_CHECK: StringCheck = {
  allowed: `an absolute ROS name such as /medkit (tokens of A-Z a-z 0-9 _, not starting with a digit), at most ${TOPIC_NAME_MAX_LENGTH - LONGEST_SERVICE.length} characters`,
  problem(prefix) {
    if (prefix === '/') return 'the root is not a prefix (name one, e.g. /medkit)';
    const problem = fullNameProblem(prefix);
    if (problem) return problem;
    if (prefix.length + LONGEST_SERVICE.length > TOPIC_NAME_MAX_LENGTH) return `${prefix}${LONGEST_SERVICE} would be longer than ${TOPIC_NAME_MAX_LENGTH} characters`;
    return undefined;
  },
};

export const SERVICE_INTERFACE_KEYS = {
  'ros.service_interface.enabled': bool(
    false,
    '[ours] Serve the SOVD service interface on the ROS graph: `<prefix>/list_entities`, `list_entity_faults`, `get_capabilities` and `get_entity_data` with the ros2_medkit_msgs types (docs/service-interface.md). Needs ros.enabled. Off: its code is not loaded.',
  ),
  'ros.service_interface.prefix': str('/medkit', '[ours] Namespace of the service interface\'s services (the reference plugin\'s service_prefix).', { check: PREFIX_CHECK }),
};

export function createServiceInterfaceFeature(): GatewayFeature {
  let served: ServiceInterfaceNode | undefined;
  let failure: string | undefined;
  const enabled = (ctx: GatewayContext) => ctx.config.read(SERVICE_INTERFACE_KEYS, 'ros.service_interface.enabled');
  const prefix = (ctx: GatewayContext) => ctx.config.read(SERVICE_INTERFACE_KEYS, 'ros.service_interface.prefix');
  return {
    name: 'service-interface',
    // Initialised after the services it answers from.
    uses: [ROS_SERVICE, ENTITIES_SERVICE, ENTITY_CAPABILITIES_SERVICE, FAULTS_SERVICE, DATA_SERVICE, DATA_PROVIDERS, FAULT_PROVIDERS],
    keys: SERVICE_INTERFACE_KEYS,
    init(ctx) {
      if (!enabled(ctx)) return;
      if (!ctx.config.read(ROS_KEYS, 'ros.enabled')) {
        throw new Error('ros.service_interface.enabled needs the ROS connection, but ros.enabled is false (--no-ros): turn one of them off');
      }
      ctx.health.add(() => (failure ? { warnings: [warning('ros_service_interface_unavailable', `the ROS service interface is not served: ${failure}`)] } : {}));
    },
    async start(ctx) {
      if (!enabled(ctx)) return;
      const ros = ctx.services.find(ROS_SERVICE);
      if (!ros) {
        failure = 'the gateway could not join the ROS domain';
        return;
      }
      const log = ctx.log.child({ component: 'service-interface' });
      const { serveServiceInterface } = await import('./serve.js');
      // Entities another provider serves (a plugin's, docs/plugins.md) answer through it, as over REST.
      const ownedFaults = contributedChain(ctx.services, FAULT_PROVIDERS);
      const ownedData = contributedChain(ctx.services, DATA_PROVIDERS);
      const capabilitiesOf = ctx.services.find(ENTITY_CAPABILITIES_SERVICE) ?? (() => []);
      try {
        served = serveServiceInterface(
          ros.node,
          prefix(ctx),
          {
            entities: () => ctx.services.find(ENTITIES_SERVICE)?.cache,
            capabilitiesOf,
            serverCapabilities: () => Object.entries(ctx.capabilities.toJSON()).filter(([, on]) => on).map(([name]) => name),
            faults: ctx.services.find(FAULTS_SERVICE),
            ownedFaults: (e) => ownedFaults.resourceFor(e),
            data: ctx.services.find(DATA_SERVICE),
            ownedData: (e) => ownedData.resourceFor(e),
          },
          { error: (m) => log.error(m) },
        );
        log.info({ services: served.names }, 'SOVD service interface serving on the ROS graph');
      } catch (err) {
        failure = (err as Error).message;
        log.error({ err }, 'the SOVD service interface could not be served on the ROS graph');
      }
    },
    stop() {
      served?.close();
    },
    summary(ctx) {
      if (!enabled(ctx)) return [];
      return [['ROS services', served ? `SOVD service interface at ${prefix(ctx)}/{list_entities,list_entity_faults,get_capabilities,get_entity_data}` : `SOVD service interface NOT served: ${failure ?? 'not started'}`]];
    },
  };
}
