/** Descriptor checks of a parameter set (read-only, type, ranges), as rclcpp applies them. */
import { ParameterType, PARAMETER_TYPE_NAMES, fromParameterValue, type ParameterValueMsg } from './values.js';

/** rcl_interfaces/msg/ParameterDescriptor in JSON form. */
export interface ParameterDescriptorMsg {
  name: string;
  type: number;
  description: string;
  additional_constraints: string;
  read_only: boolean;
  dynamic_typing: boolean;
  floating_point_range: Array<{ from_value: number; to_value: number; step: number }>;
  integer_range: Array<{ from_value: number | string; to_value: number | string; step: number | string }>;
}

/** Why a new value is refused, or undefined when it is acceptable. */
export function descriptorProblem(d: ParameterDescriptorMsg, v: ParameterValueMsg, initial = false): string | undefined {
  if (d.read_only && !initial) return `parameter '${d.name}' is read-only`;
  if (!d.dynamic_typing && d.type !== ParameterType.NOT_SET && v.type !== d.type) {
    return `wrong parameter type, parameter {${d.name}} is of type {${PARAMETER_TYPE_NAMES[d.type]}}, setting it to {${PARAMETER_TYPE_NAMES[v.type] ?? v.type}} is not allowed.`;
  }
  const ir = d.integer_range[0];
  if (ir && v.type === ParameterType.INTEGER) {
    const x = Number(fromParameterValue(v));
    const from = Number(ir.from_value);
    const to = Number(ir.to_value);
    const step = Number(ir.step);
    if (x < from || x > to) return `value ${x} is outside the range [${from}, ${to}] of parameter '${d.name}'`;
    if (step > 0 && x !== to && (x - from) % step !== 0) return `value ${x} is not on the step ${step} from ${from} of parameter '${d.name}'`;
  }
  const fr = d.floating_point_range[0];
  if (fr && v.type === ParameterType.DOUBLE) {
    const x = Number(v.double_value);
    const eps = 1e-9 * Math.max(1, Math.abs(fr.to_value - fr.from_value));
    if (x < fr.from_value - eps || x > fr.to_value + eps) return `value ${x} is outside the range [${fr.from_value}, ${fr.to_value}] of parameter '${d.name}'`;
    if (fr.step > 0 && Math.abs(x - fr.to_value) > eps) {
      const k = (x - fr.from_value) / fr.step;
      if (Math.abs(k - Math.round(k)) > 1e-6) return `value ${x} is not on the step ${fr.step} from ${fr.from_value} of parameter '${d.name}'`;
    }
  }
  return undefined;
}

/**
 * rclcpp's list_parameters filter: names equal to or below a prefix (`.` separates levels), at most
 * `depth` levels below it (0 = any). Returns the names and the prefixes that hold them.
 */
export function listNames(all: string[], prefixes: string[], depth: number): { names: string[]; prefixes: string[] } {
  const names: string[] = [];
  const outPrefixes = new Set<string>();
  const levels = (s: string) => (s === '' ? 0 : s.split('.').length);
  for (const name of all) {
    let ok = false;
    if (prefixes.length === 0) ok = depth === 0 || levels(name) <= depth;
    else {
      for (const p of prefixes) {
        if (name === p) ok = true;
        else if (name.startsWith(`${p}.`) && (depth === 0 || levels(name) - levels(p) <= depth)) ok = true;
      }
    }
    if (!ok) continue;
    names.push(name);
    const dot = name.lastIndexOf('.');
    if (dot > 0) outPrefixes.add(name.slice(0, dot));
  }
  return { names, prefixes: [...outPrefixes] };
}
