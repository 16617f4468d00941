// The 17 capability booleans of GET / (spec/api.md §4.1), all always present.
export const CAPABILITY_NAMES = [
  'discovery',
  'data_access',
  'operations',
  'async_actions',
  'configurations',
  'faults',
  'logs',
  'bulk_data',
  'cyclic_subscriptions',
  'locking',
  'triggers',
  'updates',
  'authentication',
  'tls',
  'scripts',
  'aggregation',
  'vendor_extensions',
] as const;

export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

/** Mutable capability set: each feature turns its flag on when it is enabled and registered. */
export class Capabilities {
  private readonly flags = new Map<CapabilityName, boolean>(CAPABILITY_NAMES.map((n) => [n, false]));

  set(name: CapabilityName, on = true): void {
    this.flags.set(name, on);
  }

  has(name: CapabilityName): boolean {
    return this.flags.get(name) ?? false;
  }

  toJSON(): Record<CapabilityName, boolean> {
    return Object.fromEntries(this.flags) as Record<CapabilityName, boolean>;
  }
}
