// Unit tests of collection fan-out merging, the fault timeline and the parser of a peer's event stream.
import { describe, expect, it } from 'vitest';
import { fanOutPath, mergeCollection } from '../../src/aggregation/fan-out.js';
import { faultTime, sortFaultTimeline } from '../../src/aggregation/fault-timeline.js';
import { MAX_SSE_EVENT_BYTES, peerStreamParser } from '../../src/aggregation/sse-client.js';
import { entityTarget } from '../../src/aggregation/routes.js';

describe('fanOutPath', () => {
  it('knows the fan-out collections and nothing else', () => {
    expect(fanOutPath('/api/v1/faults')).toEqual({ kind: 'faults' });
    expect(fanOutPath('/api/v1/version-info/')).toEqual({ kind: 'version-info' });
    expect(fanOutPath('/api/v1/apps/a%2Db/logs')).toEqual({ kind: 'logs', entity: { segment: 'apps', id: 'a-b' } });
    for (const p of ['/api/v1/apps', '/api/v1/apps/x', '/api/v1/apps/x/locks', '/api/v1/apps/x/data/topic', '/api/v1/faults/stream', '/api/v1/apps/%zz/data']) {
      expect(fanOutPath(p)).toBeUndefined();
    }
  });
});

describe('entityTarget', () => {
  it('splits entity URLs the way the router sees them', () => {
    expect(entityTarget('/api/v1//apps/cam/data/x%2Fy?a=1')).toEqual({ segment: 'apps', id: 'cam', rest: '/data/x%2Fy', query: '?a=1' });
    expect(entityTarget('/api/v1/apps')).toBeUndefined();
    expect(entityTarget('/api/v1/health')).toBeUndefined();
  });
});

describe('mergeCollection', () => {
  it('appends peer items, counts, and reports failed peers and dropped items', () => {
    const out = mergeCollection(
      'data',
      { items: [{ id: '/a' }], 'x-medkit': { total_count: 1, entity_id: 'e' } },
      [
        { peer: 'p', ok: true, items: [{ id: '/b' }, { name: 'no id' }, 'junk'] },
        { peer: 'q', ok: false, failure: 'not_responding', reason: 'timeout: peer did not answer in time' },
      ],
      ['r'],
    );
    expect(out.items).toEqual([{ id: '/a' }, { id: '/b' }]);
    expect(out['x-medkit']).toEqual({
      total_count: 2,
      entity_id: 'e',
      partial: true,
      failed_peers: ['q', 'r'],
      peer_failures: [
        { peer: 'q', reason: 'not_responding', detail: 'timeout: peer did not answer in time' },
        { peer: 'r', reason: 'offline' },
      ],
      peer_dropped_items: [
        { peer: 'p', reason: 'item has no id', source_id: '' },
        { peer: 'p', reason: 'item is not an object', source_id: '' },
      ],
    });
  });

  it('leaves x-medkit out when nothing failed and the list had none', () => {
    expect(mergeCollection('operations', { items: [] }, [{ peer: 'p', ok: true, items: [{ id: 'calibrate' }] }])).toEqual({ items: [{ id: 'calibrate' }] });
  });

  it('keeps sovd_info in step with items on version-info', () => {
    const own = { version: '1.0.0', base_uri: '/api/v1' };
    const out = mergeCollection('version-info', { items: [own], sovd_info: [own] }, [{ peer: 'p', ok: true, items: [{ version: '1.0.0' }] }]);
    expect(out.sovd_info).toEqual(out.items);
    expect((out.items as unknown[]).length).toBe(2);
  });
});

describe('fault timeline', () => {
  it('sorts newest first by last occurrence, falls back to other time fields, ties by code, timeless last', () => {
    const items = [
      { fault_code: 'B', last_occurred: 10 },
      { fault_code: 'NONE' },
      { code: 'A', last_occurred: 10 },
      { fault_code: 'ISO', timestamp: '1970-01-01T00:00:20Z' },
      { fault_code: 'OLD', first_occurred: 1 },
    ];
    expect(sortFaultTimeline(items).map((i) => i.fault_code ?? i.code)).toEqual(['ISO', 'A', 'B', 'OLD', 'NONE']);
    expect(faultTime({ last_occurred: 'nonsense' })).toBeUndefined();
  });
});

describe('peerStreamParser', () => {
  // The parsing itself is @medkit/sovd's (packages/sovd/test/sse-parser.test.ts); what is the gateway's is that
  // an oversized line or event throws out of push, which ends the peer's connection.
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('refuses a line or a message past MAX_SSE_EVENT_BYTES from a hostile peer', () => {
    const line = peerStreamParser({ message: () => undefined });
    expect(() => line.push(bytes('data: ' + 'x'.repeat(MAX_SSE_EVENT_BYTES)))).toThrow(/longer than/);
    const lines = peerStreamParser({ message: () => undefined });
    const chunk = bytes('data: ' + 'y'.repeat(1000) + '\n');
    expect(() => {
      for (let i = 0; i < MAX_SSE_EVENT_BYTES / 1000 + 2; i++) lines.push(chunk);
    }).toThrow(/message longer than/);
  });

  it('hands on messages and retry advice', () => {
    const got: unknown[] = [];
    const p = peerStreamParser({ message: (m) => got.push(m), retry: (ms) => got.push(ms) });
    p.push(bytes('id: 4\nevent: fault_confirmed\ndata: {}\nretry: 500\n\n'));
    expect(got).toEqual([500, { id: '4', event: 'fault_confirmed', data: '{}' }]);
  });
});

describe('memberItem', () => {
  it('splits <member>:<item> on the first colon and keeps the tail', async () => {
    const { memberItem } = await import('../../src/aggregation/member-dispatch.js');
    expect(memberItem('/operations/gripper:open/executions/x')).toEqual({ collection: 'operations', member: 'gripper', itemPath: 'open/executions/x' });
    expect(memberItem('/data/cam%3Asensors%2Fscan')).toEqual({ collection: 'data', member: 'cam', itemPath: 'sensors%2Fscan' });
    expect(memberItem('/configurations/arm:a:b')).toEqual({ collection: 'configurations', member: 'arm', itemPath: 'a%3Ab' });
    for (const r of ['/operations/open', '/operations/:open', '/operations/gripper:', '/locks/a:b', '/data']) expect(memberItem(r)).toBeUndefined();
  });
});
