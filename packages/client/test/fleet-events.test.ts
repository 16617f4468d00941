// The fleet stream's events as the client parses them: fault events with their robot, the explicit
// resync request (x-medkit-resync) that tells a client to list again, and malformed data refused.
import { describe, expect, it } from 'vitest';
import { fleetFaultParams, parseFleetStreamEvent } from '../src/index.js';

const fault = { event_type: 'fault_confirmed', fault_code: 'LIDAR_TIMEOUT', severity: 2, status: 'CONFIRMED', description: 'No scan', occurrence_count: 1, reporting_sources: ['/sensors/lidar'], first_occurred: '2026-01-01T00:00:00Z', last_occurred: '2026-01-01T00:00:00Z' };

describe('fleet stream events', () => {
  it('reads a fault event with its robot and id', () => {
    const ev = parseFleetStreamEvent({ id: '42', event: 'fault_confirmed', data: JSON.stringify({ event_type: 'fault_confirmed', robot_id: 'amr-07', timestamp: '2026-01-01T00:00:00Z', fault }) });
    expect(ev).toEqual({ kind: 'fault', event: { id: '42', event_type: 'fault_confirmed', robot_id: 'amr-07', timestamp: '2026-01-01T00:00:00Z', fault } });
  });

  it('reads a resync request, with or without a reason', () => {
    expect(parseFleetStreamEvent({ event: 'x-medkit-resync', data: '{"reason":"replay_limit","after":17}' })).toEqual({ kind: 'resync', id: undefined, resync: { reason: 'replay_limit', after: 17 } });
    expect(parseFleetStreamEvent({ event: 'x-medkit-resync', data: '{}' })).toMatchObject({ kind: 'resync', resync: { reason: 'unspecified' } });
  });

  it('skips unknown event names and refuses events without a robot or fault', () => {
    expect(parseFleetStreamEvent({ event: 'something_new', data: '{}' })).toBeUndefined();
    expect(() => parseFleetStreamEvent({ event: 'fault_confirmed', data: JSON.stringify({ event_type: 'fault_confirmed', fault }) })).toThrow(/robot/);
    expect(() => parseFleetStreamEvent({ event: 'fault_confirmed', data: 'null' })).toThrow();
    expect(() => parseFleetStreamEvent({ event: 'x-medkit-resync', data: 'not json' })).toThrow();
  });

  it('sends only the filters that are set, robots comma-separated', () => {
    expect(fleetFaultParams({ robot: ['a', 'b'], fault_code: 'LIDAR_*', severity: '', limit: 50 })).toEqual({ robot: 'a,b', fault_code: 'LIDAR_*', severity: undefined, status: undefined, since: undefined, until: undefined, limit: 50, cursor: undefined });
  });
});
