import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TypeDefinitionError, TypeRegistry, UnknownTypeError, type TypeDescription } from '../src/types/index.js';

const registry = new TypeRegistry({ amentPrefixPath: '' });
const fieldSummary = (type: string): string[] =>
  registry.requireMessage(type).fields.map((f) => `${f.type}${f.isArray ? `[${f.arrayLength ?? (f.arrayUpperBound !== undefined ? `<=${f.arrayUpperBound}` : '')}]` : ''} ${f.name}`);

describe('bundled definitions', () => {
  it('every bundled file resolves with all its dependencies', () => {
    const names = registry.listTypes();
    expect(names.length).toBeGreaterThan(150);
    const broken = names.map((n) => [n, registry.lookup(n)] as const).filter(([, l]) => !l.known);
    expect(broken).toEqual([]);
  });

  it('covers the packages the gateway relies on', () => {
    for (const t of [
      'std_msgs/msg/Header', 'std_srvs/srv/Trigger', 'rcl_interfaces/msg/Log', 'rcl_interfaces/srv/GetParameters',
      'lifecycle_msgs/srv/ChangeState', 'action_msgs/srv/CancelGoal', 'diagnostic_msgs/msg/DiagnosticArray',
      'diagnostic_msgs/srv/SelfTest', 'type_description_interfaces/srv/GetTypeDescription',
      'rmw_dds_common/msg/ParticipantEntitiesInfo', 'example_interfaces/srv/AddTwoInts', 'geometry_msgs/msg/TransformStamped',
      'sensor_msgs/msg/PointCloud2', 'nav_msgs/msg/Odometry', 'nav2_msgs/action/NavigateToPose',
      'action_tutorials_interfaces/action/Fibonacci', 'ros2_medkit_msgs/srv/ReportFault', 'ros2_medkit_msgs/msg/FaultEvent',
    ]) {
      expect(registry.has(t), t).toBe(true);
    }
  });

  it('resolves nested names canonically, Time included', () => {
    expect(fieldSummary('std_msgs/msg/Header')).toEqual(['builtin_interfaces/msg/Time stamp', 'string frame_id']);
    expect(fieldSummary('geometry_msgs/msg/PoseWithCovariance')).toEqual(['geometry_msgs/msg/Pose pose', 'float64[36] covariance']);
    expect(fieldSummary('rcl_interfaces/msg/ParameterDescriptor').slice(-2)).toEqual([
      'rcl_interfaces/msg/FloatingPointRange[<=1] floating_point_range',
      'rcl_interfaces/msg/IntegerRange[<=1] integer_range',
    ]);
    const pei = registry.requireMessage('rmw_dds_common/msg/ParticipantEntitiesInfo');
    expect(pei.definitions.map((d) => d.name)).toEqual([
      'rmw_dds_common/msg/ParticipantEntitiesInfo', 'rmw_dds_common/msg/Gid', 'rmw_dds_common/msg/NodeEntitiesInfo',
    ]);
    expect(pei.ddsName).toBe('rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_');
    expect(pei.origin).toBe('bundled');
  });

  it('keeps the fault manager interfaces in the order docs/faults.md fixes', () => {
    expect(fieldSummary('ros2_medkit_msgs/msg/Fault')).toEqual([
      'string fault_code', 'uint8 severity', 'string description', 'builtin_interfaces/msg/Time first_occurred',
      'builtin_interfaces/msg/Time last_occurred', 'builtin_interfaces/msg/Time last_passed', 'uint32 occurrence_count',
      'string status', 'string[] reporting_sources',
    ]);
    expect(registry.requireMessage('ros2_medkit_msgs/msg/Fault').constants.map((c) => `${c.name}=${String(c.value)}`)).toContain('STATUS_CONFIRMED=CONFIRMED');
    expect(fieldSummary('ros2_medkit_msgs/srv/ReportFault_Request')).toEqual([
      'string fault_code', 'uint8 event_type', 'uint8 severity', 'string description', 'string source_id',
    ]);
    expect(fieldSummary('ros2_medkit_msgs/srv/ListRosbags_Response')).toEqual([
      'bool success', 'string[] fault_codes', 'string[] recording_ids', 'string[] file_paths', 'string[] formats',
      'float64[] durations_sec', 'uint64[] sizes_bytes', 'int64[] created_at_ns', 'string error_message',
    ]);
    expect(fieldSummary('ros2_medkit_msgs/msg/Snapshot').map((f) => f.split(' ')[1])).toEqual([
      'type', 'name', 'data', 'topic', 'message_type', 'bulk_data_id', 'size_bytes', 'duration_sec', 'format', 'captured_at_ns',
    ]);
  });

  it("keeps the SOVD service interface's types in the reference's field order (ros2_medkit_msgs srv/*.srv, msg/EntityInfo.msg)", () => {
    expect(fieldSummary('ros2_medkit_msgs/msg/EntityInfo')).toEqual([
      'string id', 'string name', 'string entity_type', 'string parent_id', 'string fqn', 'string[] capabilities',
    ]);
    expect(fieldSummary('ros2_medkit_msgs/srv/ListEntities_Request')).toEqual(['string entity_type', 'string parent_id']);
    expect(fieldSummary('ros2_medkit_msgs/srv/ListEntities_Response')).toEqual(['bool success', 'string error_message', 'ros2_medkit_msgs/msg/EntityInfo[] entities']);
    expect(fieldSummary('ros2_medkit_msgs/srv/ListFaultsForEntity_Request')).toEqual(['string entity_id']);
    expect(fieldSummary('ros2_medkit_msgs/srv/ListFaultsForEntity_Response')).toEqual(['bool success', 'string error_message', 'ros2_medkit_msgs/msg/Fault[] faults']);
    expect(fieldSummary('ros2_medkit_msgs/srv/GetCapabilities_Request')).toEqual(['string entity_id']);
    expect(fieldSummary('ros2_medkit_msgs/srv/GetCapabilities_Response')).toEqual(['bool success', 'string error_message', 'string[] capabilities', 'string[] resource_types']);
    expect(fieldSummary('ros2_medkit_msgs/srv/GetEntityData_Request')).toEqual(['string entity_id', 'string[] data_keys']);
    expect(fieldSummary('ros2_medkit_msgs/srv/GetEntityData_Response')).toEqual(['bool success', 'string error_message', 'string data_json']);
  });
});

describe('kinds, services and actions', () => {
  it('tells messages, services and actions apart; service and action parts are messages', () => {
    expect(registry.resolveKind('std_msgs/msg/String')).toBe('msg');
    expect(registry.resolveKind('std_msgs/String')).toBe('msg');
    expect(registry.resolveKind('std_msgs::msg::dds_::String_')).toBe('msg');
    expect(registry.resolveKind('std_srvs/srv/SetBool')).toBe('srv');
    expect(registry.resolveKind('std_srvs/srv/SetBool_Request')).toBe('msg');
    expect(registry.resolveKind('example_interfaces/action/Fibonacci')).toBe('action');
    expect(registry.resolveKind('example_interfaces/action/Fibonacci_SendGoal')).toBe('srv');
    expect(registry.resolveKind('example_interfaces/action/Fibonacci_FeedbackMessage')).toBe('msg');
    expect(registry.resolveKind('nope/msg/Nothing')).toBeUndefined();
  });

  it('splits a service into request and response', () => {
    const srv = registry.service('example_interfaces/srv/AddTwoInts')!;
    expect(srv.request.fields.map((f) => f.name)).toEqual(['a', 'b']);
    expect(srv.response.fields.map((f) => f.name)).toEqual(['sum']);
    expect(srv.request.ddsName).toBe('example_interfaces::srv::dds_::AddTwoInts_Request_');
    const empty = registry.service('std_srvs/srv/Trigger')!;
    expect(empty.request.fields).toEqual([]);
    expect(registry.requireMessage('rcl_interfaces/srv/ListParameters_Request').constants[0]).toMatchObject({ name: 'DEPTH_RECURSIVE', value: 0n });
  });

  it('builds the action wrappers as rclcpp does (docs/ros2.md)', () => {
    const fib = registry.action('action_tutorials_interfaces/action/Fibonacci')!;
    const summary = (fields: readonly { type: string; name: string }[]): string[] => fields.map((f) => `${f.type} ${f.name}`);
    expect(summary(fib.goal.fields)).toEqual(['int32 order']);
    expect(summary(fib.feedback.fields)).toEqual(['int32 partial_sequence']);
    expect(summary(fib.sendGoal.request.fields)).toEqual([
      'unique_identifier_msgs/msg/UUID goal_id', 'action_tutorials_interfaces/action/Fibonacci_Goal goal',
    ]);
    expect(summary(fib.sendGoal.response.fields)).toEqual(['bool accepted', 'builtin_interfaces/msg/Time stamp']);
    expect(summary(fib.getResult.request.fields)).toEqual(['unique_identifier_msgs/msg/UUID goal_id']);
    expect(summary(fib.getResult.response.fields)).toEqual(['int8 status', 'action_tutorials_interfaces/action/Fibonacci_Result result']);
    expect(summary(fib.feedbackMessage.fields)).toEqual([
      'unique_identifier_msgs/msg/UUID goal_id', 'action_tutorials_interfaces/action/Fibonacci_Feedback feedback',
    ]);
    expect(fib.sendGoal.request.ddsName).toBe('action_tutorials_interfaces::action::dds_::Fibonacci_SendGoal_Request_');
    expect(fib.feedbackMessage.ddsName).toBe('action_tutorials_interfaces::action::dds_::Fibonacci_FeedbackMessage_');
    expect(fib.cancelGoal.name).toBe('action_msgs/srv/CancelGoal');
    expect(fib.status.name).toBe('action_msgs/msg/GoalStatusArray');
    const nav = registry.action('nav2_msgs/action/NavigateToPose')!;
    expect(nav.feedback.fields.map((f) => f.name)).toEqual([
      'current_pose', 'navigation_time', 'estimated_time_remaining', 'number_of_recoveries', 'distance_remaining',
    ]);
  });
});

describe('unknown and broken types', () => {
  it('answers {known: false, reason} and undefined, never a crash', () => {
    const l = registry.lookup('acme_msgs/msg/Widget');
    expect(l.known).toBe(false);
    expect(!l.known && l.reason).toMatch(/no acme_msgs\/msg\/Widget\.msg \(searched: registered, bundled\)/);
    expect(registry.message('acme_msgs/msg/Widget')).toBeUndefined();
    expect(registry.service('acme_msgs/srv/Widget')).toBeUndefined();
    expect(registry.action('acme_msgs/action/Widget')).toBeUndefined();
    expect(registry.lookup('not a type').known).toBe(false);
    expect(registry.lookup('').known).toBe(false);
    expect(registry.has('../../etc/passwd')).toBe(false);
  });

  it('throws UnknownTypeError from the methods that need the type', () => {
    expect(() => registry.serialize('acme_msgs/msg/Widget', {})).toThrow(UnknownTypeError);
    expect(() => registry.deserialize('acme_msgs/msg/Widget', new Uint8Array([0, 1, 0, 0]))).toThrow(UnknownTypeError);
    expect(() => registry.jsonSchema('acme_msgs/msg/Widget')).toThrow(UnknownTypeError);
    expect(() => registry.serialize('std_srvs/srv/SetBool', {})).toThrow(/not a message; use its parts/);
  });

  it('names the missing dependency', () => {
    const r = new TypeRegistry({ amentPrefixPath: '' });
    r.registerDefinition('acme_msgs/msg/Outer', 'Inner inner\nint32 x\n');
    const l = r.lookup('acme_msgs/msg/Outer');
    expect(!l.known && l.reason).toMatch(/field 'inner' needs acme_msgs\/msg\/Inner/);
    r.registerDefinition('acme_msgs/msg/Inner', 'float64 y\n');
    expect(r.message('acme_msgs/msg/Outer')?.fields.map((f) => f.name)).toEqual(['inner', 'x']);
  });

  it('reports cycles and unparsable text as definition errors', () => {
    const r = new TypeRegistry({ amentPrefixPath: '' });
    r.registerDefinition('acme_msgs/msg/A', 'B b\n');
    r.registerDefinition('acme_msgs/msg/B', 'A a\n');
    const l = r.lookup('acme_msgs/msg/A');
    expect(!l.known && l.reason).toMatch(/cyclic type reference acme_msgs\/msg\/A -> acme_msgs\/msg\/B -> acme_msgs\/msg\/A/);
    expect(() => r.registerDefinition('acme_msgs/msg/C', 'int32 X-Y\n')).toThrow(TypeDefinitionError);
    expect(() => r.registerDefinition('acme_msgs/srv/S', 'int32 a\n')).toThrow(/needs 2 sections/);
    expect(() => r.registerDefinition('acme_msgs/action/A', 'int32 a\n---\nint32 b\n')).toThrow(/needs 3 sections/);
  });
});

describe('runtime registration', () => {
  it('registered texts win over bundled ones and replace earlier registrations', () => {
    const r = new TypeRegistry({ amentPrefixPath: '' });
    r.registerDefinition('std_msgs/msg/String', 'string data\nint32 extra\n');
    expect(r.message('std_msgs/msg/String')?.fields.map((f) => f.name)).toEqual(['data', 'extra']);
    expect(r.message('std_msgs/msg/String')?.origin).toBe('registered');
    // a type already resolved through it picks up the change
    r.registerDefinition('acme_msgs/msg/Wrap', 'std_msgs/String s\n');
    expect(r.serialize('acme_msgs/msg/Wrap', { s: { data: 'a', extra: 1 } }).length).toBe(4 + 4 + 2 + 2 + 4);
    r.registerDefinition('std_msgs/msg/String', 'string data\n');
    expect(() => r.serialize('acme_msgs/msg/Wrap', { s: { data: 'a', extra: 1 } })).toThrow(/\/s\/extra: unknown field/);
    expect(new TypeRegistry({ amentPrefixPath: '' }).message('std_msgs/msg/String')?.fields).toHaveLength(1);
  });

  it('accepts srv and action texts and rosbag2-style concatenated definitions', () => {
    const r = new TypeRegistry({ amentPrefixPath: '' });
    r.registerDefinition('acme_msgs/srv/Ping', 'string text\n---\nstring echo\nuint32 count\n');
    expect(r.service('acme_msgs/srv/Ping')?.response.fields.map((f) => f.name)).toEqual(['echo', 'count']);
    r.registerDefinition('acme_msgs/action/Dock', 'string station\n---\nbool docked\n---\nfloat32 distance\n');
    expect(r.action('acme_msgs/action/Dock')?.feedbackMessage.fields.map((f) => f.name)).toEqual(['goal_id', 'feedback']);
    const names = r.registerDefinition(
      'acme_msgs/msg/Scan',
      'std_msgs/Header header\nacme_msgs/Beam[] beams\n' + '='.repeat(80) + '\nMSG: acme_msgs/Beam\nfloat32 range\n',
    );
    expect(names).toEqual(['acme_msgs/msg/Scan', 'acme_msgs/msg/Beam']);
    expect(r.defaultValue('acme_msgs/msg/Scan')).toEqual({ header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, beams: [] });
  });

  it('withOverrides gives a separate registry with other layouts on top', () => {
    const humble = registry.withOverrides({ 'rmw_dds_common/msg/Gid': 'char[24] data\n' });
    expect(humble.message('rmw_dds_common/msg/Gid')?.fields[0].arrayLength).toBe(24);
    expect(registry.message('rmw_dds_common/msg/Gid')?.fields[0].arrayLength).toBe(16);
  });
});

describe('AMENT_PREFIX_PATH', () => {
  const root = mkdtempSync(join(tmpdir(), 'medkit-ament-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('install_a/share/acme_msgs/msg/Battery.msg', 'std_msgs/Header header\nfloat32 voltage\nCell[] cells\n');
  write('install_a/share/acme_msgs/msg/Cell.msg', 'float32 voltage\n');
  write('install_b/share/acme_msgs/srv/Reset.srv', 'bool hard\n---\nbool ok\n');
  write('install_b/share/acme_msgs/action/Charge.action', 'float32 target\n---\nbool full\n---\nfloat32 level\n');
  write('install_b/share/std_msgs/msg/String.msg', 'string data\nuint8 installed_marker\n');
  write('install_a/share/std_msgs/msg/String.msg', 'string data\nuint8 first_prefix_marker\n');
  const prefixes = [join(root, 'install_a'), join(root, 'install_b'), join(root, 'missing')].join(delimiter);

  it('finds msg, srv and action files under each prefix, depending on bundled types', () => {
    const r = new TypeRegistry({ amentPrefixPath: prefixes });
    expect(r.message('acme_msgs/msg/Battery')?.origin).toBe(`ament:${join(root, 'install_a', 'share')}`);
    expect(r.serialize('acme_msgs/msg/Battery', { voltage: 1, cells: [{ voltage: 2 }] }).length).toBeGreaterThan(0);
    expect(r.resolveKind('acme_msgs/srv/Reset')).toBe('srv');
    expect(r.action('acme_msgs/action/Charge')?.result.fields[0].name).toBe('full');
    expect(r.listTypes()).toEqual(expect.arrayContaining(['acme_msgs/msg/Battery', 'acme_msgs/srv/Reset', 'acme_msgs/action/Charge']));
  });

  it('prefers installed definitions over bundled ones, earlier prefixes first', () => {
    const r = new TypeRegistry({ amentPrefixPath: prefixes });
    expect(r.message('std_msgs/msg/String')?.fields.map((f) => f.name)).toEqual(['data', 'first_prefix_marker']);
  });

  it('reads the environment variable by default, and can leave out the bundled files', () => {
    const saved = process.env.AMENT_PREFIX_PATH;
    process.env.AMENT_PREFIX_PATH = prefixes;
    try {
      expect(new TypeRegistry().has('acme_msgs/msg/Cell')).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.AMENT_PREFIX_PATH;
      else process.env.AMENT_PREFIX_PATH = saved;
    }
    const bare = new TypeRegistry({ amentPrefixPath: prefixes, includeBundled: false });
    expect(bare.has('acme_msgs/msg/Cell')).toBe(true);
    expect(bare.has('geometry_msgs/msg/Twist')).toBe(false);
    expect(bare.lookup('acme_msgs/msg/Battery')).toMatchObject({ known: false });
  });

  it('searches operator folders laid out like the bundled one', () => {
    const r = new TypeRegistry({ amentPrefixPath: '', searchPaths: [join(root, 'install_a', 'share')] });
    expect(r.message('acme_msgs/msg/Cell')?.origin).toBe(`path:${join(root, 'install_a', 'share')}`);
  });
});

describe('registerFromTypeDescription', () => {
  // Hand-built answer of ~/get_type_description for a service type (Jazzy shape), docs/ros2.md.
  const fieldType = (type_id: number, extra: Record<string, unknown> = {}) => ({ type_id, capacity: 0, string_capacity: 0, nested_type_name: '', ...extra });
  const desc: TypeDescription = {
    type_description: {
      type_name: 'acme_msgs/srv/Calibrate',
      fields: [
        { name: 'request_message', type: fieldType(1, { nested_type_name: 'acme_msgs/srv/Calibrate_Request' }), default_value: '' },
        { name: 'response_message', type: fieldType(1, { nested_type_name: 'acme_msgs/srv/Calibrate_Response' }), default_value: '' },
      ],
    },
    referenced_type_descriptions: [
      {
        type_name: 'acme_msgs/srv/Calibrate_Request',
        fields: [
          { name: 'sensor', type: fieldType(21, { string_capacity: 8 }), default_value: '' },
          { name: 'offsets', type: fieldType(11 + 48, { capacity: 3 }), default_value: '' },
          { name: 'samples', type: fieldType(7), default_value: '10' },
          { name: 'raw', type: fieldType(16 + 144) },
          { name: 'tags', type: fieldType(17 + 96, { capacity: '4' }) },
          { name: 'stamp', type: fieldType(1, { nested_type_name: 'builtin_interfaces/msg/Time' }) },
          { name: 'poses', type: fieldType(1 + 144, { nested_type_name: 'acme_msgs/msg/Point2' }) },
        ],
      },
      {
        type_name: 'acme_msgs/srv/Calibrate_Response',
        fields: [{ name: 'structure_needs_at_least_one_member', type: fieldType(3) }],
      },
      { type_name: 'acme_msgs/msg/Point2', fields: [{ name: 'x', type: fieldType(10) }, { name: 'y', type: fieldType(10) }] },
      { type_name: 'builtin_interfaces/msg/Time', fields: [{ name: 'sec', type: fieldType(6) }, { name: 'nanosec', type: fieldType(7) }] },
    ],
  };

  it('turns field type ids into definitions and registers the parts, not the service wrapper', () => {
    const r = new TypeRegistry({ amentPrefixPath: '' });
    const names = r.registerFromTypeDescription(desc);
    expect(names).toEqual(['acme_msgs/srv/Calibrate_Request', 'acme_msgs/srv/Calibrate_Response', 'acme_msgs/msg/Point2', 'builtin_interfaces/msg/Time']);
    expect(r.resolveKind('acme_msgs/srv/Calibrate')).toBe('srv');
    const req = r.message('acme_msgs/srv/Calibrate_Request')!;
    expect(req.text).toBe(
      'string<=8 sensor\nfloat64[3] offsets\nuint32 samples 10\nbyte[] raw\nstring[<=4] tags\n' +
        'builtin_interfaces/msg/Time stamp\nacme_msgs/msg/Point2[] poses\n',
    );
    expect(r.defaultValue('acme_msgs/srv/Calibrate_Request')).toEqual({
      sensor: '', offsets: [0, 0, 0], samples: 10, raw: [], tags: [], stamp: { sec: 0, nanosec: 0 }, poses: [],
    });
    // The empty response keeps its one placeholder byte on the wire but shows as {} in JSON.
    expect(r.message('acme_msgs/srv/Calibrate_Response')?.fields).toEqual([]);
    expect(Array.from(r.serialize('acme_msgs/srv/Calibrate_Response', {}))).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
    const value = { sensor: 'imu', offsets: [1, 2, 3], samples: 5, raw: [1, 2], tags: ['a'], stamp: { sec: 1, nanosec: 2 }, poses: [{ x: 0.5, y: -1 }] };
    expect(r.deserialize('acme_msgs/srv/Calibrate_Request', r.serialize('acme_msgs/srv/Calibrate_Request', value))).toEqual(value);
  });

  it('refuses field types without a .msg equivalent with a definition error', () => {
    const r = new TypeRegistry({ amentPrefixPath: '' });
    const bad: TypeDescription = { type_description: { type_name: 'acme_msgs/msg/Bad', fields: [{ name: 'x', type: fieldType(12) }] } };
    expect(() => r.registerFromTypeDescription(bad)).toThrow(/type id 12, which has no \.msg equivalent/);
    expect(r.has('acme_msgs/msg/Bad')).toBe(false);
  });

  it('reads a TypeDescription that came off the wire as a GetTypeDescription response', () => {
    const r = new TypeRegistry({ amentPrefixPath: '' });
    const response = {
      successful: true,
      type_description: { type_description: desc.referenced_type_descriptions![2], referenced_type_descriptions: [] },
    };
    const bytes = r.serialize('type_description_interfaces/srv/GetTypeDescription_Response', response);
    const back = r.deserialize('type_description_interfaces/srv/GetTypeDescription_Response', bytes) as { type_description: TypeDescription };
    expect(r.registerFromTypeDescription(back.type_description)).toEqual(['acme_msgs/msg/Point2']);
    expect(r.jsonSchema('acme_msgs/msg/Point2')['x-ros-type']).toBe('acme_msgs/msg/Point2');
  });
});
