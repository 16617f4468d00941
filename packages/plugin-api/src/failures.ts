// How a plugin's failure reaches a client (docs/plugins.md): the same SOVD error on the gateway's
// standard routes and on a plugin's own vendor routes.
import { ERROR_STATUS, SovdError, VENDOR_STATUS, type ErrorCode, type ErrorDefinition, type VendorCode } from '@medkit/sovd';
import { isPluginError } from './contract.js';
import { PluginTimeoutError } from './deadline.js';

/**
 * The SOVD error a failed provider call answers with: the plugin's own PluginError, 504 for a timeout, else 500.
 * `declared` is the plugin's `errorCodes` (PluginModule): a PluginError with one of those codes keeps its name.
 */
export function providerFailure(plugin: string, call: string, err: unknown, declared: readonly ErrorDefinition[] = []): SovdError {
  if (err instanceof SovdError) return err;
  if (isPluginError(err)) {
    const e = err;
    if (Object.hasOwn(ERROR_STATUS, e.code)) return new SovdError(e.code as ErrorCode, e.message, { ...e.parameters, plugin }, { status: e.status });
    // A vendor code of the gateway's table keeps its name (a client can tell it from a generic plugin failure).
    if (Object.hasOwn(VENDOR_STATUS, e.code)) return new SovdError(e.code as VendorCode, e.message, { ...e.parameters, plugin }, { status: e.status });
    // So does an x- code the plugin declared (a module's exports are not trusted to be well formed).
    const own = Array.isArray(declared) ? declared.find((d) => typeof d?.code === 'string' && d.code.startsWith('x-') && d.code === e.code) : undefined;
    if (own) return new SovdError(own, e.message, { ...e.parameters, plugin }, { status: e.status });
    return new SovdError('x-medkit-plugin-error', e.message, { ...e.parameters, plugin, plugin_error_code: e.code }, { status: e.status });
  }
  if (err instanceof PluginTimeoutError) return new SovdError('x-medkit-plugin-error', err.message, { plugin, call }, { status: 504 });
  return new SovdError('x-medkit-plugin-error', `plugin '${plugin}' failed in ${call}: ${(err as Error)?.message ?? String(err)}`, { plugin, call });
}
