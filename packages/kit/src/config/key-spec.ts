// A configuration key is described once: type, default, allowed range or values, and a one-line doc. The
// loader, the validation messages and the generated configuration reference (docs/configuration.md) all read
// these descriptors. A value outside them stops start-up (server/src/config/validate.ts): never a default or a
// clamped value in its place.

/**
 * What a key protects (issue 31): a `security` setting or a `limit` on what clients, scripts or peers may make
 * the gateway do or hold. Like every key it is never replaced by another value; beyond that, an unknown key that
 * is spelt like one, or that lies in a section made only of such keys, stops start-up (config/unknown-keys.ts).
 */
export type Guard = 'security' | 'limit';

interface BaseSpec<T> {
  default: T;
  doc: string;
  guards?: Guard;
}
export interface IntSpec extends BaseSpec<number> {
  type: 'int';
  min?: number;
  max?: number;
}
export interface FloatSpec extends BaseSpec<number> {
  type: 'float';
  min?: number;
  max?: number;
}
export interface BoolSpec extends BaseSpec<boolean> {
  type: 'bool';
}
/** A string key; `V` is the union of its allowed values when it has an `enum`. */
export interface StringSpec<V extends string = string> extends BaseSpec<V> {
  type: 'string';
  /** Allowed values; anything else stops start-up. */
  enum?: readonly V[];
  /** A rule a set of allowed values cannot express (a name's syntax), applied like `enum`. */
  check?: StringCheck;
}

/** A rule on a string value: `allowed` describes it in the configuration reference. */
export interface StringCheck {
  allowed: string;
  /** Why `value` breaks the rule, or undefined when it does not. */
  problem(value: string): string | undefined;
}
export interface ListSpec extends BaseSpec<string[]> {
  type: 'list';
}
export type KeySpec = IntSpec | FloatSpec | BoolSpec | StringSpec | ListSpec;

export type ValueOf<S extends KeySpec> = S['default'];

export const int = (def: number, doc: string, range: Omit<IntSpec, 'type' | 'default' | 'doc'> = {}): IntSpec => ({
  type: 'int',
  default: def,
  doc,
  ...range,
});
export const float = (def: number, doc: string, range: Omit<FloatSpec, 'type' | 'default' | 'doc'> = {}): FloatSpec => ({
  type: 'float',
  default: def,
  doc,
  ...range,
});
export const bool = (def: boolean, doc: string): BoolSpec => ({ type: 'bool', default: def, doc });
/** A string key; with an `enum`, its values are typed as the union of the allowed ones. */
export function str<const V extends string>(def: NoInfer<V>, doc: string, opts: { enum: readonly V[]; check?: StringCheck }): StringSpec<V>;
export function str(def: string, doc: string, opts?: { check?: StringCheck }): StringSpec;
export function str(def: string, doc: string, opts: { enum?: readonly string[]; check?: StringCheck } = {}): StringSpec {
  return { type: 'string', default: def, doc, ...opts };
}
export const list = (def: string[], doc: string): ListSpec => ({ type: 'list', default: def, doc });

/** `spec`, marked as guarding security or a limit. */
export const guarded = <S extends KeySpec>(guards: Guard, spec: S): S => ({ ...spec, guards });

/** Every key of `table`, marked as guarding security or a limit (a section made only of such keys). */
export function guardAll<T extends Record<string, KeySpec>>(guards: Guard, table: T): T {
  return Object.fromEntries(Object.entries(table).map(([k, spec]) => [k, guarded(guards, spec)])) as T;
}
