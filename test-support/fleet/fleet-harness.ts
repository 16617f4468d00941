// Fleet replicas as real `medkit fleet` child processes (so a test can SIGKILL one), plus an SSE reader.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMedkit, type MedkitProcess } from '../medkit-cli.js';
import { freePort } from '../servers/ports.mjs';

export interface FleetReplica {
  proc: MedkitProcess;
  url: string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /**
   * GET `path` on the replica and parse its JSON; when the request fails, the error says whether the process is
   * still running and ends with its stderr, so a replica that died under a test is not just "fetch failed".
   */
  getJson<T>(path: string): Promise<T>;
}

/** `env`: extra environment, e.g. NATS credentials (MEDKIT_FLEET_NATS_USER, …), which never go on the command line. */
export async function startFleetReplica(o: { nats: string[]; database: string; fleet: string; set?: string[]; env?: NodeJS.ProcessEnv }): Promise<FleetReplica> {
  const dataDir = mkdtempSync(join(tmpdir(), 'medkit-fleet-replica-'));
  const args = ['fleet', '--port', String(await freePort()), '--nats', o.nats.join(','), '--database', o.database, '--fleet', o.fleet, '--data-dir', dataDir, '--no-ros', '--log-level', 'warn'];
  for (const s of o.set ?? []) args.push('--set', s);
  const proc = runMedkit(args, o.env);
  const m = await proc.waitFor(/listening\s+(http:\/\/\S+)\/api\/v1/, 30_000);
  return {
    proc,
    url: m[1],
    async getJson<T>(path: string): Promise<T> {
      try {
        return (await (await fetch(`${m[1]}${path}`)).json()) as T;
      } catch (e) {
        const c = proc.child;
        const state = c.exitCode !== null || c.signalCode !== null ? `exited (code ${c.exitCode}, signal ${c.signalCode})` : 'still running';
        throw new Error(`GET ${m[1]}${path} failed (${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}); the replica is ${state}; its stderr ends: ${proc.stderr().slice(-4000)}`);
      }
    },
    async kill(signal = 'SIGTERM') {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      proc.child.kill(signal);
      await proc.exited;
    },
  };
}

/** The resume point an SSE id of the fleet stream starts with (`<stream seq>.<robot>.<robot seq>`, or a bare stream seq). */
export function streamSeqOfId(id: string | undefined): string | undefined {
  return id?.split('.')[0];
}

export interface SseEventRead {
  /** The event's own id line (none on an event the fast path brought first). */
  id?: string;
  event?: string;
  data: unknown;
}

/**
 * Opens an SSE stream and collects parsed events until close(). A frame with an id and no data (the fleet's
 * JetStream copy of an event already sent from the fast path) dispatches nothing, as in an EventSource, but moves
 * `lastEventId` and is listed in `bareIds`.
 */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  const events: SseEventRead[] = [];
  const bareIds: string[] = [];
  let lastEventId: string | undefined;
  let buf = '';
  const reader = res.body!.getReader();
  const pump = (async () => {
    const dec = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev: SseEventRead = { data: undefined };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) ev.id = line.slice(4);
          else if (line.startsWith('event: ')) ev.event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (ev.id !== undefined) lastEventId = ev.id;
        if (data.length) {
          ev.data = JSON.parse(data.join('\n'));
          events.push(ev);
        } else if (ev.id !== undefined) bareIds.push(ev.id);
      }
    }
  })();
  return {
    status: res.status,
    events,
    bareIds,
    /** What an EventSource would send as Last-Event-ID now. */
    lastEventId: () => lastEventId,
    async close() {
      ac.abort();
      await pump;
    },
  };
}
