// The vendor errors of the Linux introspection routes (docs/introspection.md).
import { PluginError } from '@medkit/plugin-api';

const err = (code: string, status: number) => (message: string, parameters: Record<string, unknown> = {}) => new PluginError(code, message, status, parameters);

export const pidLookupFailed = err('x-medkit-pid-lookup-failed', 404);
export const procReadFailed = err('x-medkit-proc-read-failed', 503);
export const notInSystemdUnit = err('x-medkit-not-in-systemd-unit', 404);
export const systemdQueryFailed = err('x-medkit-systemd-query-failed', 503);
export const notContainerized = err('x-medkit-not-containerized', 404);
export const cgroupReadFailed = err('x-medkit-cgroup-read-failed', 503);

/** True for "no such file": the process is gone (or never was). */
export const isMissing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'ENOENT' || (e as NodeJS.ErrnoException)?.code === 'ESRCH';
