// The cgroup v2 path of a process (/proc/<pid>/cgroup, the `0::<path>` line), shared by the systemd and
// container plugins (gateway.md §5).
import { join } from 'node:path';
import { readText } from './proc-files.js';

/** The unified (v2) hierarchy path of a process, or undefined when the process has none (pure cgroup v1). */
export async function cgroupV2Path(procDir: string, pid: number): Promise<string | undefined> {
  const text = await readText(join(procDir, String(pid), 'cgroup'), 16 * 1024);
  return parseCgroupV2Path(text);
}

export function parseCgroupV2Path(text: string): string | undefined {
  const m = /^0::(\/[^\n]{0,4096})$/m.exec(text);
  return m ? m[1] : undefined;
}
