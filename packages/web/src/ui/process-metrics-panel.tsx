// Process metrics of an App or Component from the procfs_introspection plugin (GET …/x-medkit-procfs,
// docs/introspection.md): CPU %, memory, threads, open files per process. Shown on the overview of
// entities that advertise the capability. Polled every 2 s: the gateway computes CPU % between two reads
// at least 1 s apart.
import { isObj, num, obj, str, strList } from '../model/json';
import type { MedkitClient } from '@medkit/client';
import { SEGMENT, type EntityKey } from '../model/entities';
import { useApp } from './context';
import { usePoll } from './hooks';
import { ErrorNote } from './errors';

export const PROCFS_CAPABILITY = 'x-medkit-procfs' as const;

interface ProcessMetrics {
  pid: number;
  cpuPercent?: number;
  rssBytes?: number;
  threads?: number;
  fdCount?: number;
  uptimeSec?: number;
  cmdline?: string;
  nodeIds: string[];
}

function toMetrics(v: unknown): ProcessMetrics {
  const p = obj(v);
  return {
    pid: num(p.pid) ?? 0,
    cpuPercent: num(p.cpu_percent),
    rssBytes: num(p.rss_bytes),
    threads: num(p.threads),
    fdCount: num(p.fd_count),
    uptimeSec: num(p.uptime_seconds),
    cmdline: str(p.cmdline),
    nodeIds: strList(p.node_ids),
  };
}

/** The one fetch of this panel: an App answers one process, a Component `{processes: [...]}`. */
async function fetchProcessMetrics(client: MedkitClient, entity: EntityKey<'app' | 'component'>, signal: AbortSignal): Promise<ProcessMetrics[]> {
  const body: unknown = await client.entityGet(SEGMENT[entity.type], entity.id, `/${PROCFS_CAPABILITY}`, { signal });
  const list = obj(body).processes;
  return Array.isArray(list) ? list.map(toMetrics) : isObj(body) ? [toMetrics(body)] : [];
}

const mib = (b?: number) => (b === undefined ? '–' : `${(b / (1024 * 1024)).toFixed(1)} MiB`);
const dash = (v?: number, unit = '') => (v === undefined ? '–' : `${v}${unit}`);

function uptime(sec?: number): string {
  if (sec === undefined) return '–';
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${Math.floor(sec % 60)} s` : `${Math.floor(sec)} s`;
}

export function ProcessMetricsPanel({ entity }: { entity: EntityKey<'app' | 'component'> }) {
  const { client } = useApp();
  const metrics = usePoll((signal) => fetchProcessMetrics(client, entity, signal), [client, entity.type, entity.id], 2000);
  return (
    <section class="stack" data-testid="process-metrics" aria-label="Process metrics">
      <h2>Process</h2>
      {metrics.error && !metrics.data ? (
        <ErrorNote error={metrics.error} what="Process metrics" />
      ) : !metrics.data ? (
        <p class="muted">Loading process metrics…</p>
      ) : metrics.data.length === 0 ? (
        <p class="muted">No process found for this entity.</p>
      ) : (
        <table class="grid small">
          <thead>
            <tr>
              <th scope="col">PID</th>
              <th scope="col">CPU</th>
              <th scope="col">Memory (RSS)</th>
              <th scope="col">Threads</th>
              <th scope="col">Open files</th>
              <th scope="col">Up</th>
              {metrics.data.some((p) => p.nodeIds.length > 0) && <th scope="col">Apps</th>}
            </tr>
          </thead>
          <tbody>
            {metrics.data.map((p) => (
              <tr key={p.pid} title={p.cmdline}>
                <td>
                  <code>{p.pid}</code>
                </td>
                <td data-testid="process-cpu">{p.cpuPercent === undefined ? 'measuring…' : `${p.cpuPercent.toFixed(1)} %`}</td>
                <td data-testid="process-rss">{mib(p.rssBytes)}</td>
                <td>{dash(p.threads)}</td>
                <td data-testid="process-fds">{dash(p.fdCount)}</td>
                <td>{uptime(p.uptimeSec)}</td>
                {p.nodeIds.length > 0 && <td>{p.nodeIds.join(', ')}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
