// The value checks config.ts lends to the parsers of its sub-keys (data keys, register faults).
import type { PointSeverity } from '@medkit/plugin-api';

/** The checks config.ts lends to the parsers of its sub-keys; `fail` throws an OpcuaConfigError. */
export interface KeyChecks {
  fail(key: string, problem: string): never;
  /** A valid fault code not used anywhere else in the plugin's configuration (registered on success). */
  faultCode(v: unknown, key: string): string;
  severity(v: unknown, key: string): PointSeverity;
  /** An optional bounded string without control characters. */
  text(v: unknown, key: string, max: number): string | undefined;
  onlyKeys(v: Record<string, unknown>, allowed: Set<string>, at: string): void;
  isMap(v: unknown): v is Record<string, unknown>;
  bool(v: unknown, key: string, dflt: boolean): boolean;
  num(v: unknown, key: string): number;
}
