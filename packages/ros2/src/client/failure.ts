// What a failed ROS round trip was, told apart by the error's stable `code` (not its class, so that it works
// whichever copy of this package, sources or build, threw it); each caller maps the kind to its own answer.

/** The kinds of failure a call of this package ends in. */
export type RosFailure = 'timeout' | 'unavailable' | 'aborted' | 'remote' | 'validation' | 'unknown-type' | 'refused' | 'other';

const BY_CODE: Record<string, RosFailure> = {
  'ros-timeout': 'timeout',
  'ros-unavailable': 'unavailable',
  'ros-aborted': 'aborted',
  'ros-remote': 'remote',
  'ros-validation': 'validation',
  'ros-unknown-type': 'unknown-type',
  'ros-type-definition': 'unknown-type',
  // @medkit/rtps: DDS-Security refuses the endpoint.
  'dds-endpoint-refused': 'refused',
};

/** Classifies an error thrown by a call of this package (or a DDS-Security refusal of @medkit/rtps). */
export function rosFailure(err: unknown): RosFailure {
  // The platform's abort (an AbortSignal fired outside our calls) carries DOMException's legacy numeric code.
  if (err instanceof DOMException && err.code === DOMException.ABORT_ERR) return 'aborted';
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return (typeof code === 'string' && Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined) ?? 'other';
}
