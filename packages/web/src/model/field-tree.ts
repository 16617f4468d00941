// A decoded ROS message as an indented field tree (issue 56, docs/ui.md "Topic data"): each field by name, nested
// messages and arrays as children, and a unit where the type carries one. ROS messages hold no units on the wire;
// they come from a small table of common types (REP 103: SI units, radians) and from field names ending in a unit
// (`range_m`, `yaw_rad`, `period_s`). Bounded: depth, children per array and nodes per tree.

export interface FieldNode {
  name: string;
  /** A leaf's value as text; undefined for a message or an array. */
  value?: string;
  unit?: string;
  children?: FieldNode[];
  /** Array elements left out (only the first ones are shown). */
  more?: number;
  /** An array's length, for its summary line. */
  length?: number;
}

const MAX_DEPTH = 8;
const MAX_ELEMENTS = 8;
const MAX_NODES = 300;

const XYZ = ['x', 'y', 'z'];
const each = (prefix: string, fields: string[], unit: string): [string, string][] => fields.map((f) => [`${prefix}${f}`, unit]);

/**
 * Units of common types' fields by path (`.` between fields, `[]` for an array's elements); a type nested in
 * another (a Twist in an Odometry) is looked up under its own type only where listed here, to keep it small.
 */
const TYPE_UNITS: Record<string, Record<string, string>> = {
  'sensor_msgs/msg/LaserScan': Object.fromEntries([
    ...each('', ['angle_min', 'angle_max', 'angle_increment'], 'rad'),
    ...each('', ['time_increment', 'scan_time'], 's'),
    ...each('', ['range_min', 'range_max', 'ranges[]'], 'm'),
  ]),
  'sensor_msgs/msg/Range': Object.fromEntries([...each('', ['range', 'min_range', 'max_range'], 'm'), ['field_of_view', 'rad']]),
  'sensor_msgs/msg/BatteryState': { voltage: 'V', current: 'A', charge: 'Ah', capacity: 'Ah', design_capacity: 'Ah', temperature: '°C', 'cell_voltage[]': 'V', 'cell_temperature[]': '°C' },
  'sensor_msgs/msg/Temperature': { temperature: '°C' },
  'sensor_msgs/msg/Imu': Object.fromEntries([...each('angular_velocity.', XYZ, 'rad/s'), ...each('linear_acceleration.', XYZ, 'm/s²')]),
  'sensor_msgs/msg/JointState': { 'position[]': 'rad or m', 'velocity[]': 'rad/s or m/s', 'effort[]': 'N·m or N' },
  'geometry_msgs/msg/Twist': Object.fromEntries([...each('linear.', XYZ, 'm/s'), ...each('angular.', XYZ, 'rad/s')]),
  'geometry_msgs/msg/TwistStamped': Object.fromEntries([...each('twist.linear.', XYZ, 'm/s'), ...each('twist.angular.', XYZ, 'rad/s')]),
  'geometry_msgs/msg/Pose': Object.fromEntries(each('position.', XYZ, 'm')),
  'geometry_msgs/msg/PoseStamped': Object.fromEntries(each('pose.position.', XYZ, 'm')),
  'nav_msgs/msg/Odometry': Object.fromEntries([
    ...each('pose.pose.position.', XYZ, 'm'),
    ...each('twist.twist.linear.', XYZ, 'm/s'),
    ...each('twist.twist.angular.', XYZ, 'rad/s'),
  ]),
};

/** A field name that ends in a unit: `distance_m`, `heading_rad`, `timeout_s`. */
const NAME_UNITS: [RegExp, string][] = [
  [/_m$/, 'm'],
  [/_mm$/, 'mm'],
  [/_rad$/, 'rad'],
  [/_deg$/, '°'],
  [/_(s|sec)$/, 's'],
  [/_ms$/, 'ms'],
  [/_hz$/i, 'Hz'],
  [/_mps$/, 'm/s'],
];

/** The unit of the field at `path` of a message of `type`, if the table or the field's name gives one. */
export function fieldUnit(type: string | undefined, path: string): string | undefined {
  const fromType = type ? TYPE_UNITS[type]?.[path] : undefined;
  if (fromType) return fromType;
  const name = path.replace(/\[\]$/, '').split('.').pop() ?? '';
  return NAME_UNITS.find(([re]) => re.test(name))?.[1];
}

function leafText(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}…` : v);
  if (v === null || v === undefined) return String(v);
  return String(v);
}

/** The message's fields as a tree, at most MAX_NODES nodes (the rest are counted in `more` of their array). */
export function fieldTree(msg: unknown, type?: string): FieldNode[] {
  let budget = MAX_NODES;
  const walk = (name: string, v: unknown, path: string, depth: number): FieldNode => {
    budget--;
    const isArray = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
    if (isArray) {
      const a = v as ArrayLike<unknown>;
      const shown = Math.min(a.length, MAX_ELEMENTS, Math.max(0, budget));
      const children: FieldNode[] = [];
      for (let i = 0; i < shown && depth < MAX_DEPTH; i++) children.push(walk(`[${i}]`, a[i], `${path}[]`, depth + 1));
      return { name, unit: fieldUnit(type, `${path}[]`), children, length: a.length, ...(a.length > children.length ? { more: a.length - children.length } : {}) };
    }
    if (typeof v === 'object' && v !== null) {
      const children: FieldNode[] = [];
      for (const [k, c] of Object.entries(v)) {
        if (budget <= 0 || depth >= MAX_DEPTH) break;
        children.push(walk(k, c, path ? `${path}.${k}` : k, depth + 1));
      }
      return { name, children };
    }
    // Array elements take the array's unit (on the parent); a scalar field its own.
    const unit = path.endsWith('[]') ? undefined : fieldUnit(type, path);
    return { name, value: leafText(v), ...(unit ? { unit } : {}) };
  };
  if (typeof msg !== 'object' || msg === null) return [walk('value', msg, '', 0)];
  return walk('', msg, '', 0).children ?? [];
}
