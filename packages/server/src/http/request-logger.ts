// Fastify gives every request a child of the server's logger (bound to its request id). With pino that is an
// object, a bindings string and a JSON.stringify per request even when nothing is logged: the HTTP logger sits at
// `warn` by default, so a request that succeeds writes nothing. This factory hands out a stand-in that answers the
// disabled levels with nothing and makes the real child only when a line is written (an error, a warning, or
// every request at `debug`), so a log line carries the same request id as before. Fastify's own two lines per request
// ("incoming request", "request completed", both at info) are skipped before they build their objects when the HTTP
// logger does not write info (quietRequestLines).
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
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

/**
 * Fastify's per-request log lines, skipped outright when `logger` does not write `info` (the HTTP logger sits at
 * `warn` unless logging is at debug or trace): each would otherwise build an object and read the clock on every
 * request only to be dropped. A request that errored is still logged ("request errored", at error), and every
 * other line Fastify writes (stream errors, header errors) is untouched.
 */
export function quietRequestLines(logger: FastifyBaseLogger): LogController {
  const infoWritten = !canDefer(logger) || logger.isLevelEnabled('info');
  return new (class QuietRequestLines extends LogController {
    override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
      if (infoWritten) super.incomingRequest(request, reply);
    }
    override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
      if (error || infoWritten) super.requestCompleted(error, request, reply);
    }
  })();
}
