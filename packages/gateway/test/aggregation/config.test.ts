// Unit tests of the aggregation configuration (docs/aggregation.md) through the real config loader.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { AGGREGATION_KEYS, AggregationConfigError, readAggregationSettings } from '../../src/aggregation/config.js';

function read(flags: Record<string, unknown>) {
  const warnings: string[] = [];
  const config = loadConfig({ env: {}, extraKeys: AGGREGATION_KEYS, flags });
  return { settings: readAggregationSettings(config, (m) => warnings.push(m)), warnings, config };
}

describe('aggregation configuration', () => {
  it('has the spec defaults', () => {
    const { settings } = read({});
    expect(settings).toMatchObject({ enabled: false, timeoutMs: 2000, forwardAuth: false, requireTls: false, maxDiscoveredPeers: 50, peers: [] });
  });

  it('keeps separate budgets for metadata reads, forwards and request bodies; a forward budget below the metadata one is raised, with a warning (the reference 0.7.0, #638)', () => {
    expect(read({}).settings).toMatchObject({ timeoutMs: 2000, forwardTimeoutMs: 15000, writeTimeoutMs: 5000 });
    const low = read({ 'aggregation.enabled': true, 'aggregation.timeout_ms': 3000, 'aggregation.forward_timeout_ms': 1000 });
    expect(low.settings.forwardTimeoutMs).toBe(3000);
    expect(low.warnings.join('\n')).toContain('aggregation.forward_timeout_ms 1000 is below aggregation.timeout_ms 3000');
    // Issue 66: out of its range the value stops start-up (it was clamped to 600000).
    expect(() => read({ 'aggregation.forward_timeout_ms': 10_000_000 })).toThrow(/aggregation\.forward_timeout_ms=10000000 \(command line\) is invalid: outside the allowed range 100–600000; refusing to start/);
  });

  it('pairs peer_urls with peer_names, ignores empty entries, warns about cleartext', () => {
    const { settings, warnings } = read({
      'aggregation.peer_urls': ['http://10.0.0.2:8080/', '', 'https://arm.local:8443'],
      'aggregation.peer_names': ['base', '', 'arm'],
      'aggregation.peers': [{ name: 'extra', url: 'https://x:1' }],
    });
    expect(settings.peers).toEqual([
      { name: 'base', url: 'http://10.0.0.2:8080' },
      { name: 'arm', url: 'https://arm.local:8443' },
      { name: 'extra', url: 'https://x:1' },
    ]);
    expect(warnings).toEqual(["peer 'base' is reached over cleartext http (http://10.0.0.2:8080/)"]);
  });

  it('refuses to start with a static http peer under require_tls (named), and warns about forward_auth without TLS', () => {
    const peers = { 'aggregation.peer_urls': ['http://a:1', 'https://b:1'], 'aggregation.peer_names': ['a', 'b'], 'aggregation.require_tls': true };
    expect(() => read({ ...peers, 'aggregation.enabled': true })).toThrow(/peer 'a' \(http:\/\/a:1\) is http:\/\/ but aggregation\.require_tls is set/);
    // Off, the peer list is not used: nothing to refuse, the cleartext peer is just not taken.
    expect(read(peers).settings.peers).toEqual([{ name: 'b', url: 'https://b:1' }]);
    const auth = read({ 'aggregation.forward_auth': true });
    expect(auth.warnings[0]).toContain('forward_auth');
  });

  it('refuses mismatched arrays, duplicate or malformed names and non-http URLs', () => {
    expect(() => read({ 'aggregation.peer_urls': ['http://a:1'], 'aggregation.peer_names': [] })).toThrow(AggregationConfigError);
    expect(() => read({ 'aggregation.peer_urls': ['http://a:1', 'http://b:1'], 'aggregation.peer_names': ['x', 'x'] })).toThrow(/twice/);
    expect(() => read({ 'aggregation.peer_urls': ['http://a:1'], 'aggregation.peer_names': ['a b'] })).toThrow(/must be/);
    expect(() => read({ 'aggregation.peer_urls': ['file:///etc/passwd'], 'aggregation.peer_names': ['f'] })).toThrow(/http and https/);
  });

  it('max_discovered_peers is 1-1000; outside, start-up stops (it was clamped, issue 66)', () => {
    expect(read({ 'aggregation.max_discovered_peers': 1000 }).settings.maxDiscoveredPeers).toBe(1000);
    expect(() => read({ 'aggregation.max_discovered_peers': 5000 })).toThrow(/aggregation\.max_discovered_peers=5000 .*1–1000; refusing to start/);
  });
});
