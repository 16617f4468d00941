// How a plugin's failure reaches a client (docs/plugins.md): a code of the gateway's table or one the plugin
// declares (PluginModule.errorCodes) keeps its name; any other x- code is wrapped in x-medkit-plugin-error.
import { describe, expect, it } from 'vitest';
import { createError, PluginError, providerFailure } from '@medkit/plugin-api';

const OFFLINE = createError('x-acme-sensor-offline', "sensor '%s' does not answer", 503);

describe('providerFailure', () => {
  it('keeps a declared code, with its status, the parameters and the plugin', () => {
    const e = providerFailure('acme', 'readData', PluginError.of(OFFLINE, ['lidar'], { sensor: 'lidar' }), [OFFLINE]);
    expect([e.status, e.toBody()]).toEqual([503, { error_code: 'vendor-error', vendor_code: 'x-acme-sensor-offline', message: "sensor 'lidar' does not answer", parameters: { sensor: 'lidar', plugin: 'acme' } }]);
  });

  it('wraps the same code when the plugin does not declare it', () => {
    const e = providerFailure('acme', 'readData', PluginError.of(OFFLINE, ['lidar']));
    expect(e.toBody()).toMatchObject({ error_code: 'vendor-error', vendor_code: 'x-medkit-plugin-error', parameters: { plugin: 'acme', plugin_error_code: 'x-acme-sensor-offline' } });
    expect(e.status).toBe(503);
  });

  it('ignores declarations that are not definitions (module exports are not trusted)', () => {
    const e = providerFailure('acme', 'readData', PluginError.of(OFFLINE, ['lidar']), 'x-acme-sensor-offline' as never);
    expect(e.vendorCode).toBe('x-medkit-plugin-error');
  });
});
