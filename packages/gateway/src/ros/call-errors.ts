// What a failed ROS round trip was, told apart by error name so it works whichever copy of
// @medkit/ros2 (src or dist) threw it. Each resource maps the kind to its own SOVD code.

export type RosFailure = 'timeout' | 'unavailable' | 'aborted' | 'remote' | 'validation' | 'unknown-type' | 'other';

/** Classifies an error thrown by a @medkit/ros2 call. */
export function rosFailure(err: unknown): RosFailure {
  const name = err instanceof Error ? err.name : '';
  switch (name) {
    case 'RosTimeoutError':
      return 'timeout';
    case 'RosUnavailableError':
      return 'unavailable';
    case 'RosAbortedError':
    case 'AbortError':
      return 'aborted';
    case 'RosRemoteError':
      return 'remote';
    case 'ValidationError':
      return 'validation';
    case 'UnknownTypeError':
    case 'TypeDefinitionError':
      return 'unknown-type';
    default:
      return 'other';
  }
}

/** The message of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Validation issues of a @medkit/ros2 ValidationError (`{path, message}` with JSON pointers). */
export function validationIssues(err: unknown): { path: string; message: string }[] {
  const issues = (err as { issues?: unknown }).issues;
  return Array.isArray(issues) ? (issues as { path: string; message: string }[]) : [];
}

/** Milliseconds from a `*_sec` config value. */
export function secToMs(sec: number): number {
  return Math.max(1, Math.round(sec * 1000));
}
