// The ROS part of /health: counts, and the hints an empty graph gets.
import { describe, expect, it } from 'vitest';
import { emptyGraphWarning, EMPTY_GRAPH_GRACE_MS, MAX_SECURITY_PEERS, rosHealth, TOKENS_UNACKNOWLEDGED_WARN_MS } from '../../src/ros/health.js';
import { degradesHealth } from '@medkit/kit';
import { conflictingSamplesHealth } from '../../src/ros/conflicting-samples.js';

const opts = { domainId: 7, localhostOnly: false, initialPeers: [], interfaces: [] };
const counts = (participants: number, nodes: number) => ({ participants, nodes, vendors: {}, humble_participants: 0 });

describe('ROS health', () => {
  it('explains a silent domain: domain id, localhost-only mismatch, multicast/initial peers', () => {
    const w = emptyGraphWarning(opts, counts(0, 0))!;
    expect(w.code).toBe('ros_no_peers');
    expect(w.message).toMatch(/ROS_DOMAIN_ID=7/);
    expect(w.message).toMatch(/ros\.localhost_only: true/);
    expect(w.message).toMatch(/ros\.initial_peers/);
    expect(Object.keys(w).sort()).toEqual(['code', 'entity_ids', 'message', 'peer_names', 'ros_node_fqns']);
    expect(emptyGraphWarning({ ...opts, localhostOnly: true, initialPeers: ['10.0.0.5'] }, counts(0, 0))!.message).toMatch(/cannot hear nodes on other machines.*10\.0\.0\.5/);
  });

  it('tells participants without ROS nodes apart, and is quiet when nodes are seen', () => {
    expect(emptyGraphWarning(opts, counts(2, 0))!.code).toBe('ros_no_nodes');
    expect(emptyGraphWarning(opts, counts(2, 3))).toBeUndefined();
  });

  it('waits for the grace period before warning, and reports disabled and failed connections', () => {
    const start = 1_000_000;
    const s = { state: 'connected' as const, options: opts, startedAt: start, counts: counts(0, 0) };
    expect(rosHealth(s, start + 10).warnings).toEqual([]);
    expect(rosHealth(s, start + EMPTY_GRAPH_GRACE_MS).warnings![0].code).toBe('ros_no_peers');
    expect(rosHealth(s, start).fields!['x-medkit-ros']).toMatchObject({ domain_id: 7, participants_seen: 0, nodes_seen: 0 });
    expect(rosHealth({ state: 'disabled' }).warnings![0].code).toBe('ros_disabled');
    expect(rosHealth({ state: 'failed', error: 'EADDRINUSE', options: opts }).warnings![0].message).toMatch(/EADDRINUSE/);
  });

  it('warns ros_discovery_pressure while the participant table is under pressure, with its counters in x-medkit-ros', () => {
    const table = { tracked: 1024, capacity: 1024, proven: 3, onProbation: 1021, admitted: 4000, evicted: 2976, dropped: 0, rateLimited: 800, leasesClamped: 4000, expired: 0, changesHeld: 2, trackedSources: 5, underPressure: true, expiredUnconfirmed: 1, wrongEchoes: 7 };
    const s = { state: 'connected' as const, options: opts, startedAt: 0, counts: counts(1024, 3), table };
    const h = rosHealth(s, 1);
    expect(h.warnings!.map((w) => w.code)).toEqual(['ros_discovery_pressure']);
    expect(h.warnings![0].message).toMatch(/1024 of 1024 seats used \(3 proven\), 2976 unproven participants evicted, 800 newcomers rate-limited/);
    expect(h.fields!['x-medkit-ros']).toMatchObject({ participant_table: { tracked: 1024, capacity: 1024, proven: 3, evicted: 2976, rate_limited: 800, under_pressure: true, expired_unconfirmed: 1, changes_held: 2, wrong_echoes: 7 } });
    expect(rosHealth({ ...s, table: { ...table, underPressure: false } }, 1).warnings).toEqual([]);
  });

  it('a table full of proven participants that turns newcomers away, and a stuck stream, make /health degraded naming them (issue 66)', () => {
    const table = { tracked: 1024, capacity: 1024, proven: 1024, onProbation: 0, admitted: 1100, evicted: 0, dropped: 76, rateLimited: 0, leasesClamped: 0, expired: 0, changesHeld: 0, trackedSources: 8, underPressure: true };
    const stuck = [{ topic: '/fault_manager/report_fault', role: 'request' as const, writer_guid: 'ab'.repeat(16), node: '/base/battery_monitor', stuck_ms: 7200, next_expected: 12, announced_up_to: 15 }];
    const h = rosHealth({ state: 'connected' as const, options: opts, startedAt: 0, counts: counts(1024, 3), table, stuck }, 1);
    const codes = h.warnings!.map((w) => w.code);
    expect(codes).toEqual(['ros_discovery_pressure', 'ros_discovery_refusing', 'ros_stream_stuck']);
    expect(codes.filter(degradesHealth)).toEqual(['ros_discovery_refusing', 'ros_stream_stuck']);
    const w = h.warnings![2];
    expect(w.message).toMatch(/requests of service \/fault_manager\/report_fault from \/base\/battery_monitor \(stuck 7 s at SN 12, announced up to 15\)/);
    expect(w.ros_node_fqns).toEqual(['/base/battery_monitor']);
    expect(h.fields!['x-medkit-ros']).toMatchObject({ stuck_streams: stuck });
    // The pressure alone (evictions of unproven fakes) stays a notice.
    expect(rosHealth({ state: 'connected' as const, options: opts, startedAt: 0, counts: counts(1024, 3), table: { ...table, dropped: 0 } }, 1).warnings!.map((x) => x.code).filter(degradesHealth)).toEqual([]);
  });

  it('names the writers whose samples conflicted (someone sends in their name) in a notice, ros_samples_conflicting, and lists them in x-medkit-ros', () => {
    const at = Date.UTC(2026, 10, 30, 2, 0, 0);
    const rosout = { topic: 'rt/rosout', writerGuid: 'ab'.repeat(16), count: 3, lastSequenceNumber: 12, firstAt: at, lastAt: at + 5000 };
    const sedp = { topic: 'DCPSPublication', writerGuid: `${'cd'.repeat(12)}000003c2`, count: 1, lastSequenceNumber: 7, firstAt: at, lastAt: at };
    const names = { rosName: (g: string) => (g === rosout.writerGuid ? '/rosout' : undefined), node: (g: string) => (g === rosout.writerGuid ? '/base/battery_monitor' : undefined) };
    const streams = conflictingSamplesHealth([rosout, sedp], names);
    expect(streams).toEqual([
      { topic: '/rosout', writer_guid: rosout.writerGuid, node: '/base/battery_monitor', count: 3, last_sequence_number: 12, first_at: '2026-11-30T02:00:00.000Z', last_at: '2026-11-30T02:00:05.000Z' },
      { topic: 'DCPSPublication', writer_guid: sedp.writerGuid, count: 1, last_sequence_number: 7, first_at: '2026-11-30T02:00:00.000Z', last_at: '2026-11-30T02:00:00.000Z' },
    ]);
    const h = rosHealth({ state: 'connected' as const, options: opts, startedAt: 0, counts: counts(2, 3), conflicting: { total: 4, streams } }, 1);
    expect(h.warnings!.map((w) => w.code)).toEqual(['ros_samples_conflicting']);
    // A notice: the writers are read again, the status stays healthy.
    expect(degradesHealth('ros_samples_conflicting')).toBe(false);
    const w = h.warnings![0];
    expect(w.message).toMatch(/^4 sample\(s\) arrived in the name of 2 writer\(s\) under a sequence number they had already used/);
    expect(w.message).toMatch(/\/rosout from \/base\/battery_monitor \(3×, the latest at SN 12, 2026-11-30T02:00:05.000Z\); DCPSPublication from cdcd/);
    expect(w.ros_node_fqns).toEqual(['/base/battery_monitor']);
    expect(h.fields!['x-medkit-ros']).toMatchObject({ conflicting_samples: { total: 4, streams } });
    // None: no warning, the fields say 0.
    const quiet = rosHealth({ state: 'connected' as const, options: opts, startedAt: 0, counts: counts(2, 3), conflicting: { total: 0, streams: [] } }, 1);
    expect(quiet.warnings).toEqual([]);
    expect(quiet.fields!['x-medkit-ros']).toMatchObject({ conflicting_samples: { total: 0, streams: [] } });
  });

  it('SROS2: a flood of made-up participants (5,000 refused or stuck authenticating) leaves the real authenticated peers listed', () => {
    const base = { state: 'connected' as const, options: opts, startedAt: 0, counts: counts(1, 1) };
    const fake = (i: number) => ({ guidPrefix: (0x100000 + i).toString(16).padStart(24, '0'), state: i % 2 === 0 ? ('failed' as const) : ('handshake' as const), role: 'initiator' as const, since: 0, ...(i % 2 === 0 ? { reason: 'untrusted: not issued by our identity CA' } : {}) });
    const real = [1, 2, 3].map((i) => ({ guidPrefix: i.toString(16).padStart(24, '0'), state: 'authenticated' as const, role: 'replier' as const, since: 0, subject: `CN=/robot/node${i}` }));
    // The real peers arrive last, as they would after a flood started.
    const peers = [...Array.from({ length: 5000 }, (_, i) => fake(i)), ...real];
    const h = rosHealth({ ...base, security: { state: 'secured', enclave: '/medkit/gateway', dir: '/ks', peers } }, 1);
    const sec = (h.fields!['x-medkit-ros'] as { security: { peers: { guid_prefix: string; status: string }[]; peers_not_listed: number; peers_not_listed_by_status: Record<string, number> } }).security;
    expect(sec.peers.slice(0, 3).map((p) => [p.guid_prefix, p.status])).toEqual(real.map((p) => [p.guidPrefix, 'authenticated']));
    expect(sec.peers).toHaveLength(MAX_SECURITY_PEERS);
    expect(sec.peers_not_listed).toBe(5003 - MAX_SECURITY_PEERS);
    expect(sec.peers_not_listed_by_status).toEqual({ authenticated: 0, refused: 2500 - (MAX_SECURITY_PEERS - 3), authenticating: 2500 });
  });

  it('SROS2: security off or on, the enclave, and at most 64 peers listed (authenticated first, the rest counted by status)', () => {
    const base = { state: 'connected' as const, options: opts, startedAt: 0, counts: counts(1, 1) };
    expect(rosHealth(base, 1).fields!['x-medkit-ros']).toMatchObject({ security: { enabled: false, secured: false } });
    const peer = (i: number, state: 'authenticated' | 'failed') => ({ guidPrefix: i.toString(16).padStart(24, '0'), state, role: 'replier' as const, since: 0, ...(state === 'failed' ? { reason: 'untrusted: not issued by our identity CA' } : { subject: 'CN=/peer/a' }) });
    const peers = [...Array.from({ length: 99 }, (_, i) => peer(i, 'authenticated')), peer(999, 'failed')];
    const h = rosHealth({ ...base, security: { state: 'secured', enclave: '/medkit/gateway', dir: '/ks/enclaves/medkit/gateway', peers } }, 1);
    const sec = (h.fields!['x-medkit-ros'] as { security: { peers: { guid_prefix: string; status: string; reason?: string }[] } }).security;
    expect(sec).toMatchObject({ enabled: true, secured: true, enclave: '/medkit/gateway', peers_authenticated: 99, peers_refused: 1, peers_not_listed: 100 - MAX_SECURITY_PEERS });
    expect(sec.peers).toHaveLength(MAX_SECURITY_PEERS);
    expect(sec.peers.every((p) => p.status === 'authenticated')).toBe(true);
    expect(sec).toMatchObject({ peers_not_listed_by_status: { authenticated: 99 - MAX_SECURITY_PEERS, refused: 1, authenticating: 0 } });
    expect(h.warnings!.map((w) => w.code)).toContain('ros_peers_refused');
    // With room left, the refused peer is listed after the authenticated ones, with its reason.
    const few = rosHealth({ ...base, security: { state: 'secured', enclave: '/medkit/gateway', dir: '/ks', peers: [peer(999, 'failed'), peer(1, 'authenticated')] } }, 1);
    const fewPeers = (few.fields!['x-medkit-ros'] as { security: { peers: { status: string; reason?: string }[] } }).security.peers;
    expect(fewPeers.map((p) => p.status)).toEqual(['authenticated', 'refused']);
    expect(fewPeers[1].reason).toMatch(/^untrusted/);
    // An authenticated peer with endpoints refused on their topics: listed before plain authenticated ones, with
    // the listed refusals, how many more there were, and a warning.
    const refusedEndpoints = [{ kind: 'writer' as const, topic: 'rt/chatter', reason: "its permissions do not let it publish 'rt/chatter': deny_rule 1" }];
    const limited = { ...peer(500, 'authenticated'), refusedEndpoints, refusedEndpointCount: 3 };
    const hr = rosHealth({ ...base, security: { state: 'secured', enclave: '/medkit/gateway', dir: '/ks', peers: [...peers.slice(0, 70), limited] } }, 1);
    const secR = (hr.fields!['x-medkit-ros'] as { security: { endpoints_refused: number; peers: { guid_prefix: string; refused_endpoints?: unknown[]; refused_endpoints_not_listed?: number }[] } }).security;
    expect(secR.endpoints_refused).toBe(3);
    expect(secR.peers.find((x) => x.guid_prefix === limited.guidPrefix)).toMatchObject({ status: 'authenticated', refused_endpoints: refusedEndpoints, refused_endpoints_not_listed: 2 });
    expect(secR.peers.find((x) => x.guid_prefix === peers[0].guidPrefix)?.refused_endpoints).toBeUndefined();
    expect(hr.warnings!.find((w) => w.code === 'ros_endpoints_refused')?.message).toMatch(new RegExp(`refused 3 endpoint\\(s\\).*${limited.guidPrefix} writer 'rt/chatter'`));
    // An authenticated peer that has not acknowledged our token messages: listed with how many and since when; warned
    // about once the oldest waited 30 s.
    const deaf = (sinceAgo: number) => ({ ...peer(600, 'authenticated'), tokensUnacknowledged: { count: 4, since: 100_000 - sinceAgo } });
    const young = rosHealth({ ...base, security: { state: 'secured', enclave: '/medkit/gateway', dir: '/ks', peers: [deaf(10_000)] } }, 100_000);
    expect((young.fields!['x-medkit-ros'] as { security: { peers: unknown[] } }).security.peers[0]).toMatchObject({ tokens_unacknowledged: 4, tokens_unacknowledged_since: new Date(90_000).toISOString() });
    expect(young.warnings!.map((w) => w.code)).not.toContain('ros_security_tokens_unacknowledged');
    const old = rosHealth({ ...base, security: { state: 'secured', enclave: '/medkit/gateway', dir: '/ks', peers: [deaf(TOKENS_UNACKNOWLEDGED_WARN_MS)] } }, 100_000);
    expect(old.warnings!.find((w) => w.code === 'ros_security_tokens_unacknowledged')?.message).toMatch(new RegExp(`^1 authenticated ROS participant\\(s\\) have not acknowledged the gateway's crypto tokens: ${peer(600, 'authenticated').guidPrefix} \\(4 message\\(s\\), the oldest 30 s\\)`));
    const unsecured = rosHealth({ ...base, security: { state: 'unsecured', enclave: '/medkit/gateway', reason: 'broken' } }, 1);
    expect(unsecured.fields!['x-medkit-ros']).toMatchObject({ security: { enabled: true, secured: false, enclave: '/medkit/gateway', reason: 'broken' } });
  });
});
