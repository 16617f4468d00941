// How the resources turn a failed ROS round trip (classified by @medkit/ros2's rosFailure) into SOVD errors.

import { SovdError } from '@medkit/sovd';
import { rosFailure } from '@medkit/ros2/light';

/**
 * The SOVD error for an endpoint DDS-Security refuses the gateway (@medkit/rtps EndpointRefusedError, told apart by
 * name): `403 x-medkit-ros2-permission-denied` when the gateway's permissions or governance deny the topic, `501
 * not-implemented` when it needs a protection medkit cannot give yet; undefined for any other error. Final: the
 * same endpoint is refused for as long as the gateway runs with this enclave.
 */
export function securityRefusal(err: unknown, parameters: Record<string, unknown>): SovdError | undefined {
  if (rosFailure(err) !== 'refused') return undefined;
  const e = err as Error & { kind?: string; topic?: string; refusal?: string; reason?: string };
  const params = { ...parameters, dds_topic: e.topic, endpoint: e.kind, reason: e.reason };
  if (e.refusal === 'unsupported') return new SovdError('not-implemented', `DDS-Security: ${e.message}`, params);
  return new SovdError('x-medkit-ros2-permission-denied', `The gateway's SROS2 permissions do not allow it a ${e.kind} on '${e.topic}': ${e.reason}`, params);
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
