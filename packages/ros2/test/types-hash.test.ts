import { describe, expect, it } from 'vitest';
import { TypeRegistry } from '../src/types/index.js';

const registry = new TypeRegistry({ amentPrefixPath: '' });

describe('RIHS01 type hashes', () => {
  it('match the values ROS 2 computes', () => {
    // std_msgs/String: docs/ros2.md. The others are published test values of an independent implementation.
    expect(registry.typeHash('std_msgs/msg/String')).toBe('RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18');
    expect(registry.typeHash('std_msgs/msg/Byte')).toBe('RIHS01_41e1a3345f73fe93ede006da826a6ee274af23dd4653976ff249b0f44e3e798f');
    expect(registry.typeHash('std_msgs/msg/ByteMultiArray')).toBe('RIHS01_972fec7f50ab3c1d06783c228e79e8a9a509021708c511c059926261ada901d4');
    expect(registry.typeHash('geometry_msgs/msg/Accel')).toBe('RIHS01_dc448243ded9b1fcbcca24aba0c22f013dae06c354ba2d849571c0a2a3f57ca0');
  });

  it('distinguishes byte, char, bounded strings and array kinds', () => {
    const r = new TypeRegistry({ amentPrefixPath: '' });
    r.registerDefinition(
      'test_msgs/msg/Hash',
      [
        'byte[4] array', 'byte[] sequence', 'byte[<=4] bounded_sequence', 'char[4] chars', 'string str', 'string[4] array_of_str',
        'string<=8 bounded_str', 'string<=8[4] array_of_bounded_str', 'string<=8[] sequence_of_bounded_str',
        'string<=8[<=4] bounded_sequence_of_bounded_str',
      ].join('\n'),
    );
    expect(r.typeHash('test_msgs/msg/Hash')).toBe('RIHS01_6f444494cb202f5c8dc6f92c98f4c60b926f1b24a3dc1cabfa7fbd35c72e246a');
    const d = r.typeDescription('test_msgs/msg/Hash').type_description.fields.map((f) => [f.name, f.type.type_id, f.type.capacity, f.type.string_capacity]);
    expect(d.slice(0, 4)).toEqual([['array', 64, 4, 0], ['sequence', 160, 0, 0], ['bounded_sequence', 112, 4, 0], ['chars', 61, 4, 0]]);
    expect(d.at(-1)).toEqual(['bounded_sequence_of_bounded_str', 117, 4, 8]);
  });

  it('describes nested types once each, sorted, and round-trips through registerFromTypeDescription', () => {
    const desc = registry.typeDescription('sensor_msgs/msg/LaserScan');
    expect(desc.referenced_type_descriptions?.map((d) => d.type_name)).toEqual(['builtin_interfaces/msg/Time', 'std_msgs/msg/Header']);
    const other = new TypeRegistry({ amentPrefixPath: '', includeBundled: false });
    other.registerFromTypeDescription(desc);
    expect(other.typeHash('sensor_msgs/msg/LaserScan')).toBe(registry.typeHash('sensor_msgs/msg/LaserScan'));
    expect(registry.typeDescription('std_msgs/msg/Empty').type_description.fields.map((f) => f.name)).toEqual(['structure_needs_at_least_one_member']);
  });
});
