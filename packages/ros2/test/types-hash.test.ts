import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TypeRegistry } from '../src/types/index.js';

const registry = new TypeRegistry({ amentPrefixPath: '' });

interface GoldenVector {
  type: string;
  hash: string;
  source: { repo: string; path: string; what: string };
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/type-hashes.json', import.meta.url), 'utf8')) as { vectors: GoldenVector[] };

describe('RIHS01 type hashes', () => {
  it.each(golden.vectors.map((v) => [v.type, v] as const))('%s matches what ROS 2 announced', (type, v) => {
    expect(v.source.repo.length).toBeGreaterThan(0);
    expect(registry.typeHash(type)).toBe(v.hash);
  });

  it('match the values ROS 2 computes', () => {
    // std_msgs/String: docs/ros2.md. The others are published test values of an independent implementation.
    expect(registry.typeHash('std_msgs/msg/String')).toBe('RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18');
    expect(registry.typeHash('std_msgs/msg/Byte')).toBe('RIHS01_41e1a3345f73fe93ede006da826a6ee274af23dd4653976ff249b0f44e3e798f');
    expect(registry.typeHash('std_msgs/msg/ByteMultiArray')).toBe('RIHS01_972fec7f50ab3c1d06783c228e79e8a9a509021708c511c059926261ada901d4');
    expect(registry.typeHash('geometry_msgs/msg/Accel')).toBe('RIHS01_dc448243ded9b1fcbcca24aba0c22f013dae06c354ba2d849571c0a2a3f57ca0');
  });

  it('describes .msg char as uint8 (rosidl_adapter maps it to IDL uint8) and keeps byte, bounded strings and array kinds apart', () => {
    const r = new TypeRegistry({ amentPrefixPath: '' });
    r.registerDefinition(
      'test_msgs/msg/Hash',
      [
        'byte[4] array', 'byte[] sequence', 'byte[<=4] bounded_sequence', 'char[4] chars', 'char one_char', 'char[] char_sequence',
        'char[<=3] char_bounded', 'string str', 'string[4] array_of_str', 'string<=8 bounded_str', 'string<=8[4] array_of_bounded_str',
        'string<=8[] sequence_of_bounded_str', 'wstring<=5 bounded_wstr', 'string<=8[<=4] bounded_sequence_of_bounded_str',
      ].join('\n'),
    );
    const d = r.typeDescription('test_msgs/msg/Hash').type_description.fields.map((f) => [f.name, f.type.type_id, f.type.capacity, f.type.string_capacity]);
    expect(d).toEqual([
      ['array', 64, 4, 0], ['sequence', 160, 0, 0], ['bounded_sequence', 112, 4, 0],
      ['chars', 51, 4, 0], ['one_char', 3, 0, 0], ['char_sequence', 147, 0, 0], ['char_bounded', 99, 3, 0],
      ['str', 17, 0, 0], ['array_of_str', 65, 4, 0], ['bounded_str', 21, 0, 8], ['array_of_bounded_str', 69, 4, 8],
      ['sequence_of_bounded_str', 165, 0, 8], ['bounded_wstr', 22, 0, 5], ['bounded_sequence_of_bounded_str', 117, 4, 8],
    ]);
    // A char field hashes exactly like the same field written uint8.
    r.registerDefinition('test_msgs/msg/AsUint8', 'uint8[16] data\n');
    r.registerDefinition('test_msgs/msg/AsChar', 'char[16] data\n');
    expect(r.typeDescription('test_msgs/msg/AsChar').type_description.fields).toEqual(r.typeDescription('test_msgs/msg/AsUint8').type_description.fields);
    expect(r.typeDescription('rmw_dds_common/msg/Gid').type_description.fields[0].type.type_id).toBe(51);
  });

  it('hashes test_msgs/msg/BasicTypes (char among every basic type) as an Iron+ build generated it', () => {
    // The value from rosidl_generator_c's basic_types__description.c of a public Iron+ build of test_msgs; the fields
    // are that file's raw source.
    const r = new TypeRegistry({ amentPrefixPath: '' });
    const fields = ['bool', 'byte', 'char', 'float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];
    r.registerDefinition('test_msgs/msg/BasicTypes', fields.map((t) => `${t} ${t}_value`).join('\n'));
    expect(r.typeHash('test_msgs/msg/BasicTypes')).toBe('RIHS01_7c300afd4e796798d49bdd6cdaa0fa87fa0ed2ba3217d977e1faa87070d797ab');
  });

  it('describes a service with its implicit _Event, and remembers hashes only until a registration', () => {
    const desc = registry.typeDescription('example_interfaces/srv/AddTwoInts');
    expect(desc.type_description.fields.map((f) => [f.name, f.type.type_id, f.type.nested_type_name])).toEqual([
      ['request_message', 1, 'example_interfaces/srv/AddTwoInts_Request'],
      ['response_message', 1, 'example_interfaces/srv/AddTwoInts_Response'],
      ['event_message', 1, 'example_interfaces/srv/AddTwoInts_Event'],
    ]);
    expect(desc.referenced_type_descriptions?.map((d) => d.type_name)).toEqual([
      'builtin_interfaces/msg/Time', 'example_interfaces/srv/AddTwoInts_Event', 'example_interfaces/srv/AddTwoInts_Request',
      'example_interfaces/srv/AddTwoInts_Response', 'service_msgs/msg/ServiceEventInfo',
    ]);
    const r = new TypeRegistry({ amentPrefixPath: '' });
    r.registerDefinition('test_msgs/msg/Changing', 'int32 a\n');
    const before = r.typeHash('test_msgs/msg/Changing');
    r.registerDefinition('test_msgs/msg/Changing', 'int64 a\n');
    expect(r.typeHash('test_msgs/msg/Changing')).not.toBe(before);
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
