/**
 * Our side of runtime type lookup: a node's `~/get_type_description` (Jazzy+, docs/ros2.md)
 * answered from the type registry, so other nodes (and other medkit processes) can learn types
 * only we know.
 */
import { TYPE_DESCRIPTION_SERVICE } from '../names/index.js';
import type { TypeRegistry } from '../types/index.js';
import type { NodeHost } from './node-host.js';
import type { ServiceServer } from '../services/service-server.js';

/** Serves `<node>/get_type_description` from `types`. */
export function serveTypeDescription(node: NodeHost, types: TypeRegistry): ServiceServer {
  return node.createService(`~/${TYPE_DESCRIPTION_SERVICE.suffix}`, TYPE_DESCRIPTION_SERVICE.type, (r) => {
    const name = String(r.type_name);
    if (!types.message(name)) return { successful: false, failure_reason: `type '${name}' is not known to this node` };
    return { successful: true, failure_reason: '', type_description: types.typeDescription(name), type_sources: [], extra_information: [] };
  });
}
