/**
 * What actions, parameters, lifecycle, the logger and node-scoped service helpers need from the
 * node that owns them: the node's factories for topics and services. {@link RosNode} implements it;
 * depending on this seam instead of RosNode keeps those modules out of an import circle with node.ts.
 */
import type { EndpointHost } from './endpoint-host.js';
import type { QosInput } from './qos-profiles.js';
import type { ServiceClient, ServiceClientOptions } from '../services/service-client.js';
import type { ServiceHandler, ServiceServer, ServiceServerOptions } from '../services/service-server.js';
import type { Publisher } from '../topics/publisher.js';
import type { MessageCallback, Subscription, SubscriptionOptions } from '../topics/subscription.js';

export interface NodeHost extends EndpointHost {
  /** Publishes `type` messages on `topic` (relative names resolve against the node). */
  createPublisher(topic: string, type: string, qos?: QosInput): Publisher;
  /** Subscribes to `topic` (`qos: 'auto'` matches the publishers known now). */
  createSubscription(topic: string, type: string, callback: MessageCallback, qos?: QosInput | 'auto', opts?: SubscriptionOptions): Subscription;
  /** A client of `service` (type `pkg/srv/X`). */
  createClient(service: string, type: string, opts?: ServiceClientOptions): ServiceClient;
  /** Serves `service`. */
  createService(service: string, type: string, handler: ServiceHandler, opts?: ServiceServerOptions): ServiceServer;
}
