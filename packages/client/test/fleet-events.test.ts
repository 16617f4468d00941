// The fleet stream's events as the client parses them: fault events with their robot, the explicit
// resync request (x-medkit-resync) that tells a client to list again, and malformed data refused.
import { describe, expect, it } from 'vitest';
import { FleetEventOrder, fleetEventPosition, fleetFaultParams, parseFleetStreamEvent } from '../src/index.js';

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

  it('names each event by its robot and sequence number, from the id or (older fleets) from x-medkit', () => {
    expect(fleetEventPosition({ id: '1207.amr-07.55', robot_id: 'amr-07' })).toEqual({ robot: 'amr-07', seq: 55 });
    // Hostile ids: a sequence past 15 digits (not exact in a double), an over-long robot id, a huge id.
    expect(fleetEventPosition({ id: '1.amr-07.12345678901234567890', robot_id: 'amr-07' })).toBeUndefined();
    expect(fleetEventPosition({ id: `1.${'r'.repeat(65)}.5`, robot_id: 'amr-07' })).toBeUndefined();
    expect(fleetEventPosition({ id: '9'.repeat(100_000), robot_id: 'amr-07' })).toBeUndefined();
    expect(fleetEventPosition({ id: '1207', robot_id: 'amr-07', 'x-medkit': { robot_id: 'amr-07', event_id: 'amr-07:55' } })).toEqual({ robot: 'amr-07', seq: 55 });
    expect(fleetEventPosition({ robot_id: 'amr-07' })).toBeUndefined();
  });

  it('delivers each robot\'s events once and in order: repeats and older ones are dropped, other robots are apart', () => {
    const order = new FleetEventOrder();
    const ids = ['10.a.1', '11.b.1', '11.a.3', '12.a.2', '12.a.3', '13.b.2', '13.a.4', '11.b.1'];
    expect(ids.filter((id) => order.accept({ id, robot_id: id.split('.')[1] }))).toEqual(['10.a.1', '11.b.1', '11.a.3', '13.b.2', '13.a.4']);
    expect(order.dropped).toBe(3);
  });

  it('remembers a bounded number of robots, the least recently heard forgotten first', () => {
    const order = new FleetEventOrder(2);
    for (const id of ['1.a.5', '2.b.5', '3.a.6', '4.c.5']) order.accept({ id, robot_id: '' });
    // b was forgotten (its repeat passes again); a is still known.
    expect(order.accept({ id: '5.a.6', robot_id: '' })).toBe(false);
    expect(order.accept({ id: '5.b.5', robot_id: '' })).toBe(true);
  });
});
