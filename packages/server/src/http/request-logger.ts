// Fastify gives every request a child of the server's logger (bound to its request id). With pino that is an
// object, a bindings string and a JSON.stringify per request even when nothing is logged: the HTTP logger sits at
// `warn` by default, so a request that succeeds writes nothing. This factory hands out a stand-in that answers the
// disabled levels with nothing and makes the real child only when a line is written (an error, a warning, or
// every request at `debug`), so a log line carries the same request id as before.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString } from 'pino';

/** A pino logger as far as this module needs one: it can say whether a level is written. */
type LevelAware = FastifyBaseLogger & { isLevelEnabled(level: LevelWithSilentOrString): boolean };

const canDefer = (logger: FastifyBaseLogger): logger is LevelAware => typeof (logger as Partial<LevelAware>).isLevelEnabled === 'function';

/** A request's logger that becomes the real child of `parent` on the first line written. */
class DeferredRequestLogger {
  private real?: FastifyBaseLogger;

  constructor(
    private readonly parent: LevelAware,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): LevelWithSilentOrString {
    return this.parent.level;
  }

  private bound(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.bindings, this.options));
  }

  /** Writes through the real child only when the parent writes `level` at all. */
  private write(level: Level, args: unknown[]): void {
    if (this.parent.isLevelEnabled(level)) (this.bound()[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.bound().child(bindings, options);
  }
}

/**
 * The child-logger factory of the HTTP server: the deferred stand-in above for a pino parent and a request
 * without a per-route level; pino's own child otherwise.
 */
export function deferredRequestLoggers(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (!canDefer(logger) || options.level !== undefined) return logger.child(bindings, options);
  return new DeferredRequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
