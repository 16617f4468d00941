// What a failed ROS round trip was. Told apart by error name, not class, so that it works whichever copy of
// this package (sources or build) threw the error; each caller maps the kind to its own answer.

/** The kinds of failure a call of this package ends in. */
export type RosFailure = 'timeout' | 'unavailable' | 'aborted' | 'remote' | 'validation' | 'unknown-type' | 'refused' | 'other';

/** Classifies an error thrown by a call of this package (or a DDS-Security refusal of @medkit/rtps). */
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
    case 'EndpointRefusedError':
      return 'refused';
    default:
      return 'other';
  }
}
