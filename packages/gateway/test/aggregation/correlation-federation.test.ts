// Correlation over federation (docs/faults.md "Correlation over federation", issue 55), between two real default
// gateways over loopback: the main gateway's correlation rules see its aggregation peer's faults. The island's
// PROTECTIVE_STOP (root cause) mutes the main gateway's abort that follows; the main gateway's root cause mutes
// an island symptom in the merged list and the merged stream alike (a rule naming the island mutes only its symptom); the island's cleared root clears the local symptom it muted; and an island
// that goes away (black-holed) releases what its roots muted, and mutes again once it is back. A local symptom's
// incident file carries the island's root cause (its detail and history), or says why not while the island is away.
// A muted symptom's change, local or the island's, is a `fault_muted` event on the merged stream; so is a member a
// cluster hides after the fact, and a symptom the island's going away releases is a `fault_updated` (issue 58).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS_SERVICE } from '../../src/faults/gateway/service.js';
import { PEER_FAULT_EVENTS_SERVICE } from '../../src/aggregation/index.js';
import { startTestGateway, type TestGateway } from '../../../../test-support/gateway/gateway.js';
import { eventually, http, PausableProxy, SseReader } from './support.js';
import { readIncidentFile, type IncidentFile } from '../../../../test-support/incident-file.js';
import type { SseMessage } from '@medkit/sovd';

type Json = Record<string, unknown>;

const RULES = `correlation:
  enabled: true
  rules:
    - id: stop_aborts_navigation
      mode: hierarchical
      root_cause: { codes: [PROTECTIVE_STOP] }
      symptoms: [{ codes: [NAV_ABORTED] }]
      window_ms: 60000
      mute_symptoms: true
      auto_clear_with_root: true
    - id: localization_breaks_island
      mode: hierarchical
      root_cause: { codes: [LOCAL_ROOT] }
      symptoms: [{ codes: [ISLAND_SYMPTOM] }]
      window_ms: 60000
      mute_symptoms: true
    - id: island_symptoms_only
      mode: hierarchical
      root_cause: { codes: [GATEWAY_ROOT], gateway: local }
      symptoms: [{ codes: ["GW_SYMPTOM_*"], gateway: island }]
      window_ms: 60000
    - id: muted_changes_on_the_stream
      mode: hierarchical
      root_cause: { codes: [MUTING_ROOT] }
      symptoms: [{ codes: [MUTED_LOCAL, MUTED_ISLAND] }]
      window_ms: 60000
      mute_symptoms: true
    - id: storm
      mode: auto_cluster
      match: [{ codes: ["STORM_*"] }]
      min_count: 3
      window_ms: 60000
      representative: highest_severity
    - id: mixed_storm
      mode: auto_cluster
      match: [{ codes: ["MIXED_*"] }]
      min_count: 3
      window_ms: 60000
      representative: first
`;

/** `GET /faults/{code}/incident` of `g`, read back: the medkit_incident metadata and the JSON attachments by name. */
async function incident(g: TestGateway, code: string): Promise<IncidentFile> {
  const res = await fetch(`${g.url}/api/v1/faults/${code}/incident`);
  expect(res.status).toBe(200);
  return readIncidentFile(new Uint8Array(await res.arrayBuffer()));
}

/** The fault code of a /faults/stream event. */
const streamCode = (m: SseMessage): string => String(((JSON.parse(m.data) as Json).fault as Json | undefined)?.fault_code);
/** The fault code of a `fault_muted` event (under `muted_fault`). */
const mutedCode = (m: SseMessage): string => String(((JSON.parse(m.data) as Json).muted_fault as Json | undefined)?.fault_code);
const faultsOf = (g: TestGateway) => g.gateway.ctx.services.get(FAULTS_SERVICE);
const fail = (g: TestGateway, code: string, source: string, description = `${code} happened`) => faultsOf(g).report({ fault_code: code, event_type: 0, severity: 3, description, source_id: source });

describe('correlation over federation', () => {
  let island: TestGateway;
  let main: TestGateway;
  let proxy: PausableProxy;
  let dir: string;
  const relayed: string[] = [];
  const readers: SseReader[] = [];
  const list = async (query = '') => (await http(`${main.url}/api/v1/faults${query}`)).body as { items: Json[]; 'x-medkit': Json };
  const codes = (body: { items: Json[] }) => body.items.map((i) => i.fault_code as string);
  /** Main's correlation took the island's fault as a root cause (its relayed event arrived). */
  const isPeerRoot = (code: string) => faultsOf(main).manager.correlation?.pendingRootCauses().some((r) => r.code === code && r.gateway === 'island') ?? false;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medkit-corr-fed-'));
    writeFileSync(join(dir, 'rules.yaml'), RULES);
    island = await startTestGateway({ defaults: true });
    proxy = new PausableProxy(Number(new URL(island.url).port));
    await proxy.start();
    main = await startTestGateway({
      defaults: true,
      flags: {
        'aggregation.enabled': true,
        'aggregation.peer_names': ['island'],
        'aggregation.peer_urls': [proxy.url],
        'aggregation.health_check_interval_ms': 200,
        'aggregation.timeout_ms': 1000,
        'faults.correlation.config_file': join(dir, 'rules.yaml'),
      },
    });
    // The relay connects once the first health check passed: report on the island until one event is relayed.
    main.gateway.ctx.services.get(PEER_FAULT_EVENTS_SERVICE).subscribe((e) => relayed.push(String((e.data.fault as Json | undefined)?.fault_code)));
    let n = 0;
    await eventually(async () => {
      fail(island, `WARMUP_${n++}`, '/safety/safety_gate');
      return relayed.some((c) => c.startsWith('WARMUP_'));
    }, 100, 100);
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await main?.close();
    await proxy?.close();
    await island?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a peer's root cause mutes this gateway's symptom: one PROTECTIVE_STOP (the island's) and the abort as its symptom", async () => {
    fail(island, 'PROTECTIVE_STOP', '/safety/safety_gate');
    // The island's event reaches main's correlation over the relayed stream.
    await eventually(async () => isPeerRoot('PROTECTIVE_STOP'));
    fail(main, 'NAV_ABORTED', '/navigation/bt_navigator');
    const shown = await list();
    expect(codes(shown)).not.toContain('NAV_ABORTED');
    expect(shown.items.filter((i) => i.fault_code === 'PROTECTIVE_STOP')).toEqual([expect.objectContaining({ 'x-medkit': expect.objectContaining({ gateway: 'island' }) })]);
    const all = await list('?include_muted=true');
    expect(codes(all).filter((c) => c === 'PROTECTIVE_STOP' || c === 'NAV_ABORTED').sort()).toEqual(['NAV_ABORTED', 'PROTECTIVE_STOP']);
    expect(all['x-medkit'].muted_faults).toContainEqual(expect.objectContaining({ fault_code: 'NAV_ABORTED', root_cause_code: 'PROTECTIVE_STOP', rule_id: 'stop_aborts_navigation' }));
    // The symptom's stored history says under which root cause it was muted; the peer's fault, read through this
    // gateway, brings the peer's own history.
    const history = (code: string) => http(`${main.url}/api/v1/faults/${code}`).then((r) => ((r.body as Json)['x-medkit'] as { status_history: Json[] }).status_history.map((h) => `${h.change}:${h.source}`));
    expect(await history('NAV_ABORTED')).toEqual(['occurred:/navigation/bt_navigator', 'confirmed:/navigation/bt_navigator', 'muted:PROTECTIVE_STOP']);
    expect(await history('PROTECTIVE_STOP')).toEqual(['occurred:/safety/safety_gate', 'confirmed:/safety/safety_gate']);
    // The abort's incident file carries the island's root cause: its detail and status history, read from the island.
    const { meta, attachments } = await incident(main, 'NAV_ABORTED');
    expect(meta).toMatchObject({ fault_code: 'NAV_ABORTED', root_cause: 'PROTECTIVE_STOP', root_cause_gateway: 'island' });
    expect(meta.root_cause_unavailable).toBeUndefined();
    const root = (attachments.get('faults.json') as Json[]).find((d) => (d.item as Json).code === 'PROTECTIVE_STOP');
    expect(root?.['x-medkit']).toMatchObject({ gateway: 'island' });
    expect(((root?.['x-medkit'] as Json).status_history as Json[]).map((h) => h.change)).toEqual(['occurred', 'confirmed']);
  });

  it("this gateway's root cause mutes a peer's symptom in the merged list and the merged stream alike; cleared, both show it", async () => {
    const live = new SseReader(`${main.url}/api/v1/faults/stream`);
    readers.push(live);
    await live.opened;
    fail(main, 'LOCAL_ROOT', '/localization/amcl');
    fail(island, 'ISLAND_SYMPTOM', '/safety/safety_gate');
    await eventually(async () => codes(await list('?include_muted=true')).includes('ISLAND_SYMPTOM') && faultsOf(main).manager.correlation?.isMuted('ISLAND_SYMPTOM'));
    expect(codes(await list())).not.toContain('ISLAND_SYMPTOM');
    expect((await list('?include_muted=true'))['x-medkit'].muted_faults).toContainEqual(expect.objectContaining({ fault_code: 'ISLAND_SYMPTOM', root_cause_code: 'LOCAL_ROOT' }));
    // The island's events come in order: once a later one is on main's stream, the muted symptom's would be too.
    fail(island, 'ISLAND_MARKER_1', '/safety/safety_gate');
    await live.next((m) => streamCode(m) === 'ISLAND_MARKER_1');
    expect(live.messages.map(streamCode)).not.toContain('ISLAND_SYMPTOM');
    // An update while muted stays out of the stream as well (news: a re-report with nothing new sends no event at all).
    fail(island, 'ISLAND_SYMPTOM', '/safety/safety_gate', 'worse');
    fail(island, 'ISLAND_MARKER_2', '/safety/safety_gate');
    await live.next((m) => streamCode(m) === 'ISLAND_MARKER_2');
    expect(live.messages.map(streamCode)).not.toContain('ISLAND_SYMPTOM');
    // The root cleared unmutes it: the merged list shows it at once, and the stream too, with the island's last item
    // of it (no need to wait for the island's next event).
    faultsOf(main).manager.clear('LOCAL_ROOT');
    expect(codes(await list())).toContain('ISLAND_SYMPTOM');
    const released = await live.next((m) => m.event === 'fault_updated' && streamCode(m) === 'ISLAND_SYMPTOM');
    expect(JSON.parse(released.data)).toMatchObject({ event_type: 'fault_updated', fault: { fault_code: 'ISLAND_SYMPTOM', status: 'CONFIRMED' }, 'x-medkit': { gateway: 'island' } });
    fail(island, 'ISLAND_SYMPTOM', '/safety/safety_gate');
    const shown = await live.next((m) => streamCode(m) === 'ISLAND_SYMPTOM');
    expect(JSON.parse(shown.data)).toMatchObject({ 'x-medkit': { gateway: 'island' } });
  });

  it("a muted symptom's change, this gateway's or a peer's, reaches a stream client as fault_muted (the fault under muted_fault)", async () => {
    const live = new SseReader(`${main.url}/api/v1/faults/stream`);
    readers.push(live);
    await live.opened;
    fail(main, 'MUTING_ROOT', '/localization/amcl');
    fail(main, 'MUTED_LOCAL', '/navigation/bt_navigator');
    const local = await live.next((m) => m.event === 'fault_muted' && mutedCode(m) === 'MUTED_LOCAL');
    expect(Number(local.id)).toBeGreaterThan(0);
    expect(JSON.parse(local.data)).toMatchObject({
      event_type: 'fault_muted',
      muted_event_type: 'fault_confirmed',
      root_cause_code: 'MUTING_ROOT',
      muted_fault: { fault_code: 'MUTED_LOCAL', status: 'CONFIRMED', reporting_sources: ['/navigation/bt_navigator'] },
      timestamp: expect.any(Number),
    });
    expect(codes(await list())).not.toContain('MUTED_LOCAL');
    // An update while muted is one too (news: a re-report with nothing new sends no event at all, docs/faults.md D4).
    fail(main, 'MUTED_LOCAL', '/navigation/bt_navigator', 'worse');
    await live.next((m) => m.event === 'fault_muted' && mutedCode(m) === 'MUTED_LOCAL' && JSON.parse(m.data).muted_event_type === 'fault_updated');
    // A peer's symptom this gateway muted: the relayed event, renamed.
    fail(island, 'MUTED_ISLAND', '/safety/safety_gate');
    const peer = await live.next((m) => m.event === 'fault_muted' && mutedCode(m) === 'MUTED_ISLAND');
    expect(JSON.parse(peer.data)).toMatchObject({ event_type: 'fault_muted', muted_event_type: 'fault_confirmed', muted_fault: { fault_code: 'MUTED_ISLAND' }, 'x-medkit': { gateway: 'island' } });
    // Clients that read `fault` of every message see no muted symptom, as before the event existed.
    expect(live.messages.map(streamCode)).not.toContain('MUTED_LOCAL');
    expect(live.messages.map(streamCode)).not.toContain('MUTED_ISLAND');
    // Resume replays it like any event.
    const resumed = new SseReader(`${main.url}/api/v1/faults/stream`, { 'last-event-id': String(Number(local.id) - 1) });
    readers.push(resumed);
    await resumed.opened;
    expect((await resumed.next((m) => m.id === local.id)).event).toBe('fault_muted');
  });

  /**
   * `<prefix>_A` reported here, `<prefix>_B` on `second`, both shown; `<prefix>_C` here activates the cluster (equal
   * severities: the first member stays the representative), hiding B after the fact. Returns the stream reader and
   * B's `fault_muted` body.
   */
  async function clusterHidesSecond(prefix: string, second: TestGateway): Promise<{ live: SseReader; hidden: Json }> {
    const live = new SseReader(`${main.url}/api/v1/faults/stream`);
    readers.push(live);
    await live.opened;
    fail(main, `${prefix}_A`, '/navigation/bt_navigator');
    fail(second, `${prefix}_B`, '/navigation/bt_navigator');
    await live.next((m) => m.event === 'fault_confirmed' && streamCode(m) === `${prefix}_B`);
    expect(codes(await list())).toEqual(expect.arrayContaining([`${prefix}_A`, `${prefix}_B`]));
    fail(main, `${prefix}_C`, '/navigation/bt_navigator');
    const hidden = JSON.parse((await live.next((m) => m.event === 'fault_muted' && mutedCode(m) === `${prefix}_B`)).data) as Json;
    expect(hidden).toMatchObject({
      event_type: 'fault_muted',
      muted_event_type: 'fault_updated',
      root_cause_code: `${prefix}_A`,
      muted_fault: { fault_code: `${prefix}_B`, status: 'CONFIRMED' },
    });
    return { live, hidden };
  }

  it('a cluster that hides members already shown sends each a fault_muted under its representative', async () => {
    const { live } = await clusterHidesSecond('STORM', main);
    // It agrees with the list read afterwards: hidden, and listed under the representative with include_muted.
    expect(codes(await list())).not.toContain('STORM_B');
    expect((await list('?include_muted=true'))['x-medkit'].muted_faults).toContainEqual(expect.objectContaining({ fault_code: 'STORM_B', root_cause_code: 'STORM_A', rule_id: 'storm' }));
    // The representative stays shown: no fault_muted for it.
    expect(live.messages.filter((m) => m.event === 'fault_muted').map(mutedCode)).not.toContain('STORM_A');
  });

  it("a cluster that hides a peer's member already shown tells it at once, and the merged list hides it alike", async () => {
    // The first member (ours) is the representative; the island's, relayed and shown, is hidden by the third.
    const { hidden } = await clusterHidesSecond('MIXED', island);
    expect(hidden).toMatchObject({ 'x-medkit': { gateway: 'island' } });
    const shown = codes(await list());
    expect(shown).toContain('MIXED_A');
    expect(shown).not.toContain('MIXED_B');
    expect(shown).not.toContain('MIXED_C');
    expect(codes(await list('?include_muted=true'))).toEqual(expect.arrayContaining(['MIXED_A', 'MIXED_B', 'MIXED_C']));
  });

  it("a rule that names the peer gateway mutes only that gateway's symptom", async () => {
    fail(main, 'GATEWAY_ROOT', '/localization/amcl');
    fail(main, 'GW_SYMPTOM_MAIN', '/navigation/bt_navigator');
    fail(island, 'GW_SYMPTOM_ISLAND', '/safety/safety_gate');
    await eventually(async () => faultsOf(main).manager.correlation?.isMuted('GW_SYMPTOM_ISLAND'), 100, 100);
    expect(faultsOf(main).manager.correlation?.isMuted('GW_SYMPTOM_MAIN')).toBe(false);
    const shown = codes(await list());
    expect(shown).toContain('GW_SYMPTOM_MAIN');
    expect(shown).not.toContain('GW_SYMPTOM_ISLAND');
    expect(codes(await list('?include_muted=true'))).toContain('GW_SYMPTOM_ISLAND');
  });

  it("the peer's root cleared clears the local symptom it muted (auto_clear_with_root)", async () => {
    faultsOf(island).manager.clear('PROTECTIVE_STOP');
    await eventually(async () => faultsOf(main).manager.repository.getFault('NAV_ABORTED')?.status === 'CLEARED', 100, 100);
  });

  it('a peer that goes away releases what its roots muted; back, the stops it confirms mute again', async () => {
    fail(island, 'PROTECTIVE_STOP', '/safety/safety_gate');
    await eventually(async () => isPeerRoot('PROTECTIVE_STOP'), 100, 100);
    fail(main, 'NAV_ABORTED', '/navigation/bt_navigator');
    expect(codes(await list())).not.toContain('NAV_ABORTED');
    const live = new SseReader(`${main.url}/api/v1/faults/stream`);
    readers.push(live);
    await live.opened;
    proxy.pause();
    // Offline after a failed health check: the abort is shown again, not hidden behind a root nobody can see.
    await eventually(async () => codes(await list()).includes('NAV_ABORTED'), 100, 100);
    // The stream says so too: a normal event with its current item, which a client shows without reading the list.
    const released = await live.next((m) => m.event === 'fault_updated' && streamCode(m) === 'NAV_ABORTED');
    expect(JSON.parse(released.data)).toMatchObject({ event_type: 'fault_updated', fault: { fault_code: 'NAV_ABORTED', status: 'CONFIRMED', reporting_sources: ['/navigation/bt_navigator'] } });
    expect(isPeerRoot('PROTECTIVE_STOP')).toBe(false);
    // The island unreachable, the abort's incident still exports and says why its root cause's detail is missing.
    const away = await incident(main, 'NAV_ABORTED');
    expect(away.meta).toMatchObject({ root_cause: 'PROTECTIVE_STOP', root_cause_unavailable: expect.stringContaining('island') });
    expect((away.attachments.get('faults.json') as Json[]).map((d) => (d.item as Json).code)).toEqual(['NAV_ABORTED']);
    proxy.resume();
    // Back: its stream is relayed again; a stop it confirms from now on is a root cause again.
    const before = relayed.length;
    let n = 0;
    await eventually(async () => {
      fail(island, `BACK_${n++}`, '/safety/safety_gate');
      return relayed.slice(before).some((c) => c.startsWith('BACK_'));
    }, 100, 100);
    faultsOf(island).manager.clear('PROTECTIVE_STOP');
    fail(island, 'PROTECTIVE_STOP', '/safety/safety_gate');
    await eventually(async () => isPeerRoot('PROTECTIVE_STOP'), 100, 100);
    fail(main, 'NAV_ABORTED', '/navigation/bt_navigator');
    await eventually(async () => !codes(await list()).includes('NAV_ABORTED'), 100, 100);
  });
});
