// A plugin's Component nameplate (contract `PluginIdentity`) → the gateway's Identity with per-field
// provenance (docs/manifest.md). The plugin's values are untrusted input (they often come straight from a
// device): only known fields, bounded strings without control characters, a bounded set of extras, and a
// source from the claimable list — anything else is stamped `plugin`.
import { identityFrom, identityIsEmpty } from '../entities/identity.js';
import { IDENTITY_FIELDS, type Identity, type IdentityField } from '../entities/model.js';
import { cleanText, PLUGIN_IDENTITY_LIMITS, PLUGIN_IDENTITY_SOURCES, type PluginComponent, type PluginIdentitySource } from '@medkit/plugin-api';

const EXTRA_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

function sourceOf(v: unknown): PluginIdentitySource {
  return (PLUGIN_IDENTITY_SOURCES as readonly unknown[]).includes(v) ? (v as PluginIdentitySource) : 'plugin';
}

/** The Identity of a plugin nameplate, or undefined when nothing usable is in it. */
export function identityOfPlugin(raw: unknown): Identity | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as { source?: unknown; fields?: unknown; extra?: unknown };
  const fields: Partial<Record<IdentityField, string>> = {};
  const given = r.fields !== null && typeof r.fields === 'object' ? (r.fields as Record<string, unknown>) : {};
  for (const f of IDENTITY_FIELDS) {
    const v = cleanText(given[f]);
    if (v !== undefined) fields[f] = v;
  }
  const extra: Record<string, string> = {};
  const extras = r.extra !== null && typeof r.extra === 'object' && !Array.isArray(r.extra) ? Object.entries(r.extra as Record<string, unknown>) : [];
  for (const [k, value] of extras.slice(0, PLUGIN_IDENTITY_LIMITS.extras)) {
    const v = cleanText(value);
    if (EXTRA_KEY.test(k) && v !== undefined) extra[k] = v;
  }
  const id = identityFrom(sourceOf(r.source), fields, extra);
  return identityIsEmpty(id) ? undefined : id;
}

/** A plugin's components with their nameplates converted (entities without one pass unchanged). */
export function componentsWithIdentity(components: PluginComponent[] | undefined): unknown[] | undefined {
  if (!Array.isArray(components)) return components;
  return components.map((c) => {
    if (!c || typeof c !== 'object' || !('identity' in c)) return c;
    const { identity, ...rest } = c;
    const converted = identityOfPlugin(identity);
    return converted ? { ...rest, identity: converted } : rest;
  });
}
