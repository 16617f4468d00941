import { describe, expect, it } from 'vitest';
import {
  CdrDecodeError,
  DecodeBudgetError,
  TypeRegistry,
  UnsupportedEncodingError,
  ValidationError,
} from '../src/types/index.js';

const registry = new TypeRegistry({ amentPrefixPath: '' });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const roundTrip = (type: string, value: unknown): unknown => registry.deserialize(type, registry.serialize(type, value));

describe('serialize', () => {
  it('writes CDR_LE with a zero options field and pads to 4', () => {
    const b = registry.serialize('std_msgs/msg/Bool', { data: true });
    expect(hex(b)).toBe('0001000001000000');
    expect(registry.serialize('geometry_msgs/msg/Twist', {}).length % 4).toBe(0);
  });

  it('fills missing fields with declared defaults or zero values', () => {
    expect(roundTrip('geometry_msgs/msg/Twist', { linear: { x: 1 } })).toEqual({ linear: { x: 1, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
    expect(roundTrip('geometry_msgs/msg/Quaternion', {})).toEqual({ x: 0, y: 0, z: 0, w: 1 });
    expect(roundTrip('rcl_interfaces/msg/Log', { msg: 'x' })).toMatchObject({ msg: 'x', level: 0, stamp: { sec: 0, nanosec: 0 }, name: '' });
    expect(roundTrip('type_description_interfaces/srv/GetTypeDescription_Request', {})).toEqual({ type_name: '', type_hash: '', include_type_sources: true });
    expect((roundTrip('sensor_msgs/msg/Imu', {}) as { orientation_covariance: number[] }).orientation_covariance).toEqual(Array(9).fill(0));
  });

  it('writes strings as UTF-8 bytes with a length that counts the bytes and the NUL', () => {
    expect(hex(registry.serialize('std_msgs/msg/String', { data: 'Ü🔥' }))).toBe('00010000' + '07000000' + 'c39c' + 'f09f94a5' + '00' + '00');
    expect(roundTrip('std_msgs/msg/String', { data: 'Überhitzt 🔥 ok' })).toEqual({ data: 'Überhitzt 🔥 ok' });
  });

  it('writes the one placeholder byte for empty messages', () => {
    expect(hex(registry.serialize('std_msgs/msg/Empty', {}))).toBe('0001000000000000');
    expect(registry.deserialize('std_msgs/msg/Empty', registry.serialize('std_msgs/msg/Empty', {}))).toEqual({});
    expect(hex(registry.serialize('std_srvs/srv/Trigger_Request', undefined))).toBe('0001000000000000');
    expect(hex(registry.serialize('rcl_interfaces/msg/ParameterType', {}))).toBe('0001000000000000');
  });

  it('refuses invalid values with every failing path instead of writing zeros', () => {
    try {
      registry.serialize('geometry_msgs/msg/Twist', { linear: { x: 'fast' }, angular: [], spin: 1 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      const e = err as ValidationError;
      expect(e.issues).toEqual([
        { path: '/spin', message: 'unknown field' },
        { path: '/linear/x', message: 'expected number, got string' },
        { path: '/angular', message: 'expected object, got array' },
      ]);
      expect(e.message).toContain('/linear/x: expected number, got string');
    }
  });

  it('lays out an action SendGoal request as goal_id then goal', () => {
    const goalId = Array.from({ length: 16 }, (_v, i) => i + 1);
    const b = registry.serialize('example_interfaces/action/Fibonacci_SendGoal_Request', { goal_id: { uuid: goalId }, goal: { order: 10 } });
    expect(hex(b)).toBe('00010000' + Buffer.from(goalId).toString('hex') + '0a000000');
    const resp = registry.serialize('example_interfaces/action/Fibonacci_GetResult_Response', { status: 4, result: { sequence: [0, 1, 1] } });
    expect(hex(resp)).toBe('00010000' + '04000000' + '03000000' + '000000000100000001000000');
  });
});

describe('JSON mapping of 64-bit integers', () => {
  it('gives numbers while safe and decimal strings beyond 2^53', () => {
    expect(roundTrip('std_msgs/msg/Int64', { data: -42 })).toEqual({ data: -42 });
    expect(roundTrip('std_msgs/msg/Int64', { data: '-9223372036854775808' })).toEqual({ data: '-9223372036854775808' });
    expect(roundTrip('std_msgs/msg/UInt64', { data: '18446744073709551615' })).toEqual({ data: '18446744073709551615' });
    expect(roundTrip('std_msgs/msg/UInt64', { data: 9007199254740991 })).toEqual({ data: 9007199254740991 });
    expect(roundTrip('std_msgs/msg/UInt64', { data: '9007199254740993' })).toEqual({ data: '9007199254740993' });
    expect(roundTrip('std_msgs/msg/Int64', { data: 12n })).toEqual({ data: 12 });
    expect(roundTrip('rcl_interfaces/msg/ParameterValue', { type: 7, integer_array_value: [1, '-9223372036854775807'] })).toMatchObject({
      integer_array_value: [1, '-9223372036854775807'],
    });
  });

  it('rejects unsafe numbers, out-of-range strings and non-integers', () => {
    expect(registry.validate('std_msgs/msg/Int64', { data: 2 ** 60 })).toEqual([{ path: '/data', message: 'integer beyond 2^53 loses precision: send it as a decimal string' }]);
    expect(registry.validate('std_msgs/msg/UInt64', { data: '-1' })[0].message).toMatch(/out of range for uint64/);
    expect(registry.validate('std_msgs/msg/Int64', { data: '9223372036854775808' })[0].message).toMatch(/out of range for int64/);
    expect(registry.validate('std_msgs/msg/Int64', { data: 1.5 })[0].message).toBe('expected integer, got 1.5');
    expect(registry.validate('std_msgs/msg/Int64', { data: '1e3' })[0].message).toBe('expected integer or decimal string, got string');
    expect(registry.validate('std_msgs/msg/Int32', { data: '5' })[0].message).toBe('expected integer, got string');
    expect(registry.validate('std_msgs/msg/UInt8', { data: 256 })[0].message).toBe('out of range for uint8 [0, 255]');
    expect(registry.validate('std_msgs/msg/Int8', { data: -129 })[0].message).toBe('out of range for int8 [-128, 127]');
  });

  it('hands bigint and typed arrays through in native form', () => {
    const b = registry.serialize('std_msgs/msg/Int64', { data: -5n });
    expect(registry.deserialize('std_msgs/msg/Int64', b, { form: 'native' })).toEqual({ data: -5n });
    const img = registry.deserialize('sensor_msgs/msg/Image', registry.serialize('sensor_msgs/msg/Image', { data: new Uint8Array([9, 8]) }), { form: 'native' });
    expect(img.data).toBeInstanceOf(Uint8Array);
  });
});

describe('JSON mapping of floats and bytes', () => {
  it('writes non-finite floats as "NaN", "Infinity", "-Infinity" and reads them back', () => {
    const scan = { ranges: [1.5, 'Infinity', '-Infinity', 'NaN'], range_max: 'Infinity' };
    expect(roundTrip('sensor_msgs/msg/LaserScan', scan)).toMatchObject(scan);
    expect(registry.validate('std_msgs/msg/Float64', { data: 'inf' })).toEqual([{ path: '/data', message: 'expected number, got string' }]);
    expect(registry.validate('std_msgs/msg/Float32', { data: 1e39 })).toEqual([{ path: '/data', message: 'out of range for float32' }]);
  });

  it('prints float32 values in their shortest exact form', () => {
    expect(roundTrip('std_msgs/msg/Float32', { data: 0.1 })).toEqual({ data: 0.1 });
    let seed = 3;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const x = Math.fround((seed / 0x7fffffff - 0.5) * 10 ** ((seed % 40) - 20));
      const back = (roundTrip('std_msgs/msg/Float32', { data: x }) as { data: number }).data;
      expect(Math.fround(back)).toBe(x);
      expect(String(back).replace(/e.*/, '').replace(/[-.]/g, '').replace(/^0+|0+$/g, '').length).toBeLessThanOrEqual(9);
    }
    expect(roundTrip('std_msgs/msg/ColorRGBA', { r: 0.2, g: 1 / 3, b: 1e-7, a: 16777217 })).toEqual({ r: 0.2, g: 0.33333334, b: 1e-7, a: 16777216 });
  });

  it('accepts byte arrays as numbers or base64 and outputs either', () => {
    const fromArray = registry.serialize('sensor_msgs/msg/CompressedImage', { format: 'png', data: [1, 2, 3, 255] });
    const fromBase64 = registry.serialize('sensor_msgs/msg/CompressedImage', { format: 'png', data: Buffer.from([1, 2, 3, 255]).toString('base64') });
    expect(hex(fromBase64)).toBe(hex(fromArray));
    expect(registry.deserialize('sensor_msgs/msg/CompressedImage', fromArray)).toMatchObject({ data: [1, 2, 3, 255] });
    expect(registry.deserialize('sensor_msgs/msg/CompressedImage', fromArray, { bytes: 'base64' })).toMatchObject({ data: 'AQID/w==' });
    expect(registry.validate('unique_identifier_msgs/msg/UUID', { uuid: 'AAEC' })).toEqual([{ path: '/uuid', message: 'expected exactly 16 items, got 3' }]);
    expect(registry.validate('sensor_msgs/msg/Image', { data: 'not base64!' })[0].path).toBe('/data');
    expect(registry.validate('sensor_msgs/msg/Image', { data: [1, 300] })).toEqual([{ path: '/data/1', message: 'out of range for uint8 [0, 255]' }]);
  });
});

describe('round trips', () => {
  it('every bundled message type survives default → bytes → JSON', () => {
    const types = registry.listTypes().filter((t) => t.includes('/msg/'));
    for (const t of types) {
      const value = registry.defaultValue(t);
      expect(roundTrip(t, value), t).toEqual(value);
    }
  });

  it('keeps realistic values of nested and array-heavy types', () => {
    const odom = {
      header: { stamp: { sec: 1700000000, nanosec: 5 }, frame_id: 'odom' },
      child_frame_id: 'base_link',
      pose: { pose: { position: { x: 1.25, y: -2, z: 0 }, orientation: { x: 0, y: 0, z: 0.7071, w: 0.7071 } }, covariance: Array.from({ length: 36 }, (_v, i) => i / 10) },
      twist: { twist: { linear: { x: 0.5, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.1 } }, covariance: Array(36).fill(0) },
    };
    expect(roundTrip('nav_msgs/msg/Odometry', odom)).toEqual(odom);
    const diag = {
      header: { stamp: { sec: 3, nanosec: 4 }, frame_id: '' },
      status: [{ level: 2, name: 'motor: temp', message: 'Überhitzt 🔥', hardware_id: 'm1', values: [{ key: 'temp', value: '97' }] }],
    };
    expect(roundTrip('diagnostic_msgs/msg/DiagnosticArray', diag)).toEqual(diag);
    const event = { event_type: 'fault_confirmed', fault: { fault_code: 'MOTOR_OVERHEAT', severity: 2, reporting_sources: ['/powertrain/motor'] }, auto_cleared_codes: [] };
    expect(roundTrip('ros2_medkit_msgs/msg/FaultEvent', event)).toMatchObject(event);
  });
});

describe('deserialize: encodings and bad payloads', () => {
  const le = registry.serialize('geometry_msgs/msg/Vector3Stamped', { header: { stamp: { sec: 1, nanosec: 2 }, frame_id: 'map' }, vector: { x: 1, y: -2, z: 3.5 } });

  it('reads big-endian CDR', () => {
    // Hand-assembled CDR_BE of the same value: int32, uint32, string "map", then three float64
    // (offset 20 is already 8-aligned, counting from the byte after the header).
    const be = Buffer.alloc(44);
    be.writeUInt16BE(0x0000, 0);
    be.writeInt32BE(1, 4);
    be.writeUInt32BE(2, 8);
    be.writeUInt32BE(4, 12);
    be.write('map\0', 16);
    be.writeDoubleBE(1, 20);
    be.writeDoubleBE(-2, 28);
    be.writeDoubleBE(3.5, 36);
    expect(registry.deserialize('geometry_msgs/msg/Vector3Stamped', new Uint8Array(be))).toEqual(registry.deserialize('geometry_msgs/msg/Vector3Stamped', le));
    // A big-endian primitive sequence: dim count 0, data_offset 0, data count 2, 7, 255.
    const seq = Buffer.from('00000000' + '00000000' + '00000000' + '00000002' + '00000007' + '000000ff', 'hex');
    expect(registry.deserialize('std_msgs/msg/UInt32MultiArray', new Uint8Array(seq))).toEqual({ layout: { dim: [], data_offset: 0 }, data: [7, 255] });
  });

  it('reads payloads that start at an odd offset inside a bigger buffer', () => {
    const arr = registry.serialize('std_msgs/msg/Float64MultiArray', { data: [1.5, 2.5, 3.5] });
    const big = new Uint8Array(arr.length + 3);
    big.set(arr, 3);
    expect(registry.deserialize('std_msgs/msg/Float64MultiArray', big.subarray(3))).toMatchObject({ data: [1.5, 2.5, 3.5] });
  });

  it('refuses XCDR2 and parameter-list payloads with a clear unsupported-encoding error', () => {
    for (const id of [0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b]) {
      const p = new Uint8Array(le);
      p[1] = id;
      expect(() => registry.deserialize('geometry_msgs/msg/Vector3Stamped', p)).toThrow(UnsupportedEncodingError);
      expect(() => registry.deserialize('geometry_msgs/msg/Vector3Stamped', p)).toThrow(/unsupported encoding XCDR2/);
    }
    const pl = new Uint8Array(le);
    pl[1] = 0x03;
    expect(() => registry.deserialize('geometry_msgs/msg/Vector3Stamped', pl)).toThrow(/parameter-list/);
    const odd = new Uint8Array(le);
    odd[0] = 0x12;
    try {
      registry.deserialize('geometry_msgs/msg/Vector3Stamped', odd);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UnsupportedEncodingError);
      expect((err as UnsupportedEncodingError).encapsulation).toBe(0x1201);
    }
  });

  it('refuses truncated payloads and forged lengths with CdrDecodeError', () => {
    expect(() => registry.deserialize('std_msgs/msg/String', new Uint8Array([0, 1]))).toThrow(/shorter than the 4-byte encapsulation header/);
    for (let cut = 4; cut < le.length - 8; cut += 3) {
      expect(() => registry.deserialize('geometry_msgs/msg/Vector3Stamped', le.subarray(0, cut))).toThrow(CdrDecodeError);
    }
    // A sequence claiming 2^32-1 float64 elements, little and big endian: no allocation, a clear error.
    for (const [kind, count] of [['0001', 'ffffffff'], ['0000', 'ffffffff'], ['0000', '1fffffff']]) {
      const forged = new Uint8Array(Buffer.from(`${kind}0000` + '00000000' + '00000000' + count + '0000000000000000', 'hex'));
      expect(() => registry.deserialize('std_msgs/msg/Float64MultiArray', forged)).toThrow(/claims \d+ elements but only \d+ bytes are left/);
    }
    const hugeStrings = new Uint8Array(Buffer.from('00000000' + '7fffffff' + '00000000', 'hex'));
    expect(() => registry.deserialize('rcl_interfaces/srv/GetParameters_Request', hugeStrings)).toThrow(CdrDecodeError);
  });

  it('survives random garbage for every bundled message type without throwing anything but typed errors', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const types = registry.listTypes().filter((t) => t.includes('/msg/'));
    for (const t of types) {
      for (let i = 0; i < 5; i++) {
        const len = 4 + Math.floor(rnd() * 64);
        const p = new Uint8Array(len).map(() => Math.floor(rnd() * 256));
        p[0] = 0;
        p[1] = i % 2;
        try {
          registry.deserialize(t, p);
        } catch (err) {
          expect(err, t).toBeInstanceOf(CdrDecodeError);
        }
      }
    }
  });
});

describe('deserialize: the value budget (DecodeOptions.maxValues, issue 66)', () => {
  /** A DiagnosticArray of one status with `n` empty key-values, as a forged writer sends it (16 bytes each). */
  const keyValues = (n: number): Uint8Array => registry.serialize('diagnostic_msgs/msg/DiagnosticArray', { status: [{ name: 'x', values: Array.from({ length: n }, () => ({})) }] });

  it('decodes a message within the budget, and refuses one past it before decoding anything', () => {
    const small = keyValues(1000);
    expect((registry.deserialize('diagnostic_msgs/msg/DiagnosticArray', small, { maxValues: 200_000 }) as { status: { values: unknown[] }[] }).status[0].values).toHaveLength(1000);
    // 1,000 key-values make 6,000 values (a struct counts 4, each string 1) and more besides.
    expect(() => registry.deserialize('diagnostic_msgs/msg/DiagnosticArray', small, { maxValues: 6000 })).toThrow(DecodeBudgetError);
    expect(() => registry.deserialize('diagnostic_msgs/msg/DiagnosticArray', small, { maxValues: 6000 })).toThrow(/cannot decode diagnostic_msgs\/msg\/DiagnosticArray: decoding would make more than 6000 values/);
  });

  it('refuses 4,000,000 empty key-values (a 64 MB sample) by their count, as a CdrDecodeError for callers that only know that', () => {
    const head = keyValues(0);
    const big = new Uint8Array(head.length + 4_000_000 * 16);
    big.set(head);
    // The last field is the values' count (0): say 4,000,000, each `{ key: '', value: '' }` (length 1, NUL, padding).
    new DataView(big.buffer).setUint32(head.length - 4, 4_000_000, true);
    for (let o = head.length; o < big.length; o += 8) big[o] = 1;
    const err = (() => {
      try {
        registry.deserialize('diagnostic_msgs/msg/DiagnosticArray', big, { maxValues: 200_000 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DecodeBudgetError);
    expect(err).toBeInstanceOf(CdrDecodeError);
    expect((err as DecodeBudgetError).code).toBe('cdr-decode-budget');
  });

  it('weighs float32 of the JSON form 8, and a typed array of the native form or base64 bytes 1', () => {
    const scan = registry.serialize('sensor_msgs/msg/LaserScan', { ranges: Array(1000).fill(1) });
    expect(() => registry.deserialize('sensor_msgs/msg/LaserScan', scan, { maxValues: 8000 })).toThrow(DecodeBudgetError);
    expect(registry.deserialize('sensor_msgs/msg/LaserScan', scan, { maxValues: 8200 })).toMatchObject({ range_min: 0 });
    expect(registry.deserialize('sensor_msgs/msg/LaserScan', scan, { maxValues: 100, form: 'native' })).toHaveProperty('ranges');
    const image = registry.serialize('sensor_msgs/msg/Image', { data: Buffer.alloc(10_000).toString('base64') });
    expect(() => registry.deserialize('sensor_msgs/msg/Image', image, { maxValues: 1000 })).toThrow(DecodeBudgetError);
    expect(registry.deserialize('sensor_msgs/msg/Image', image, { maxValues: 1000, bytes: 'base64' })).toHaveProperty('data');
  });

  it('leaves decoding unbounded without maxValues', () => {
    expect((registry.deserialize('diagnostic_msgs/msg/DiagnosticArray', keyValues(50_000)) as { status: { values: unknown[] }[] }).status[0].values).toHaveLength(50_000);
  });
});
