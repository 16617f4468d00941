// A plugin's typed nameplate (contract PluginIdentity) → the gateway's Identity: the claimed source becomes
// every field's provenance, sources a plugin may not claim become `plugin`, strings are bounded and stripped
// of control characters, unknown fields and bad extras are dropped; the merge then follows docs/api.md precedence.
import { describe, expect, it } from 'vitest';
import { identityFrom, mergeIdentity } from '../../src/entities/identity.js';
import { componentsWithIdentity, identityOfPlugin } from '../../src/plugins/identity.js';
import { cleanText, PLUGIN_IDENTITY_LIMITS } from '@medkit/plugin-api';

describe('plugin nameplates', () => {
  it('stamps the claimed source on every field and extra', () => {
    const id = identityOfPlugin({ source: 'opcua', fields: { manufacturer: 'Acme', serial_number: 'SN1' }, extra: { build_number: '12' } });
    expect(id).toEqual({ fields: { manufacturer: 'Acme', serial_number: 'SN1' }, extra: { build_number: '12' }, provenance: { manufacturer: 'opcua', serial_number: 'opcua', 'extra.build_number': 'opcua' } });
  });

  it('refuses to let a plugin claim a gateway source (manifest, inventory, config): it becomes plugin', () => {
    for (const source of ['manifest', 'inventory', 'config', 'nonsense', 7, undefined]) {
      expect(identityOfPlugin({ source, fields: { model: 'M' } })?.provenance.model).toBe('plugin');
    }
  });

  it('bounds hostile strings and drops what is not a nameplate', () => {
    const id = identityOfPlugin({
      source: 'plugin',
      fields: { model: `A\u0000B\u001b\u009fC${'z'.repeat(5000)}`, manufacturer: 42, not_a_field: 'x', serial_number: '\u0007\u0008' },
      extra: Object.fromEntries([['bad key!', 'v'], ...Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'])]),
    })!;
    expect(id.fields.model).toHaveLength(PLUGIN_IDENTITY_LIMITS.text);
    expect(id.fields.model!.startsWith('ABCzz')).toBe(true);
    expect(id.fields).not.toHaveProperty('manufacturer');
    expect(id.fields).not.toHaveProperty('serial_number');
    expect(id.fields).not.toHaveProperty('not_a_field');
    expect(id.extra).not.toHaveProperty('bad key!');
    expect(Object.keys(id.extra).length).toBeLessThanOrEqual(PLUGIN_IDENTITY_LIMITS.extras);
    expect(cleanText('\u{1F600}'.repeat(300))).toHaveLength(2 * PLUGIN_IDENTITY_LIMITS.text); // whole code points
    expect(identityOfPlugin('not an object')).toBeUndefined();
    expect(identityOfPlugin({ source: 'opcua', fields: {} })).toBeUndefined();
  });

  it('converts components that carry one and leaves the others alone', () => {
    const out = componentsWithIdentity([{ id: 'a' }, { id: 'b', identity: { source: 'plugin', fields: { model: 'M' } } }, { id: 'c', identity: { source: 'plugin', fields: {} } }]) as Record<string, unknown>[];
    expect(out[0]).toEqual({ id: 'a' });
    expect(out[1].identity).toMatchObject({ fields: { model: 'M' }, provenance: { model: 'plugin' } });
    expect(out[2]).toEqual({ id: 'c' });
  });

  it('merges below the manifest as plugin and above it as opcua', () => {
    const manifest = identityFrom('manifest', { manufacturer: 'Manifest Corp' });
    const asPlugin = mergeIdentity(manifest, identityOfPlugin({ source: 'plugin', fields: { manufacturer: 'Device', model: 'M' } }))!;
    expect(asPlugin.fields).toEqual({ manufacturer: 'Manifest Corp', model: 'M' });
    const asOpcua = mergeIdentity(manifest, identityOfPlugin({ source: 'opcua', fields: { manufacturer: 'Device' } }))!;
    expect(asOpcua.fields.manufacturer).toBe('Device');
    expect(asOpcua.provenance.manufacturer).toBe('opcua');
  });
});
