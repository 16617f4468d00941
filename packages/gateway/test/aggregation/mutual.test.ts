// Two gateways that peer each other (a loop): each sees the other's entities once, fan-out does not recurse,
// and fault events do not bounce back. Uses the real health-check timer (short interval) rather than checkNow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { eventually, http, SseReader, startPeer, type TestPeer } from './support.js';

type Json = Record<string, unknown>;

/** Two free loopback ports, known before either gateway starts (each needs the other's URL). */
async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
    ports.push((s.address() as { port: number }).port);
  }
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

describe('two gateways peering each other', () => {
  let p: TestPeer;
  let q: TestPeer;
  const ids = async (g: TestPeer) => ((await http(`${g.url}/api/v1/apps`)).body.items as Json[]).map((a) => a.id as string).sort();

  beforeAll(async () => {
    const [pp, qp] = await freePorts(2);
    const flags = { 'aggregation.health_check_interval_ms': 150 };
    p = await startPeer({ name: 'p', manifest: 'main.yaml', port: pp, peers: [{ name: 'q', url: `http://127.0.0.1:${qp}` }], flags });
    q = await startPeer({ name: 'q', manifest: 'mobile.yaml', port: qp, peers: [{ name: 'p', url: `http://127.0.0.1:${pp}` }], flags });
  });
  afterAll(async () => {
    await p?.close();
    await q?.close();
  });

  it('merges each tree into the other once, without reflecting a gateway its own entities', async () => {
    await eventually(async () => (await ids(p)).includes('drive') && (await ids(q)).includes('planner'));
    // More rounds on both sides: reflected entities would show up as q__planner, p__q__... and so on.
    for (let i = 0; i < 2; i++) {
      await p.aggregation!.checkNow();
      await q.aggregation!.checkNow();
    }
    expect(await ids(p)).toEqual(['camera', 'drive', 'planner']);
    expect(await ids(q)).toEqual(['camera', 'drive', 'planner']);
    const cam = ((await http(`${q.url}/api/v1/apps`)).body.items as Json[]).find((a) => a.id === 'camera');
    expect(cam?.['x-medkit']).toMatchObject({ source: 'peer:p' });
  });

  it('fans out one hop only: each fault appears once', async () => {
    p.faults.report({ fault_code: 'P_FAULT', severity: 1, last_occurred: 10 });
    q.faults.report({ fault_code: 'Q_FAULT', severity: 1, last_occurred: 20 });
    for (const g of [p, q]) {
      const r = await http(`${g.url}/api/v1/faults`);
      expect((r.body.items as Json[]).map((f) => f.fault_code)).toEqual(['Q_FAULT', 'P_FAULT']);
      expect(r.body['x-medkit']).toEqual({ count: 2 });
    }
  });

  it('relays fault events across the loop without bouncing them back', async () => {
    const atP = new SseReader(`${p.url}/api/v1/faults/stream`);
    const atQ = new SseReader(`${q.url}/api/v1/faults/stream`);
    await Promise.all([atP.opened, atQ.opened]);
    // Each relay may still be connecting: report until q's event reaches p.
    let n = 0;
    const fromQ = await eventually(async () => {
      q.faults.report({ fault_code: `Q_EVENT_${n++}`, severity: 2, last_occurred: 30 });
      return atP.messages.find((m) => m.data.includes('Q_EVENT_'));
    }, 60, 100);
    expect(JSON.parse(fromQ.data)['x-medkit']).toMatchObject({ gateway: 'q', via: [q.aggregation!.instanceId] });
    // p's event travels p → q on the same stream that a bounced Q_EVENT would take, so once it arrives any
    // bounce would already be there.
    let k = 0;
    await eventually(async () => {
      p.faults.report({ fault_code: `P_EVENT_${k++}`, severity: 2, last_occurred: 40 });
      return atQ.messages.find((m) => m.data.includes('P_EVENT_'));
    }, 60, 100);
    const qEventsAtQ = atQ.messages.filter((m) => m.data.includes('Q_EVENT_'));
    expect(qEventsAtQ.length).toBe(n);
    expect(qEventsAtQ.every((m) => JSON.parse(m.data)['x-medkit'] === undefined)).toBe(true);
    // Same argument the other way: q relayed P_EVENT before Q_LATE, so a bounce reaches p before Q_LATE does.
    q.faults.report({ fault_code: 'Q_LATE', severity: 2, last_occurred: 50 });
    await atP.next((m) => m.data.includes('Q_LATE'));
    const pEventsAtP = atP.messages.filter((m) => m.data.includes('P_EVENT_'));
    expect(pEventsAtP.length).toBe(k);
    expect(pEventsAtP.every((m) => JSON.parse(m.data)['x-medkit'] === undefined)).toBe(true);
    atP.close();
    atQ.close();
  });
});
