// Signalling a process or process group by id, where "no such process" is an answer, not an error.

/**
 * Sends `signal` (0: only check) to `target` (a pid, or -pgid for a group). True when the target exists:
 * EPERM means it exists but belongs to someone else.
 */
export function signalProcess(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
