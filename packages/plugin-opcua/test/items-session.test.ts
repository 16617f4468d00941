// A value is fresh only once it was read or notified on the current connection: after a reconnection the
// server (a restarted PLC) may hold other values than the ones kept from before the outage (issue 33).
import { describe, expect, it } from 'vitest';
import { ItemStore } from '../src/items.js';

const node = { node_id: 'ns=2;s=T', data_name: 'temperature', writable: false } as never;

describe('item freshness across connections', () => {
  it('is stale after a new connection began until the next value arrives, and stale whenever disconnected', () => {
    const store = new ItemStore([node]);
    store.beginSession();
    const item = store.get('temperature')!;
    expect(store.isFresh(item)).toBe(false);
    store.update('temperature', { value: 42, status: 'Good' }, true);
    expect(store.body(item, true)['x-medkit']).toMatchObject({ stale: false, connected: true });
    expect(store.body(item, false)['x-medkit']).toMatchObject({ stale: true, connected: false });
    store.beginSession(); // reconnected: 42 is from before
    expect(store.body(item, true)).toMatchObject({ data: 42, 'x-medkit': { stale: true, connected: true } });
    store.update('temperature', { value: 21.5, status: 'Good' }, true);
    expect(store.body(item, true)).toMatchObject({ data: 21.5, 'x-medkit': { stale: false } });
  });
});
