import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_DIALECT, TypeRegistry } from '../src/types/index.js';

const registry = new TypeRegistry({ amentPrefixPath: '' });
type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('JSON Schema shape', () => {
  it('describes LaserScan: header via $defs, float32 bounds, arrays, x-ros-type', () => {
    const s = registry.jsonSchema('sensor_msgs/msg/LaserScan') as Schema;
    expect(s.$schema).toBe(JSON_SCHEMA_DIALECT);
    expect(s.title).toBe('sensor_msgs/msg/LaserScan');
    expect(s['x-ros-type']).toBe('sensor_msgs/msg/LaserScan');
    expect(s.type).toBe('object');
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toEqual([
      'header', 'angle_min', 'angle_max', 'angle_increment', 'time_increment', 'scan_time', 'range_min', 'range_max', 'ranges', 'intensities',
    ]);
    expect(s.properties.header).toEqual({ $ref: '#/$defs/std_msgs.msg.Header' });
    expect(s.properties.angle_min).toEqual({
      type: 'number', format: 'float', 'x-ros-type': 'float32', 'x-medkit-non-finite': ['NaN', 'Infinity', '-Infinity'], minimum: -3.4028234663852886e38, maximum: 3.4028234663852886e38, default: 0,
    });
    expect(s.properties.ranges).toMatchObject({ type: 'array', items: { 'x-ros-type': 'float32' }, 'x-ros-type': 'float32[]', default: [] });
    expect(Object.keys(s.$defs)).toEqual(['builtin_interfaces.msg.Time', 'std_msgs.msg.Header']);
    expect(s.$defs['builtin_interfaces.msg.Time'].properties).toEqual({
      sec: { type: 'integer', minimum: -2147483648, maximum: 2147483647, 'x-ros-type': 'int32', default: 0 },
      nanosec: { type: 'integer', minimum: 0, maximum: 4294967295, 'x-ros-type': 'uint32', default: 0 },
    });
  });

  it('describes Twist with one shared Vector3 definition, or inline on request', () => {
    const s = registry.jsonSchema('geometry_msgs/msg/Twist') as Schema;
    expect(s.properties).toEqual({ linear: { $ref: '#/$defs/geometry_msgs.msg.Vector3' }, angular: { $ref: '#/$defs/geometry_msgs.msg.Vector3' } });
    expect(Object.keys(s.$defs)).toEqual(['geometry_msgs.msg.Vector3']);
    const inline = registry.jsonSchema('geometry_msgs/msg/Twist', { inline: true }) as Schema;
    expect(inline.$defs).toBeUndefined();
    expect(inline.properties.linear.properties.x['x-ros-type']).toBe('float64');
    expect(inline.properties.linear['x-ros-type']).toBe('geometry_msgs/msg/Vector3');
  });

  it('describes a service request with bounds, defaults, 64-bit integers and constants', () => {
    const s = registry.jsonSchema('rcl_interfaces/srv/ListParameters_Request') as Schema;
    expect(s.description).toBe('Constants: DEPTH_RECURSIVE=0');
    expect(s['x-ros-constants']).toEqual({ DEPTH_RECURSIVE: '0' });
    expect(s.properties.depth).toEqual({
      type: 'integer', format: 'uint64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, 'x-ros-type': 'uint64', 'x-medkit-wide-string': { type: 'string', pattern: '^[0-9]+$' }, default: 0,
    });
    expect(s.properties.prefixes).toMatchObject({ type: 'array', items: { type: 'string' } });
    const d = registry.jsonSchema('rcl_interfaces/msg/ParameterDescriptor') as Schema;
    expect(d.properties.read_only).toEqual({ type: 'boolean', default: false });
    expect(d.properties.floating_point_range).toMatchObject({ type: 'array', maxItems: 1, items: { $ref: '#/$defs/rcl_interfaces.msg.FloatingPointRange' } });
    const uuid = registry.jsonSchema('unique_identifier_msgs/msg/UUID') as Schema;
    expect(uuid.properties.uuid).toMatchObject({ type: 'array', minItems: 16, maxItems: 16, 'x-ros-type': 'uint8[16]', 'x-medkit-accepts': { type: 'string', contentEncoding: 'base64' } });
    const nodeInfo = registry.jsonSchema('rmw_dds_common/msg/NodeEntitiesInfo') as Schema;
    expect(nodeInfo.properties.node_name).toEqual({ type: 'string', maxLength: 256, default: '' });
    const status = registry.jsonSchema('action_msgs/msg/GoalStatus') as Schema;
    expect(status['x-ros-constants']).toMatchObject({ STATUS_SUCCEEDED: 4, STATUS_ABORTED: 6 });
    const fault = registry.jsonSchema('ros2_medkit_msgs/msg/Fault') as Schema;
    expect(fault['x-ros-constants']).toMatchObject({ SEVERITY_CRITICAL: 3, STATUS_CONFIRMED: 'CONFIRMED' });
  });

  it('every bundled message schema compiles under draft 2020-12 and agrees with validate()', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const samples: Array<[string, unknown, boolean]> = [
      ['geometry_msgs/msg/Twist', { linear: { x: 1 } }, true],
      ['geometry_msgs/msg/Twist', { linear: { x: 'fast' } }, false],
      ['geometry_msgs/msg/Twist', { spin: 1 }, false],
      ['sensor_msgs/msg/LaserScan', { ranges: [1, 2.5] }, true],
      ['sensor_msgs/msg/LaserScan', { ranges: [1, 'inf'] }, false],
      ['std_msgs/msg/UInt8', { data: 256 }, false],
      ['std_msgs/msg/Int64', { data: -12 }, true],
      ['std_msgs/msg/Int64', { data: 'twelve' }, false],
      ['unique_identifier_msgs/msg/UUID', { uuid: Array(16).fill(0) }, true],
      ['unique_identifier_msgs/msg/UUID', { uuid: Array(15).fill(0) }, false],
      ['sensor_msgs/msg/Image', { data: [1, 2, 3] }, true],
      ['rcl_interfaces/msg/ParameterDescriptor', { floating_point_range: [{}, {}] }, false],
      ['rmw_dds_common/msg/NodeEntitiesInfo', { node_name: 'x'.repeat(257) }, false],
      ['std_msgs/msg/Bool', { data: 1 }, false],
    ];
    for (const type of registry.listTypes().filter((t) => t.includes('/msg/'))) {
      expect(() => ajv.compile(registry.jsonSchema(type)), type).not.toThrow();
    }
    for (const [type, value, valid] of samples) {
      const check = ajv.compile(registry.jsonSchema(type));
      expect(check(value), `${type} ${JSON.stringify(value)} (ajv)`).toBe(valid);
      expect(registry.validate(type, value).length === 0, `${type} ${JSON.stringify(value)} (validate)`).toBe(valid);
    }
  });

  it('gives every field one JSON type, keeping the string forms of non-finite floats, wide integers and base64 bytes in x-medkit keys', () => {
    // Reference clients read `type` as one string; a union such as ["number", "string"] breaks them.
    const walk = (s: Schema, path: string, out: string[]) => {
      if ('type' in s && typeof s.type !== 'string') out.push(`${path}: ${JSON.stringify(s.type)}`);
      for (const [name, sub] of Object.entries({ ...s.properties, ...s.$defs })) walk(sub as Schema, `${path}/${name}`, out);
      if (s.items) walk(s.items, `${path}/items`, out);
    };
    const unions: string[] = [];
    for (const type of registry.listTypes().filter((t) => t.includes('/msg/'))) walk(registry.jsonSchema(type) as Schema, type, unions);
    expect(unions).toEqual([]);
    const scan = registry.jsonSchema('sensor_msgs/msg/LaserScan', { inline: true }) as Schema;
    expect(scan.properties.range_max).toMatchObject({ type: 'number', format: 'float', 'x-medkit-non-finite': ['NaN', 'Infinity', '-Infinity'] });
    expect(scan.properties.ranges.items).toMatchObject({ type: 'number', format: 'float' });
    expect((registry.jsonSchema('std_msgs/msg/Float64') as Schema).properties.data).toMatchObject({ type: 'number', format: 'double' });
    expect((registry.jsonSchema('std_msgs/msg/Int64') as Schema).properties.data).toMatchObject({ type: 'integer', format: 'int64', 'x-medkit-wide-string': { type: 'string' } });
    expect((registry.jsonSchema('sensor_msgs/msg/Image') as Schema).properties.data).toMatchObject({ type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 } });
    // The forms outside `type` are what the JSON form writes and accepts (README-types.md).
    expect(registry.validate('sensor_msgs/msg/LaserScan', { ranges: [1, 'Infinity', 'NaN'] })).toEqual([]);
    expect(registry.validate('std_msgs/msg/Int64', { data: '-9007199254740993' })).toEqual([]);
    expect(registry.validate('sensor_msgs/msg/Image', { data: 'AQID' })).toEqual([]);
  });

  it('accepts every default value it documents', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const type of registry.listTypes().filter((t) => t.includes('/msg/'))) {
      const v = registry.defaultValue(type);
      expect(ajv.validate(registry.jsonSchema(type), v), type).toBe(true);
      expect(registry.validate(type, v), type).toEqual([]);
    }
  });
});

describe('validate', () => {
  it('names the failing field with a JSON pointer', () => {
    expect(registry.validate('geometry_msgs/msg/Twist', { linear: { x: 'a' } })).toEqual([{ path: '/linear/x', message: 'expected number, got string' }]);
    expect(registry.validate('geometry_msgs/msg/PoseArray', { poses: [{}, { position: { y: null } }] })).toEqual([
      { path: '/poses/1/position/y', message: 'expected number, got null' },
    ]);
    expect(registry.validate('diagnostic_msgs/msg/DiagnosticArray', { status: [{ values: [{ key: 1 }] }] })).toEqual([
      { path: '/status/0/values/0/key', message: 'expected string, got number' },
    ]);
    expect(registry.validate('std_msgs/msg/String', 'hello')).toEqual([{ path: '', message: 'expected object, got string' }]);
    expect(registry.validate('std_msgs/msg/String', { 'a/b~c': 1 })).toEqual([{ path: '/a~1b~0c', message: 'unknown field' }]);
    expect(registry.validate('std_srvs/srv/SetBool_Request', { data: 'yes' })).toEqual([{ path: '/data', message: 'expected boolean, got string' }]);
  });

  it('checks array lengths and string bounds', () => {
    expect(registry.validate('geometry_msgs/msg/PoseWithCovariance', { covariance: [1, 2] })).toEqual([{ path: '/covariance', message: 'expected exactly 36 items, got 2' }]);
    expect(registry.validate('rcl_interfaces/msg/ParameterDescriptor', { integer_range: [{}, {}] })).toEqual([{ path: '/integer_range', message: 'expected at most 1 items, got 2' }]);
    expect(registry.validate('rmw_dds_common/msg/NodeEntitiesInfo', { node_name: 'ü'.repeat(129) })).toEqual([
      { path: '/node_name', message: 'string is 258 bytes long, at most 256 allowed' },
    ]);
    expect(registry.validate('sensor_msgs/msg/JointState', { name: 'j1' })).toEqual([{ path: '/name', message: 'expected array, got string' }]);
  });

  it('caps the number of issues for huge wrong arrays', () => {
    const issues = registry.validate('sensor_msgs/msg/LaserScan', { ranges: Array(10_000).fill('x') });
    expect(issues).toHaveLength(50);
    expect(issues[0]).toEqual({ path: '/ranges/0', message: 'expected number, got string' });
  });
});
