/** What client and server of a service share: resolved name, checked type, QoS, DDS topics and types. */
import type { QoS } from '@medkit/rtps';
import { normalizeRosTypeName, rosTypeToDds, serviceToDds } from '../names/index.js';
import type { EndpointHost } from '../client/endpoint-host.js';
import { QOS_SERVICES_DEFAULT, resolveProfile, type QosInput } from '../client/qos-profiles.js';

interface ServiceWiring {
  /** Fully qualified service name. */
  service: string;
  /** `pkg/srv/X` (or an action's `pkg/action/X_SendGoal`). */
  type: string;
  qos: QoS;
  request: { topic: string; typeName: string };
  reply: { topic: string; typeName: string };
}

/** Resolves and checks a service's name and type (throws UnknownTypeError for unknown types). */
export function serviceWiring(host: EndpointHost, service: string, type: string, qos: QosInput | undefined): ServiceWiring {
  const name = host.resolveName(service);
  const t = normalizeRosTypeName(type);
  if (!t) throw new Error(`'${type}' is not a service type name`);
  host.types.requireMessage(`${t}_Request`);
  host.types.requireMessage(`${t}_Response`);
  const topics = serviceToDds(name);
  return {
    service: name,
    type: t,
    qos: resolveProfile(qos, QOS_SERVICES_DEFAULT),
    request: { topic: topics.request, typeName: rosTypeToDds(`${t}_Request`) },
    reply: { topic: topics.reply, typeName: rosTypeToDds(`${t}_Response`) },
  };
}
