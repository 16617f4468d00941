// Deadlines for calls that may never settle (docs/plugins.md): the gateway runs every plugin call through
// withDeadline, and a plugin can use it for its own remote calls (a PLC read, a device that hangs).

/** Thrown when a plugin call does not settle within its deadline. */
export class PluginTimeoutError extends Error {
  readonly code: string = 'plugin-timeout';
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
