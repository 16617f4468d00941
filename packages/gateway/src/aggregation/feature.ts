// The aggregation feature (docs/aggregation.md): peers from the configuration, their entities
// merged into discovery, requests for peer-owned entities forwarded, collections fanned out, peer fault
// events relayed, robot-wide fault reads by code answered from peers. Off (and invisible) unless
// `aggregation.enabled`.
import type { GatewayFeature } from '../feature.js';
import { ENTITIES_SERVICE } from '../entities/service.js';
import { AGGREGATION_KEYS, readAggregationSettings } from './config.js';
import { PEER_FAULT_EVENTS_SERVICE, type FaultEventSink } from '../faults/gateway/peer-events.js';
import { createPeerFaultLookup } from './fault-lookup.js';
import { PEER_FAULT_LOOKUP_SERVICE } from '../faults/gateway/peer-lookup.js';
import { AggregationService, type MergeHost } from './service.js';
import { startPeerDiscovery, type PeerDiscovery } from './mdns/peer-discovery.js';
import { token, type Token, loadedRoutes } from '@medkit/server';

/** Service name of the {@link AggregationService}. */
export const AGGREGATION_SERVICE: Token<AggregationService> = token('aggregation');
/** Optional service another feature may publish to receive relayed peer fault events pushed to it. */
export const PEER_FAULT_SINK_SERVICE: Token<FaultEventSink> = token('faults.peer-event-sink');

export function createAggregationFeature(): GatewayFeature {
  let svc: AggregationService | undefined;
  let mdns: Promise<PeerDiscovery | undefined> | undefined;
  let firstRound: Promise<void> | undefined;
  return {
    name: 'aggregation',
    provides: [AGGREGATION_SERVICE, PEER_FAULT_EVENTS_SERVICE, PEER_FAULT_LOOKUP_SERVICE],
    uses: [ENTITIES_SERVICE, PEER_FAULT_SINK_SERVICE],
    // Its forwarding hooks must see a request for a peer-owned entity before any resource handler.
    routePhase: 'intercept',
    keys: AGGREGATION_KEYS,
    init(ctx) {
      const log = ctx.log.child({ component: 'aggregation' });
      const settings = readAggregationSettings(ctx.config, (m) => log.warn(m));
      if (!settings.enabled) return;
      svc = new AggregationService(settings, { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) });
      const service = svc;
      ctx.capabilities.set('aggregation');
      ctx.services.provide(AGGREGATION_SERVICE, service);
      ctx.services.provide(PEER_FAULT_EVENTS_SERVICE, service.faultEvents);
      // Robot-wide fault reads by code ask the peers for faults this gateway does not hold.
      ctx.services.provide(PEER_FAULT_LOOKUP_SERVICE, createPeerFaultLookup(service));
      const entities: MergeHost | undefined = ctx.services.find(ENTITIES_SERVICE);
      if (entities) service.attach(entities);
      else log.warn('aggregation runs without the entities feature: peer entities are not merged, only global lists fan out');
      ctx.health.add(() => service.health());
      // Handlers that resolve a peer-owned entity themselves get the same 504 as forwarded requests.
      ctx.resolver.setOwnerCheck((type, entity) => {
        const r = service.route(type, entity.id);
        if (r) service.onlinePeer(r, entity.id);
      });
    },
    routes: () => {
      const s = svc;
      return s ? loadedRoutes(() => import('./routes.js'), (m) => m.registerAggregationHooks(s)) : () => undefined;
    },
    start(ctx) {
      // Not awaited: start-up never waits for peers (the first round finishes in the background).
      firstRound = svc?.start(ctx.services.find(PEER_FAULT_SINK_SERVICE)).catch((err: unknown) => ctx.log.error({ err }, 'aggregation could not start'));
      const s = svc;
      if (s && (s.settings.announce || s.settings.discover)) {
        const log = ctx.log.child({ component: 'aggregation.mdns' });
        mdns = startPeerDiscovery(s, {
          announce: s.settings.announce,
          discover: s.settings.discover,
          service: s.settings.mdnsService,
          name: s.settings.mdnsName,
          scheme: s.settings.peerScheme,
          maxPeers: s.settings.maxDiscoveredPeers,
          httpPort: ctx.listening?.port ?? ctx.config.get('server.port'),
          httpHost: ctx.config.get('server.host'),
          interfaceAddress: s.settings.mdnsInterface || undefined,
          log: { info: (m) => log.info(m), warn: (m) => log.warn(m) },
        });
      }
    },
    // The peers' first round, merged: their entities are listed before the deferred routes' build (issue 69).
    startupWork: () => firstRound,
    async stop() {
      await (await mdns)?.stop();
      await svc?.stop();
    },
    summary: () => (svc ? [['aggregation', svc.settings.peers.map((p) => `${p.name}=${p.url}`).join(', ') || 'enabled, no peers']] : []),
  };
}
