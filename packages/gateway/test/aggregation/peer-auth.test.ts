// What an aggregating gateway presents to, and reports about, its peers (the reference's 0.7.0, #638):
// aggregation.peer_auth_header is sent on the calls this gateway makes on its own behalf (health check, entity
// read, fault-stream relay, forwards and fan-outs without a caller credential; a forwarded caller token wins),
// never to a peer found by mDNS, and never printed; a peer that does not answer in the budget is 504
// not-responding (not 502), and a fan-out names each failed peer with its reason. Real gateways on 127.0.0.1:
// the peer requires a token for every request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeConfigOrigins } from '../../src/config/index.js';
import { authFlags, tokensOf } from '../../../../test-support/gateway/auth.js';
import { eventually, http, PausableProxy, SseReader, startPeer, type TestPeer } from './support.js';
import type { TestGateway } from '../../../../test-support/gateway/gateway.js';

type Json = Record<string, unknown>;

describe('aggregation.peer_auth_header', () => {
  let mobile: TestPeer;
  let main: TestPeer;
  let bare: TestPeer;
  let token: string;
  const apps = async (g: TestPeer) => ((await http(`${g.url}/api/v1/apps`)).body.items as { id: string; 'x-medkit'?: Json }[]).filter((a) => a['x-medkit']?.available !== false).map((a) => a.id);

  beforeAll(async () => {
    mobile = await startPeer({ name: 'mobile', manifest: 'mobile.yaml', flags: authFlags({ 'auth.require_auth_for': 'all' }) });
    token = (await tokensOf({ url: mobile.url } as TestGateway, 'viewer')).access_token;
    mobile.faults.report({ fault_code: 'DRIVE_OVERHEAT', severity: 2, status: 'CONFIRMED', reporting_sources: ['/base/drive'], last_occurred: 1 });
    main = await startPeer({ name: 'main', manifest: 'main.yaml', peers: [{ name: 'mobile', url: mobile.url }], flags: { 'aggregation.peer_auth_header': `Bearer ${token}` } });
    bare = await startPeer({ name: 'bare', manifest: 'main.yaml', peers: [{ name: 'mobile', url: mobile.url }] });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([main?.close(), bare?.close(), mobile?.close()]);
  });

  it('lets the health check and the entity read through a peer that requires a token', async () => {
    await eventually(async () => {
      await main.aggregation!.checkNow();
      return (await apps(main)).includes('drive');
    });
    expect(main.aggregation!.registry.get('mobile')?.status).toBe('online');
    // Without the header the same peer refuses the health check: it stays offline and its apps unknown.
    await bare.aggregation!.checkNow();
    expect(bare.aggregation!.registry.get('mobile')?.status).toBe('offline');
    expect(await apps(bare)).not.toContain('drive');
  });

  it('authenticates forwards and fan-outs whose caller sent no credential', async () => {
    const forwarded = await http(`${main.url}/api/v1/apps/drive/data`);
    expect(forwarded.status).toBe(200);
    const faults = await http(`${main.url}/api/v1/faults`);
    expect(faults.body['x-medkit']?.partial).toBeUndefined();
    expect((faults.body.items as Json[]).map((f) => f.fault_code)).toContain('DRIVE_OVERHEAT');
  });

  it('relays the peer fault stream with the credential', async () => {
    const sse = new SseReader(`${main.url}/api/v1/faults/stream`);
    await sse.opened;
    // The relay connects when it sees the peer online; report until the event shows up (connect race).
    const m = await eventually(async () => {
      mobile.faults.report({ fault_code: 'DRIVE_STALL', severity: 3, last_occurred: 2000 });
      return sse.messages.find((x) => x.data.includes('DRIVE_STALL'));
    }, 60, 100);
    sse.close();
    expect(JSON.parse(m.data)).toMatchObject({ fault: { fault_code: 'DRIVE_STALL' }, 'x-medkit': { gateway: 'mobile' } });
  });

  it('is never sent to a peer found by mDNS, and never printed', async () => {
    const registry = main.aggregation!.registry;
    expect(registry.credentialOf('mobile')).toEqual({ authorization: `Bearer ${token}` });
    expect(registry.add({ name: 'found', url: 'http://127.0.0.1:9' })).toBe(true);
    expect(registry.credentialOf('found')).toEqual({});
    registry.remove('found');
    const lines = describeConfigOrigins(main.gateway.ctx.config).join('\n');
    expect(lines).toContain('aggregation.peer_auth_header = (hidden)');
    expect(lines).not.toContain(token);
    const health = JSON.stringify((await http(`${main.url}/api/v1/health`)).body);
    expect(health).not.toContain(token);
  });
});

describe('a peer that does not answer in time', () => {
  let arm: TestPeer;
  let main: TestPeer;
  let proxy: PausableProxy;
  beforeAll(async () => {
    arm = await startPeer({ name: 'arm', manifest: 'arm.yaml' });
    proxy = new PausableProxy(arm.port);
    await proxy.start();
    main = await startPeer({ name: 'main', manifest: 'main.yaml', peers: [{ name: 'arm', url: proxy.url }], flags: { 'aggregation.timeout_ms': 500, 'aggregation.forward_timeout_ms': 1500 } });
    await eventually(async () => {
      await main.aggregation!.checkNow();
      return main.aggregation!.registry.get('arm')?.status === 'online';
    });
  }, 120_000);
  afterAll(async () => {
    await main?.close();
    await proxy?.close();
    await arm?.close();
  });

  it('names it in a fan-out with the reason not_responding, then answers a forward to it with 504 not-responding, each after its own budget', async () => {
    proxy.pause();
    let t = Date.now();
    const faults = await http(`${main.url}/api/v1/faults`);
    // A fan-out reads the peer's description of itself: aggregation.timeout_ms (500 ms).
    expect(Date.now() - t).toBeLessThan(1400);
    expect(faults.status).toBe(200);
    expect(faults.body['x-medkit']).toMatchObject({ partial: true, failed_peers: ['arm'], peer_failures: [{ peer: 'arm', reason: 'not_responding' }] });
    t = Date.now();
    const r = await http(`${main.url}/api/v1/apps/gripper/data`);
    // A forward waits for the peer doing the work: aggregation.forward_timeout_ms (1500 ms).
    expect(Date.now() - t).toBeGreaterThanOrEqual(1400);
    expect(r.status).toBe(504);
    expect(r.body.message).toContain('aggregation.forward_timeout_ms');
    expect(r.body).toMatchObject({ error_code: 'not-responding', parameters: { entity_id: 'gripper', peer: 'arm' } });
    proxy.resume();
  });
});
