// The cgroup v2 path of a process (/proc/<pid>/cgroup, the `0::<path>` line), shared by the systemd and
// container plugins (docs/introspection.md).
import { join } from 'node:path';
import { readText } from './proc-files.js';
import { isMissing, pidLookupFailed, procReadFailed } from './errors.js';
import { parseCgroupFile, type CgroupMembership } from './container-limits.js';

/** The unified (v2) hierarchy path of a process, or undefined when the process has none (pure cgroup v1). */
async function cgroupV2Path(procDir: string, pid: number): Promise<string | undefined> {
  const text = await readText(join(procDir, String(pid), 'cgroup'), 16 * 1024);
  return parseCgroupV2Path(text);
}

function parseCgroupV2Path(text: string): string | undefined {
  const m = /^0::(\/[^\n]{0,4096})$/m.exec(text);
  return m ? m[1] : undefined;
}

/** {@link cgroupV2Path} with the docs/introspection.md errors: 404 pid-lookup-failed for a gone process, 503 proc-read-failed otherwise. */
export async function cgroupPathOf(procDir: string, pid: number): Promise<string | undefined> {
  try {
    return await cgroupV2Path(procDir, pid);
  } catch (e) {
    if (isMissing(e)) throw pidLookupFailed(`process ${pid} does not exist`, { pid });
    throw procReadFailed(`cannot read the cgroup of process ${pid}: ${(e as Error).message}`, { pid });
  }
}

/** Every cgroup path of a process (v2 and v1), with the errors of {@link cgroupPathOf}. */
export async function cgroupMembershipOf(procDir: string, pid: number): Promise<CgroupMembership> {
  try {
    return parseCgroupFile(await readText(join(procDir, String(pid), 'cgroup'), 16 * 1024));
  } catch (e) {
    if (isMissing(e)) throw pidLookupFailed(`process ${pid} does not exist`, { pid });
    throw procReadFailed(`cannot read the cgroup of process ${pid}: ${(e as Error).message}`, { pid });
  }
}
