// Isolation of plugin calls (gateway.md §2.1, §2.11): every call runs with a deadline, and a plugin's
// exception never reaches the gateway as anything but a recorded failure or a SOVD 5xx.
import { ERROR_STATUS, SovdError, VENDOR_STATUS, type ErrorCode, type VendorCode } from '../sovd/errors.js';
import { PluginError } from './contract.js';

/** Thrown when a plugin call does not settle within its deadline. */
export class PluginTimeoutError extends Error {
  constructor(plugin: string, call: string, ms: number) {
    super(`plugin '${plugin}': ${call} did not answer within ${ms} ms`);
    this.name = 'PluginTimeoutError';
  }
}

/**
 * Runs `fn` with a deadline. A call that never settles is abandoned (JavaScript cannot cancel it); its
 * late result or error is ignored.
 */
export async function withDeadline<T>(plugin: string, call: string, ms: number, fn: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new PluginTimeoutError(plugin, call, ms)), ms);
  });
  try {
    const run = Promise.resolve().then(fn);
    run.catch(() => {}); // a late rejection after the deadline is not an unhandled rejection
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The SOVD error a failed provider call answers with: the plugin's own PluginError, 504 for a timeout, else 500. */
export function providerFailure(plugin: string, call: string, err: unknown): SovdError {
  if (err instanceof SovdError) return err;
  if (err instanceof PluginError || (err instanceof Error && err.name === 'PluginError' && 'code' in err)) {
    const e = err as PluginError;
    if (Object.hasOwn(ERROR_STATUS, e.code)) return new SovdError(e.code as ErrorCode, e.message, { ...e.parameters, plugin }, { status: e.status });
    // A vendor code of the gateway's table keeps its name (a client can tell it from a generic plugin failure).
    if (Object.hasOwn(VENDOR_STATUS, e.code)) return new SovdError(e.code as VendorCode, e.message, { ...e.parameters, plugin }, { status: e.status });
    return new SovdError('x-medkit-plugin-error', e.message, { ...e.parameters, plugin, plugin_error_code: e.code }, { status: e.status });
  }
  if (err instanceof PluginTimeoutError) return new SovdError('x-medkit-plugin-error', err.message, { plugin, call }, { status: 504 });
  return new SovdError('x-medkit-plugin-error', `plugin '${plugin}' failed in ${call}: ${(err as Error)?.message ?? String(err)}`, { plugin, call });
}
