// What code below the servers reads a loaded configuration through (the servers' ServerConfig implements it):
// a key is read with the table that declares it, so a misspelt key or a wrong type does not compile.
import type { KeySpec, ValueOf } from './key-spec.js';

export interface ConfigReader {
  /** The value of `key`, typed by its spec in `table`. */
  read<T extends Record<string, KeySpec>, K extends keyof T & string>(table: T, key: K): ValueOf<T[K]>;
  /** Raw values under `prefix.`, for settings that are not scalar keys (lists of maps, per-name maps). */
  section(prefix: string): Record<string, unknown>;
  /** Keys some source set explicitly (not defaults). */
  readonly explicit: ReadonlySet<string>;
}
