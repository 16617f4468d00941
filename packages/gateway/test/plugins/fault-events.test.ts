// PluginContext.subscribeFaultEvents (docs/plugins.md): what a plugin sees of a fault event (the fault's public
// fields, its entity, the path of its detail), and that the hub delivers only once connected to the fault manager's
// stream, to every subscriber until it unsubscribes.
import { describe, expect, it } from 'vitest';
import { FaultEventStream, type FaultRecord } from '@medkit/faults';
import type { PluginFaultEvent } from '@medkit/plugin-api';
import { PluginFaultEventHub, pluginFaultEvent } from '../../src/plugins/fault-events.js';

const NS = 1_790_000_000_000_000_000n;
const fault = (over: Partial<FaultRecord> = {}): FaultRecord => ({
  fault_code: 'LIDAR/TIMEOUT',
  severity: 3,
  description: 'no scan for 2 s',
  first_occurred_ns: NS,
  last_occurred_ns: NS + 2_000_000_000n,
  last_passed_ns: 0n,
  occurrence_count: 2,
  status: 'CONFIRMED',
  reporting_sources: ['/demo/lidar'],
  debounce_counter: -3,
  last_failed_ns: NS,
  confirmed_at_ns: NS,
  ...over,
});

describe('fault events for plugins', () => {
  it('carry the public fields, the entity and the (escaped) path of the fault under its entity', () => {
    const e = pluginFaultEvent({ id: 4, event_type: 'fault_updated', fault: fault(), timestamp_ns: NS + 2_000_000_000n, auto_cleared_codes: [] }, { type: 'app', entity_type: 'apps', entity_id: 'lidar' });
    expect(e).toEqual({
      id: 4,
      event_type: 'fault_updated',
      timestamp: '2026-09-21T14:13:22.000Z',
      fault: { fault_code: 'LIDAR/TIMEOUT', description: 'no scan for 2 s', severity: 3, severity_label: 'critical', status: 'CONFIRMED', occurrence_count: 2, reporting_sources: ['/demo/lidar'], first_occurred: '2026-09-21T14:13:20.000Z', last_occurred: '2026-09-21T14:13:22.000Z' },
      entity: { type: 'app', id: 'lidar' },
      path: '/api/v1/apps/lidar/faults/LIDAR%2FTIMEOUT',
    });
    const global = pluginFaultEvent({ id: 5, event_type: 'fault_cleared', fault: fault({ status: 'CLEARED' }), timestamp_ns: NS, auto_cleared_codes: ['A'] }, undefined);
    expect(global.path).toBe('/api/v1/faults/LIDAR%2FTIMEOUT');
    expect(global.entity).toBeUndefined();
    expect(global.auto_cleared_codes).toEqual(['A']);
  });

  it('reach subscribers from connect on, until they unsubscribe or the hub closes', () => {
    const stream = new FaultEventStream();
    const hub = new PluginFaultEventHub();
    const seen: PluginFaultEvent[] = [];
    const off = hub.subscribe((e) => seen.push(e));
    const publish = () => stream.publish({ event_type: 'fault_confirmed', fault: fault(), timestamp_ns: NS, auto_cleared_codes: [] });
    publish();
    expect(seen, 'not connected yet').toHaveLength(0);
    hub.connect({ events: stream, entityOf: (s) => (s === '/demo/lidar' ? { type: 'app', entity_type: 'apps', entity_id: 'lidar' } : undefined) });
    publish();
    expect(seen.map((e) => [e.event_type, e.entity?.id])).toEqual([['fault_confirmed', 'lidar']]);
    off();
    publish();
    expect(seen).toHaveLength(1);
    hub.subscribe((e) => seen.push(e));
    hub.close();
    publish();
    expect(seen).toHaveLength(1);
    expect(stream.subscriberCount, 'closing the hub leaves the stream').toBe(0);
  });
});
