// Reading a built-in plugin's JSON configuration (`plugins.<name>.*`): values may arrive as YAML numbers
// or as strings from environment / CLI overrides. A value of the wrong kind is a configuration error
// (configure throws, the plugin is disabled and /health says why) rather than a silent default.
import type { PluginConfig } from '@medkit/plugin-api';

export function num(config: PluginConfig, key: string, fallback: number): number {
  const v = config[key];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new Error(`${key} must be a number, got '${String(v)}'`);
  return n;
}

export function bool(config: PluginConfig, key: string, fallback: boolean): boolean {
  const v = config[key];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`${key} must be true or false, got '${String(v)}'`);
}

export function text(config: PluginConfig, key: string, fallback: string): string {
  const v = config[key];
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v !== 'string') throw new Error(`${key} must be a string, got '${String(v)}'`);
  return v;
}
