// Value-driven fault modes of integer registers (docs/opcua.md "Register faults"):
// `status_bits` (each configured bit of a status word is one fault, raised while set) and `fault_enum` (the
// register's value names one fault; 0 is no fault). Values are handled as BigInt from end to end, so a
// 64-bit register is exact; `status_word_width` reads the register as a two's-complement number of that
// many bits. Evaluation reuses the protocol-point rules (docs/faults.md); edges are the fault mapper's job.
import { evaluatePoint, type EnumRule, type FaultSignal, type PointSeverity, type StatusWordRule } from '@medkit/plugin-api';
import type { KeyChecks } from './key-checks.js';

/** Bounds on what one node may declare. */
const REGISTER_LIMITS = { bits: 64, enumEntries: 256 } as const;

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

interface StatusBit {
  /** 0 = least significant bit. */
  bit: number;
  fault_code: string;
  severity: PointSeverity;
  /** The fault's description (default `<display_name>: status bit <n> set`). */
  message: string;
}

interface EnumEntry {
  /** The register value (never 0: 0 is "no fault"). */
  value: bigint;
  fault_code: string;
  severity: PointSeverity;
  /** The fault's description (default `<display_name>: fault value <n>`). */
  message: string;
}

/** The fault mode of one register: bits of a status word, or an enumerated fault code. */
export type RegisterFaults =
  | { mode: 'status_bits'; width?: number; bits: StatusBit[] }
  | { mode: 'fault_enum'; width?: number; entries: EnumEntry[]; unmapped?: { fault_code: string; severity: PointSeverity } };


/** A register value from the node map: a safe JSON integer or a decimal string (64-bit values beyond ±2^53 must be quoted). */
function enumValue(v: unknown, key: string, c: KeyChecks): bigint {
  let b: bigint | undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (typeof v === 'string' && /^-?\d{1,20}$/.test(v.trim())) b = BigInt(v.trim());
  if (b === undefined) {
    return c.fail(key, typeof v === 'number' && Number.isInteger(v) ? `${v} is beyond ±2^53: write it as a quoted decimal string` : 'must be an integer (a number, or a quoted decimal string for 64-bit values)');
  }
  if (b < INT64_MIN || b > UINT64_MAX) return c.fail(key, `must lie within -2^63…2^64-1`);
  return b;
}

function entries(v: unknown, key: string, max: number, c: KeyChecks): unknown[] {
  if (!Array.isArray(v) || v.length === 0) return c.fail(key, 'must be a non-empty list');
  if (v.length > max) return c.fail(key, `has ${v.length} entries; at most ${max} are allowed`);
  return v;
}

/**
 * The entries of a `status_bits` / `fault_enum` list: each a map `{<selector>, fault_code, severity, message}`
 * whose selector (the bit, the value) is checked by `parse` and occurs once.
 */
function mapped<S extends number | bigint>(
  v: unknown,
  key: string,
  max: number,
  selector: 'bit' | 'value',
  c: KeyChecks,
  parse: (v: unknown, key: string) => S,
  describe: (s: S) => string,
): { selector: S; fault_code: string; severity: PointSeverity; message: string }[] {
  const keys = new Set([selector, 'fault_code', 'severity', 'message']);
  const seen = new Set<S>();
  return entries(v, key, max, c).map((e, i) => {
    const k = `${key}[${i}]`;
    if (!c.isMap(e)) return c.fail(k, `must be a map {${selector}, fault_code, severity, message}`);
    c.onlyKeys(e, keys, k);
    if (e[selector] === undefined) return c.fail(`${k}.${selector}`, 'is required');
    const sel = parse(e[selector], `${k}.${selector}`);
    if (seen.has(sel)) return c.fail(`${k}.${selector}`, `${selector} ${sel} is mapped twice`);
    seen.add(sel);
    return { selector: sel, fault_code: c.faultCode(e.fault_code, `${k}.fault_code`), severity: c.severity(e.severity, `${k}.severity`), message: c.text(e.message, `${k}.message`, 512) ?? describe(sel) };
  });
}

/**
 * The `status_bits` / `fault_enum` / `status_word_width` keys of one node (`at` = `nodes[i]`), checked:
 * at most one fault mode per node (`alarm` included), fault codes through the plugin-wide registry of
 * `c.faultCode`, bits 0–63 (below the width) and enum values unique, sizes bounded. Undefined when the
 * node has no register fault mode.
 */
export function parseRegisterFaults(raw: Record<string, unknown>, at: string, c: KeyChecks): RegisterFaults | undefined {
  const who = String(typeof raw.display_name === 'string' && raw.display_name ? raw.display_name : raw.data_name).slice(0, 256);
  const modes = (['alarm', 'status_bits', 'fault_enum'] as const).filter((k) => raw[k] !== undefined);
  if (modes.length > 1) return c.fail(`${at}.${modes[1]}`, `a node has at most one fault mode; ${modes.join(' and ')} are both set`);
  let width: number | undefined;
  if (raw.status_word_width !== undefined) {
    const w = c.num(raw.status_word_width, `${at}.status_word_width`);
    if (!Number.isInteger(w) || w < 1 || w > 64) return c.fail(`${at}.status_word_width`, 'must be an integer 1–64');
    if (modes[0] !== 'status_bits' && modes[0] !== 'fault_enum') return c.fail(`${at}.status_word_width`, 'only goes with status_bits or fault_enum');
    width = w;
  }
  if (raw.fault_enum_unmapped !== undefined && modes[0] !== 'fault_enum') return c.fail(`${at}.fault_enum_unmapped`, 'only goes with fault_enum');
  if (modes[0] === 'status_bits') {
    const top = width ?? 64;
    const bits = mapped(raw.status_bits, `${at}.status_bits`, REGISTER_LIMITS.bits, 'bit', c, (v, k) => {
      const bit = c.num(v, k);
      if (!Number.isInteger(bit) || bit < 0 || bit >= top) return c.fail(k, `must be an integer 0–${top - 1}${width ? ' (below status_word_width)' : ''}`);
      return bit;
    }, (bit) => `${who}: status bit ${bit} set`);
    return { mode: 'status_bits', ...(width ? { width } : {}), bits: bits.map(({ selector, ...f }) => ({ bit: selector, ...f })) };
  }
  if (modes[0] === 'fault_enum') {
    const list = mapped(raw.fault_enum, `${at}.fault_enum`, REGISTER_LIMITS.enumEntries, 'value', c, (v, k) => {
      const value = enumValue(v, k, c);
      if (value === 0n) return c.fail(k, '0 means "no fault" and cannot be mapped');
      if (width !== undefined && (value < -(1n << BigInt(width - 1)) || value >= 1n << BigInt(width - 1))) {
        return c.fail(k, `${value} cannot occur in a signed ${width}-bit register (status_word_width)`);
      }
      return value;
    }, (value) => `${who}: fault value ${value}`);
    const unmapped = parseUnmapped(raw.fault_enum_unmapped, `${at}.fault_enum_unmapped`, c);
    return { mode: 'fault_enum', ...(width ? { width } : {}), entries: list.map(({ selector, ...f }) => ({ value: selector, ...f })), ...(unmapped ? { unmapped } : {}) };
  }
  return undefined;
}

/**
 * `fault_enum_unmapped: {fault_code, severity}`: the fault a non-zero value no entry maps raises, labelled
 * `unmapped fault code <n>` (the reference's 0.7.0 fault detection labels such a value instead of dropping it).
 */
function parseUnmapped(v: unknown, key: string, c: KeyChecks): { fault_code: string; severity: PointSeverity } | undefined {
  if (v === undefined) return undefined;
  if (!c.isMap(v)) return c.fail(key, 'must be a map {fault_code, severity}');
  c.onlyKeys(v, new Set(['fault_code', 'severity']), key);
  return { fault_code: c.faultCode(v.fault_code, `${key}.fault_code`), severity: c.severity(v.severity, `${key}.severity`) };
}

/**
 * A register's JSON value (a number, a 64-bit decimal string, a boolean) as a BigInt, read through
 * `width` when given: the low `width` bits as a two's-complement number. Undefined for anything that is
 * not an integer (a Double with a fraction, a string, null): such a value decides nothing.
 */
export function registerValue(json: unknown, width?: number): bigint | undefined {
  let b: bigint;
  if (typeof json === 'number' && Number.isSafeInteger(json)) b = BigInt(json);
  else if (typeof json === 'string' && /^-?\d{1,20}$/.test(json)) b = BigInt(json);
  else if (typeof json === 'boolean') b = json ? 1n : 0n;
  else return undefined;
  return width === undefined ? b : BigInt.asIntN(width, b);
}

/**
 * The fault signals of one register value: one per configured bit / enum entry, active or not (the
 * caller keeps only the edges). Inactive signals come first, so a changed enum value clears the old
 * code before it raises the new one. Empty when the value decides nothing.
 */
export function registerSignals(rule: RegisterFaults, json: unknown): FaultSignal[] {
  const v = registerValue(json, rule.width);
  if (v === undefined) return [];
  const signals = evaluatePoint(v, pointRule(rule));
  return [...signals.filter((s) => !s.active), ...signals.filter((s) => s.active)];
}

/** The protocol-point rule of a register rule, built once per rule. */
const pointRules = new WeakMap<RegisterFaults, StatusWordRule | EnumRule>();
function pointRule(rule: RegisterFaults): StatusWordRule | EnumRule {
  let r = pointRules.get(rule);
  if (r) return r;
  if (rule.mode === 'status_bits') {
    r = { kind: 'status_word', bits: rule.bits };
  } else {
    const codes: EnumRule['codes'] = {};
    for (const e of rule.entries) codes[e.value.toString()] = e;
    r = { kind: 'enum', ok_value: 0, codes, ...(rule.unmapped ? { unknown_fault: rule.unmapped } : {}) };
  }
  pointRules.set(rule, r);
  return r;
}

/** Every fault code a register rule can raise, with its severity (to take over faults of an earlier run). */
export function registerCodes(rule: RegisterFaults): { fault_code: string; severity: PointSeverity }[] {
  const all = rule.mode === 'status_bits' ? rule.bits : [...rule.entries, ...(rule.unmapped ? [rule.unmapped] : [])];
  return all.map(({ fault_code, severity }) => ({ fault_code, severity }));
}
