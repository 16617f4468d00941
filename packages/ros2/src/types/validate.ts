/**
 * Checks a JSON-form value against a resolved message type and lists every problem with the
 * JSON pointer of the failing field (`/linear/x: expected number`). Missing fields are fine (they get
 * defaults); unknown fields are not. The JS API also accepts bigint and typed arrays.
 */
import type { ValidationIssue } from './errors.js';
import type { MessageDefinitionField, TypeGraph } from './model.js';
import { FLOAT32_MAX, INTEGER_RANGES, isFloat, isWideInteger, NON_FINITE_STRINGS } from './primitives.js';

/** At most this many issues are reported; a huge wrong array should not produce a huge answer. */
const MAX_ISSUES = 50;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Validates `value` against `fields`; returns the issues (empty when valid). */
export function validateMessage(value: unknown, fields: readonly MessageDefinitionField[], graph: TypeGraph): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  checkObject(value, fields, graph, '', issues);
  return issues;
}

function add(issues: ValidationIssue[], path: string, message: string): void {
  if (issues.length < MAX_ISSUES) issues.push({ path, message });
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function checkObject(value: unknown, fields: readonly MessageDefinitionField[], graph: TypeGraph, path: string, issues: ValidationIssue[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    add(issues, path, `expected object, got ${describe(value)}`);
    return;
  }
  const obj = value as Record<string, unknown>;
  const names = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(obj)) {
    if (!names.has(key)) add(issues, pointer(path, key), 'unknown field');
  }
  for (const field of fields) {
    const v = obj[field.name];
    if (v !== undefined) checkField(field, v, graph, pointer(path, field.name), issues);
  }
}

function checkField(field: MessageDefinitionField, v: unknown, graph: TypeGraph, path: string, issues: ValidationIssue[]): void {
  if (field.isArray !== true) {
    checkElement(field, v, graph, path, issues);
    return;
  }
  let length: number;
  if (field.type === 'uint8' && typeof v === 'string') {
    if (!BASE64.test(v)) {
      add(issues, path, 'expected an array of bytes or a base64 string');
      return;
    }
    length = Buffer.from(v, 'base64').length;
  } else if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    const items = v as ArrayLike<unknown>;
    length = items.length;
    for (let i = 0; i < items.length && issues.length < MAX_ISSUES; i++) checkElement(field, items[i], graph, pointer(path, i), issues);
  } else {
    add(issues, path, `expected array, got ${describe(v)}`);
    return;
  }
  if (field.arrayLength !== undefined && length !== field.arrayLength) {
    add(issues, path, `expected exactly ${field.arrayLength} items, got ${length}`);
  } else if (field.arrayUpperBound !== undefined && length > field.arrayUpperBound) {
    add(issues, path, `expected at most ${field.arrayUpperBound} items, got ${length}`);
  }
}

function checkElement(field: MessageDefinitionField, v: unknown, graph: TypeGraph, path: string, issues: ValidationIssue[]): void {
  if (field.isComplex === true) {
    checkObject(v, graph.get(field.type) ?? [], graph, path, issues);
    return;
  }
  const problem = primitiveProblem(field, v);
  if (problem) add(issues, path, problem);
}

function primitiveProblem(field: MessageDefinitionField, v: unknown): string | undefined {
  const type = field.type;
  if (type === 'bool') return typeof v === 'boolean' ? undefined : `expected boolean, got ${describe(v)}`;
  if (type === 'string') {
    if (typeof v !== 'string') return `expected string, got ${describe(v)}`;
    const bytes = Buffer.byteLength(v, 'utf8');
    return field.upperBound !== undefined && bytes > field.upperBound
      ? `string is ${bytes} bytes long, at most ${field.upperBound} allowed`
      : undefined;
  }
  if (type === 'wstring') return 'wstring fields are not supported';
  if (isFloat(type)) {
    if (typeof v === 'string') return NON_FINITE_STRINGS.includes(v) ? undefined : `expected number, got string`;
    if (typeof v !== 'number') return `expected number, got ${describe(v)}`;
    return type === 'float32' && Math.abs(v) > FLOAT32_MAX && Number.isFinite(v) ? 'out of range for float32' : undefined;
  }
  const range = INTEGER_RANGES[type];
  if (!range) return `unsupported field type ${type}`;
  return integerProblem(type, v, range);
}

function integerProblem(type: string, v: unknown, [min, max]: readonly [bigint, bigint]): string | undefined {
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number') {
    if (!Number.isInteger(v)) return `expected integer, got ${describe(v)}`;
    if (isWideInteger(type) && !Number.isSafeInteger(v)) return 'integer beyond 2^53 loses precision: send it as a decimal string';
    n = BigInt(v);
  } else if (typeof v === 'string' && isWideInteger(type) && /^-?[0-9]+$/.test(v)) n = BigInt(v);
  else {
    return isWideInteger(type)
      ? `expected integer or decimal string, got ${describe(v)}`
      : `expected integer, got ${describe(v)}`;
  }
  return n < min || n > max ? `out of range for ${type} [${min}, ${max}]` : undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && !Number.isInteger(v)) return `${v}`;
  return typeof v;
}
