// The SOVD service interface on the ROS graph (docs/service-interface.md): `<prefix>/list_entities`,
// `<prefix>/list_entity_faults`, `<prefix>/get_capabilities` and `<prefix>/get_entity_data` with the
// ros2_medkit_msgs types, served by the gateway's own node through @medkit/ros2 (both vendors' request-id
// conventions). Loaded only when ros.service_interface.enabled is on.
import type { RosNode, ServiceServer, ServiceServerStats } from '@medkit/ros2';
import { getCapabilities, getEntityData, listEntities, listEntityFaults, type ServiceInterfaceSources } from './answers.js';

/** GetEntityData requests answered at once; more are answered "busy" (each may wait for cold topics). */
export const MAX_DATA_REQUESTS_IN_FLIGHT = 4;

type Answer = Record<string, unknown>;

/** What a failed answer of GetEntityData carries besides success and error_message: data_json stays JSON. */
const NO_DATA = { data_json: '{}' };

/** The four services: name below the prefix, ros2_medkit_msgs service type, answer, fields of a failed answer. */
function services(src: ServiceInterfaceSources, signal: AbortSignal): [string, string, (req: Answer) => Answer | Promise<Answer>, Answer][] {
  let dataInFlight = 0;
  return [
    ['list_entities', 'ListEntities', (req) => listEntities(src, req), {}],
    ['list_entity_faults', 'ListFaultsForEntity', (req) => listEntityFaults(src, req), {}],
    ['get_capabilities', 'GetCapabilities', (req) => getCapabilities(src, req), {}],
    [
      'get_entity_data',
      'GetEntityData',
      async (req) => {
        if (dataInFlight >= MAX_DATA_REQUESTS_IN_FLIGHT) {
          return { success: false, error_message: `busy: ${dataInFlight} GetEntityData requests are being answered; retry later`, ...NO_DATA };
        }
        dataInFlight++;
        try {
          return await getEntityData(src, req, signal);
        } finally {
          dataInFlight--;
        }
      },
      NO_DATA,
    ],
  ];
}

export interface ServiceInterfaceNode {
  /** The full service names served. */
  readonly names: string[];
  /** Counters of each server, by service name. */
  stats(): Record<string, ServiceServerStats>;
  close(): void;
}

/** Serves the interface on `node` under `prefix` (a valid absolute ROS name, checked by the config key). */
export function serveServiceInterface(node: RosNode, prefix: string, src: ServiceInterfaceSources, log: { error(msg: string): void }): ServiceInterfaceNode {
  const closing = new AbortController();
  const servers: ServiceServer[] = [];
  try {
    for (const [name, type, answer, failed] of services(src, closing.signal)) {
      const service = `${prefix}/${name}`;
      servers.push(
        node.createService(
          service,
          `ros2_medkit_msgs/srv/${type}`,
          async (req) => {
            try {
              return await answer(req);
            } catch (err) {
              // The answers do not throw on anything a client sends; this is a bug, still answered.
              log.error(`service interface ${service} failed: ${(err as Error).message}`);
              return { success: false, error_message: `internal error: ${(err as Error).message}`, ...failed };
            }
          },
          // A request that does not decode (another layout, a truncated payload) is told so.
          { badRequestResponse: (reason) => ({ success: false, error_message: `malformed ${type} request: ${reason}`, ...failed }) },
        ),
      );
    }
  } catch (err) {
    for (const s of servers) s.close();
    throw err;
  }
  return {
    names: servers.map((s) => s.service),
    stats: () => Object.fromEntries(servers.map((s) => [s.service, { ...s.stats }])),
    close() {
      closing.abort();
      for (const s of servers) s.close();
    },
  };
}
