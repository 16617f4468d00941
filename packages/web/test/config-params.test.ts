// Parameters in the configurations view (issue 56): descriptions and read-only flags from the list, and the
// prefixes the UI never edits.
import { describe, expect, it } from 'vitest';
import { changeText, lockedReason, normalizeConfigurations, paramChange, withDetail } from '../src/model/config-params';

describe('configuration rows', () => {
  it('carry the description and read-only flag the list gives, and lock medkit-internal and read-only parameters', () => {
    const rows = normalizeConfigurations({
      items: ['low_voltage', 'serial', 'ros2_medkit.discovery.entity_id', 'qos_overrides./scan.publisher.depth', 'ros2_medkitx'].map((id) => ({ id, name: id, type: 'parameter' })),
      'x-medkit': {
        parameters: [
          { name: 'low_voltage', value: 22, type: 'double', description: 'BATTERY_LOW below this voltage (V)' },
          { name: 'serial', value: 'SN', type: 'string', read_only: true },
          { name: 'ros2_medkit.discovery.entity_id', value: 'battery_monitor', type: 'string' },
          { name: 'qos_overrides./scan.publisher.depth', value: 5, type: 'int' },
          { name: 'ros2_medkitx', value: 1, type: 'int', read_only: 'yes', description: '' },
        ],
      },
    });
    expect(rows.map((r) => [r.name, r.description, r.readOnly])).toEqual([
      ['low_voltage', 'BATTERY_LOW below this voltage (V)', undefined],
      ['serial', undefined, true],
      ['ros2_medkit.discovery.entity_id', undefined, undefined],
      ['qos_overrides./scan.publisher.depth', undefined, undefined],
      // Only a real `true` is read-only; an empty description is none.
      ['ros2_medkitx', undefined, undefined],
    ]);
    expect(rows.map((r) => lockedReason(r) !== undefined)).toEqual([false, true, true, true, false]);
    expect(lockedReason(rows[2])).toContain('ros2_medkit.*');
  });

  it('names a write as it is confirmed and reported: the node, the old value and the new', () => {
    const [row] = normalizeConfigurations({ items: [{ id: 'max_speed', name: 'max_speed' }], 'x-medkit': { parameters: [{ name: 'max_speed', value: 0.5, type: 'double' }] } });
    // The detail read names the node (x-medkit.ros2.node).
    const read = withDetail(row, { id: 'max_speed', data: 0.5, 'x-medkit': { ros2: { node: '/safety/safety_gate' }, parameter: { name: 'max_speed', value: 0.5, type: 'double' } } });
    expect(changeText(paramChange(read, 0.8, 'safety_gate'))).toBe('max_speed on /safety/safety_gate: 0.5 → 0.8');
    // Without a node name, the entity; an unset value says so.
    expect(changeText(paramChange({ ...row, value: undefined }, 1, 'safety_gate'))).toBe('max_speed on safety_gate: (not set) → 1');
  });
});
