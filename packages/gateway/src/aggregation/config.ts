// Aggregation configuration (docs/aggregation.md): key table for the loader and the reference, and the
// checked peer list the feature runs with.
import type { OutboundAgent } from '@medkit/kit';
import { bool, guarded, int, list, str, type KeySpec } from '@medkit/kit';
import { ConfigError } from '@medkit/kit';
import { outboundAgent } from '@medkit/kit';
import type { GatewayConfig } from '../config/index.js';

export const AGGREGATION_KEYS = {
  'aggregation.enabled': bool(false, 'Federate peer gateways into this one (docs/aggregation.md).'),
  'aggregation.timeout_ms': int(2000, "Deadline of the calls that read a peer's description of itself: health checks, entity reads, collection fan-outs, fault look-ups.", { min: 100, max: 600000 }),
  'aggregation.forward_timeout_ms': int(15000, 'Deadline of a forwarded request (an operation execution, a large read) on the peer that owns it: above a peer\'s own service_call_timeout_sec. Below aggregation.timeout_ms it is raised to it, with a warning.', { min: 100, max: 600000 }),
  'aggregation.write_timeout_ms': int(5000, 'Added to a forward\'s deadline when it sends a request body (an upload) to the peer.', { min: 100, max: 600000 }),
  'aggregation.peer_urls': list([], 'Static peer base URLs (http://host:port), parallel to aggregation.peer_names.'),
  'aggregation.peer_names': list([], 'Static peer names, unique; used as the app rename prefix (<peer>__<id>) and routing key.'),
  'aggregation.health_check_interval_ms': int(5000, '[ours] How often each peer is health-checked and its entity tree re-read.', {
    min: 100,
    max: 600000,
  }),
  'aggregation.forward_auth': guarded('security', bool(false, "Forward the client's Authorization header to peers (warns without require_tls).")),
  'aggregation.peer_auth_header': guarded(
    'security',
    str('', "Authorization header value (e.g. 'Bearer <token>') this gateway presents to the peers it is configured with, on the calls it makes on its own behalf: health checks, entity reads, the fault-stream relay, and forwards or fan-outs whose caller sent no credential to pass on (a forwarded caller token wins). Never sent to peers found by mDNS; never shown by any route or log."),
  ),
  'aggregation.require_tls': guarded('security', bool(false, 'Reject http:// peers: a static one stops start-up, a discovered one is skipped with a warning; when false every cleartext peer is logged as a warning.')),
  'aggregation.ca_file': guarded('security', str('', '[ours] CA bundle peer certificates are verified against (empty = the system CAs).')),
  'aggregation.client_cert_file': guarded('security', str('', '[ours] Client certificate (PEM) presented to peers that require mutual TLS; with aggregation.client_key_file.')),
  'aggregation.client_key_file': guarded('security', str('', '[ours] Private key of aggregation.client_cert_file.')),
  'aggregation.announce': bool(false, 'Advertise this gateway over mDNS (UDP 5353; answers queries, goodbye on stop).'),
  'aggregation.discover': bool(false, 'Browse mDNS for peers every 10 s; found instances become peers.'),
  'aggregation.mdns_service': str('_medkit._tcp.local', 'mDNS service type, the same for the whole cluster.'),
  'aggregation.mdns_name': str('', 'mDNS instance name ("" = hostname); unique per instance.'),
  'aggregation.mdns_interface': str('', '[ours] IPv4 address of the interface mDNS joins 224.0.0.251 on ("" = first non-internal IPv4).'),
  'aggregation.peer_scheme': str('http', 'Scheme for mDNS-found peers.', { enum: ['http', 'https'] }),
  'aggregation.max_discovered_peers': int(50, 'Most mDNS-discovered peers (static peers not counted).', { min: 1, max: 1000 }),
} satisfies Record<string, KeySpec>;

/** One static peer. */
export interface PeerConfig {
  name: string;
  /** Base URL without trailing slash, e.g. `http://10.0.0.5:8080`. */
  url: string;
}

export interface AggregationSettings {
  enabled: boolean;
  timeoutMs: number;
  /** aggregation.forward_timeout_ms, at least timeoutMs. */
  forwardTimeoutMs: number;
  writeTimeoutMs: number;
  healthIntervalMs: number;
  forwardAuth: boolean;
  /** aggregation.peer_auth_header ("" = none): presented to configured peers only. */
  peerAuthHeader: string;
  requireTls: boolean;
  announce: boolean;
  discover: boolean;
  maxDiscoveredPeers: number;
  mdnsService: string;
  /** Instance name; "" means the hostname. */
  mdnsName: string;
  mdnsInterface: string;
  peerScheme: 'http' | 'https';
  peers: PeerConfig[];
  /** TLS towards peers (aggregation.ca_file and client certificate); the system CAs when absent. */
  agent?: OutboundAgent;
}

/** Peer names become id prefixes (`<peer>__<app>`), so they follow the entity id alphabet. */
const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export class AggregationConfigError extends ConfigError {
  override readonly code: string = 'aggregation-config-invalid';
  constructor(message: string) {
    super(message);
    this.name = 'AggregationConfigError';
  }
}

/**
 * Reads the keys and builds the peer list: `peer_urls`/`peer_names` pairs, plus [ours] `aggregation.peers`
 * given as a YAML list of `{name, url}` maps. Throws AggregationConfigError for configurations the spec calls
 * invalid (arrays of different lengths, duplicate or malformed names, bad URLs); `warn` gets the rest.
 */
export function readAggregationSettings(config: GatewayConfig, warn: (msg: string) => void): AggregationSettings {
  const urls = config.read(AGGREGATION_KEYS, 'aggregation.peer_urls');
  const names = config.read(AGGREGATION_KEYS, 'aggregation.peer_names');
  if (urls.length !== names.length) {
    throw new AggregationConfigError(`aggregation.peer_urls has ${urls.length} entries but aggregation.peer_names has ${names.length}; they are parallel arrays`);
  }
  const pairs: PeerConfig[] = [];
  urls.forEach((url, i) => {
    // Empty strings are ignored (spec), so a templated config can blank out a peer.
    if (url.trim() !== '' && names[i].trim() !== '') pairs.push({ name: names[i].trim(), url: url.trim() });
  });
  const structured = config.section('aggregation.peers')['aggregation.peers'];
  if (Array.isArray(structured)) {
    for (const p of structured) {
      const o = (p ?? {}) as Record<string, unknown>;
      if (typeof o.name !== 'string' || typeof o.url !== 'string') throw new AggregationConfigError('aggregation.peers entries need string name and url');
      pairs.push({ name: o.name.trim(), url: o.url.trim() });
    }
  }
  const enabled = config.read(AGGREGATION_KEYS, 'aggregation.enabled');
  const requireTls = config.read(AGGREGATION_KEYS, 'aggregation.require_tls');
  const forwardAuth = config.read(AGGREGATION_KEYS, 'aggregation.forward_auth');
  const seen = new Set<string>();
  const peers: PeerConfig[] = [];
  for (const p of pairs) {
    if (!NAME_RE.test(p.name)) throw new AggregationConfigError(`peer name '${p.name}' must be 1-64 characters of A-Z a-z 0-9 _ -`);
    if (seen.has(p.name)) throw new AggregationConfigError(`peer name '${p.name}' is used twice; names must be unique`);
    seen.add(p.name);
    let u: URL;
    try {
      u = new URL(p.url);
    } catch {
      throw new AggregationConfigError(`peer '${p.name}': '${p.url}' is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AggregationConfigError(`peer '${p.name}': only http and https URLs are allowed`);
    if (u.protocol === 'http:') {
      // A cleartext peer under require_tls is a start-up error, not a silently shorter peer list.
      if (requireTls && enabled) throw new AggregationConfigError(`peer '${p.name}' (${p.url}) is http:// but aggregation.require_tls is set; use https:// or turn require_tls off`);
      if (requireTls) continue;
      warn(`peer '${p.name}' is reached over cleartext http (${p.url})`);
    }
    peers.push({ name: p.name, url: `${u.origin}${u.pathname.replace(/\/+$/, '')}` });
  }
  const timeoutMs = config.read(AGGREGATION_KEYS, 'aggregation.timeout_ms');
  let forwardTimeoutMs = config.read(AGGREGATION_KEYS, 'aggregation.forward_timeout_ms');
  if (forwardTimeoutMs < timeoutMs) {
    if (enabled) warn(`aggregation.forward_timeout_ms ${forwardTimeoutMs} is below aggregation.timeout_ms ${timeoutMs}; raised to it (a forward is not cut off sooner than a metadata read)`);
    forwardTimeoutMs = timeoutMs;
  }
  const agent = outboundAgent(config, AGGREGATION_KEYS, { ca: 'aggregation.ca_file', cert: 'aggregation.client_cert_file', key: 'aggregation.client_key_file' });
  if (forwardAuth && !requireTls) warn('aggregation.forward_auth is on without aggregation.require_tls: bearer tokens may cross the network in cleartext');
  if (config.read(AGGREGATION_KEYS, 'aggregation.peer_auth_header') && !requireTls && peers.some((p) => p.url.startsWith('http:'))) {
    warn('aggregation.peer_auth_header is set and a peer is reached over cleartext http: the credential crosses the network unencrypted');
  }
  return {
    enabled,
    timeoutMs,
    forwardTimeoutMs,
    writeTimeoutMs: config.read(AGGREGATION_KEYS, 'aggregation.write_timeout_ms'),
    healthIntervalMs: config.read(AGGREGATION_KEYS, 'aggregation.health_check_interval_ms'),
    forwardAuth,
    peerAuthHeader: config.read(AGGREGATION_KEYS, 'aggregation.peer_auth_header'),
    requireTls,
    announce: config.read(AGGREGATION_KEYS, 'aggregation.announce'),
    discover: config.read(AGGREGATION_KEYS, 'aggregation.discover'),
    maxDiscoveredPeers: config.read(AGGREGATION_KEYS, 'aggregation.max_discovered_peers'),
    mdnsService: config.read(AGGREGATION_KEYS, 'aggregation.mdns_service'),
    mdnsName: config.read(AGGREGATION_KEYS, 'aggregation.mdns_name'),
    mdnsInterface: config.read(AGGREGATION_KEYS, 'aggregation.mdns_interface'),
    peerScheme: config.read(AGGREGATION_KEYS, 'aggregation.peer_scheme'),
    peers,
    ...(agent ? { agent } : {}),
  };
}
