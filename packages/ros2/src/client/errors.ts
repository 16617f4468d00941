/**
 * Errors of remote ROS calls. Every call has a deadline and an AbortSignal, and ends in one of
 * these instead of hanging when a node is dead or silent.
 */

/** Base class of the errors below. */
export class RosCallError extends Error {
  readonly code: string = 'ros-call-failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The deadline passed before an answer came. */
export class RosTimeoutError extends RosCallError {
  override readonly code: string = 'ros-timeout';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what}: no answer within ${timeoutMs} ms`);
  }
}

/** Nobody offers what was asked for (no server discovered, server gone, or not ready in time). */
export class RosUnavailableError extends RosCallError {
  override readonly code: string = 'ros-unavailable';
  constructor(
    readonly what: string,
    reason: string,
  ) {
    super(`${what}: unavailable (${reason})`);
  }
}

/** The caller's AbortSignal fired. */
export class RosAbortedError extends RosCallError {
  override readonly code: string = 'ros-aborted';
  constructor(
    readonly what: string,
    reason?: unknown,
  ) {
    super(`${what}: aborted${reason instanceof Error ? ` (${reason.message})` : typeof reason === 'string' ? ` (${reason})` : ''}`, { cause: reason });
  }
}

/** The remote side answered, but with a failure (rejected goal, failed parameter set, ...). */
export class RosRemoteError extends RosCallError {
  override readonly code: string = 'ros-remote';
}
