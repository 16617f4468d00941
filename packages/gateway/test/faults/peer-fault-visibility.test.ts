// A peer fault that this gateway's correlation hides or shows without an event of the peer (a cluster hiding it
// after the fact, its root cause cleared here, the root's gateway gone) is told on the merged views at once, from
// the peer's last item the hub keeps (docs/faults.md "Muted symptoms on the stream"). Units: the hub with a
// stand-in correlation rule; the same with two real gateways is in aggregation/correlation-federation.test.ts.
import { describe, expect, it } from 'vitest';
import { PeerFaultEventHub, type RelayedFaultEvent } from '../../src/faults/gateway/peer-events.js';
import { MAX_COPIES_PER_PEER, MAX_COPY_BYTES, MAX_COPY_BYTES_PER_PEER, PeerFaultCopies } from '../../src/faults/gateway/peer-fault-copies.js';
import { correlatePeerFaults } from '../../src/faults/gateway/peer-correlation.js';
import { parseCorrelationConfig } from '@medkit/faults';
import { cleanupDirs, harness } from '../../../../test-support/faults-harness.js';

const event = (peer: string, code: string, extra: Record<string, unknown> = {}, name = 'fault_confirmed'): RelayedFaultEvent => ({
  peer,
  event: name,
  data: { event_type: name, fault: { fault_code: code, status: 'CONFIRMED', severity: 2, ...extra }, timestamp: 1, 'x-medkit': { gateway: peer, via: ['p'] } },
});

function setup() {
  const hub = new PeerFaultEventHub();
  const hidden = new Map<string, string>();
  hub.hiddenUnder = (code) => hidden.get(code);
  const merged: RelayedFaultEvent[] = [];
  const muted: RelayedFaultEvent[] = [];
  hub.subscribeMerged((e) => merged.push(e));
  hub.subscribeMuted((e) => muted.push(e));
  return { hub, hidden, merged, muted };
}

const codes = (es: RelayedFaultEvent[]) => es.map((e) => `${e.peer}:${(e.data.fault as { fault_code: string }).fault_code}:${e.event}`);

describe('peer fault visibility', () => {
  it('tells a shown peer fault that becomes hidden as muted, with its last item and what hides it; shown again, as fault_updated', () => {
    const { hub, hidden, merged, muted } = setup();
    hub.publishPeerEvent(event('island', 'STORM_B', { occurrence_count: 2 }));
    expect(codes(merged)).toEqual(['island:STORM_B:fault_confirmed']);
    hidden.set('STORM_B', 'STORM_A');
    hub.revisit(5_000);
    expect(muted).toHaveLength(1);
    expect(muted[0]).toMatchObject({
      peer: 'island',
      event: 'fault_updated',
      root_cause_code: 'STORM_A',
      data: { event_type: 'fault_updated', fault: { fault_code: 'STORM_B', occurrence_count: 2 }, timestamp: 5, 'x-medkit': { gateway: 'island', via: ['p'] } },
    });
    // Nothing changed since: nothing more is told.
    hub.revisit(6_000);
    expect(muted).toHaveLength(1);
    hidden.delete('STORM_B');
    hub.revisit(7_000);
    expect(codes(merged)).toEqual(['island:STORM_B:fault_confirmed', 'island:STORM_B:fault_updated']);
    expect(merged[1].root_cause_code).toBeUndefined();
  });

  it('a fault hidden by correlation while its own event is relayed is told once, by that event, with what hides it', async () => {
    const { hub, hidden, merged, muted } = setup();
    hub.publishPeerEvent(event('island', 'X'));
    // Correlation sees X's new event first, hides it, and tells its change after (as the engine does, in a microtask).
    hub.subscribe(() => {
      hidden.set('X', 'ROOT');
      queueMicrotask(() => hub.revisit(1));
    });
    hub.publishPeerEvent(event('island', 'X', {}, 'fault_updated'));
    await Promise.resolve();
    expect(codes(merged)).toEqual(['island:X:fault_confirmed']);
    expect(codes(muted)).toEqual(['island:X:fault_updated']);
    expect(muted[0].root_cause_code).toBe('ROOT');
  });

  it('forgets a peer that went offline before its going is told, and a cleared fault', () => {
    const { hub, hidden, merged, muted } = setup();
    hub.setOnline(['island', 'dock']);
    hub.publishPeerEvent(event('island', 'ROOT'));
    hub.publishPeerEvent(event('dock', 'SYMPTOM'));
    hidden.set('SYMPTOM', 'ROOT');
    hidden.set('ROOT', 'OTHER');
    hub.revisit(1);
    expect(codes(muted)).toEqual(['island:ROOT:fault_updated', 'dock:SYMPTOM:fault_updated']);
    // The island goes: what its root muted is released (here, by the gone listener), and only the dock's symptom,
    // still online, is shown again; the island's own faults left the merged view with it.
    hub.onPeerGone(() => {
      hidden.clear();
      hub.revisit(2);
    });
    hub.setOnline(['dock']);
    expect(codes(merged).slice(2)).toEqual(['dock:SYMPTOM:fault_updated']);
    // A cleared fault is not kept: hiding it later tells nothing.
    hub.publishPeerEvent(event('dock', 'SYMPTOM', { status: 'CLEARED' }, 'fault_cleared'));
    hidden.set('SYMPTOM', 'ROOT');
    const before = muted.length;
    hub.revisit(3);
    expect(muted).toHaveLength(before);
  });

  it('keeps at most MAX_COPIES_PER_PEER codes and MAX_COPY_BYTES_PER_PEER bytes a peer, oldest out first, and no oversized item', () => {
    const copies = new PeerFaultCopies();
    for (let i = 0; i < MAX_COPIES_PER_PEER + 10; i++) copies.note(event('flood', `C${i}`), false);
    expect(copies.size).toBe(MAX_COPIES_PER_PEER);
    const all = (code: string) => copies.changes((c) => (c === code ? 'R' : undefined), 0).map((c) => (c.event.data.fault as { fault_code: string }).fault_code);
    expect(all('C0')).toEqual([]);
    expect(all(`C${MAX_COPIES_PER_PEER + 9}`)).toEqual([`C${MAX_COPIES_PER_PEER + 9}`]);

    const big = new PeerFaultCopies();
    big.note(event('p', 'HUGE', { description: 'x'.repeat(MAX_COPY_BYTES) }), false);
    expect(big.size).toBe(0);
    // The relay's measure of the received text counts when it gives one (a small item in an oversized event).
    big.note({ ...event('p', 'PADDED'), data_length: MAX_COPY_BYTES + 1 }, false);
    expect(big.size).toBe(0);
    const item = 'y'.repeat(MAX_COPY_BYTES - 200);
    const fit = Math.floor(MAX_COPY_BYTES_PER_PEER / MAX_COPY_BYTES);
    for (let i = 0; i < fit * 3; i++) big.note(event('p', `B${i}`, { description: item }), false);
    expect(big.size).toBeLessThanOrEqual(fit + 1);
    expect(big.size).toBeGreaterThan(fit / 2);
    // Another peer has its own budget.
    big.note(event('q', 'B0', { description: item }), false);
    expect(big.size).toBeLessThanOrEqual(fit + 2);
  });

  it('looks again at most every 100 ms through a storm of correlation changes, and once after it, on the injected clock', async () => {
    const h = harness('memory', {
      correlation: parseCorrelationConfig(`correlation:
  enabled: true
  rules:
    - id: stop
      root_cause: { codes: [ROOT] }
      symptoms: [{ codes: ["SYM_*"] }]
      window_ms: 60000
`),
    });
    const hub = new PeerFaultEventHub();
    const muted: RelayedFaultEvent[] = [];
    hub.subscribeMuted((e) => muted.push(e));
    let revisits = 0;
    const revisit = hub.revisit.bind(hub);
    hub.revisit = (nowMs) => {
      revisits++;
      revisit(nowMs);
    };
    const stop = correlatePeerFaults(hub, h.mgr);
    try {
      // The island's symptoms shown first (no root yet), then its root: each later symptom muted as it comes.
      for (let i = 0; i < 20; i++) hub.publishPeerEvent(event('island', `SYM_${i}`));
      h.mgr.correlatePeerFault('ROOT', 3, 'local');
      await Promise.resolve();
      expect(revisits).toBe(0);
      // Twenty changes, one a tick, within 100 ms of the injected clock: one look at once, one more when it is due.
      for (let i = 0; i < 20; i++) {
        h.mgr.correlatePeerFault(`SYM_${i}`, 2, 'island');
        await Promise.resolve();
        h.clock.advance(1);
      }
      expect(revisits).toBe(1);
      expect(muted.map((e) => (e.data.fault as { fault_code: string }).fault_code)).toEqual(['SYM_0']);
      h.clock.advance(100);
      expect(revisits).toBe(2);
      expect(muted).toHaveLength(20);
      expect(new Set(muted.map((e) => e.root_cause_code))).toEqual(new Set(['ROOT']));
    } finally {
      stop();
      h.mgr.stop();
      cleanupDirs();
    }
  });
});
