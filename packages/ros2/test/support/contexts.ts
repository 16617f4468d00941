// Helpers for ros2 tests: contexts on 127.0.0.1 that are closed after each file.
import { RosContext, type RosContextOptions } from '../../src/index.js';

const open: RosContext[] = [];

/** A context on loopback only, in `domainId`, tracked for closeContexts(). */
export async function context(domainId: number, opts: RosContextOptions = {}): Promise<RosContext> {
  const ctx = await RosContext.create({ domainId, localhostOnly: true, ...opts, rtps: { peerIndexCount: 12, ...(opts.rtps ?? {}) } });
  open.push(ctx);
  return ctx;
}

export async function closeContexts(): Promise<void> {
  await Promise.all(open.splice(0).map((c) => c.close()));
}

/** Resolves when `cond()` holds, polling every 20 ms; throws with `what` after the timeout. */
export async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
