// CPU % and memory (RSS) of the nodes' processes over the last minutes, from the procfs_introspection plugin's
// block in each App's detail (x-medkit.plugins.procfs_introspection, docs/introspection.md): over the gateway's
// watch stream where it has one (state/watch.ts), else polled every 10 s.
// One row per process, listing the nodes it hosts (nodes sharing a process share its CPU and memory, shown once),
// with where the mapping came from (the node's process-id hint, or its name on the command line, and the ROS domain
// checked); nodes mapped to no process are named. The App detail always exists, so an unmapped App costs no failed request.
import { useMemo, useRef } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';
import { formatBytes } from '../../model/freeze-frame';
import { usePoll } from '../hooks';
import { num, obj, xm } from '../../model/json';
import { createLimiter } from '../../api/limiter';
import { Sparkline } from './sparkline';
import { useWatchedAll } from '../../state/watch';

const KEEP = 40;
/**
 * Each App detail makes the gateway read /proc for it: a few at a time and every 10 s, so the overview never
 * loads the gateway into its introspection deadline (a `plugin_call_failed` warning in /health).
 */
const READS = createLimiter(2);
const POLL_MS = 10_000;

interface History {
  cpu: number[];
  rss: number[];
}

/** One process row: its nodes and how they were mapped to it. */
interface ProcessRow {
  pid: number;
  apps: string[];
  sources: Set<string>;
}

const SOURCE_TEXT: Record<string, string> = { hint: 'process-id hint', cmdline: 'node name on its command line' };

/**
 * The process rows of the Apps' procfs blocks, each process's history extended by one sample when the answer of the
 * process's first App is a new one (a poll, or a change over the watch stream), never twice for one answer.
 */
function processRows(results: (readonly [string, Record<string, unknown> | undefined, object | undefined])[], hist: Map<number, History>, sampled: Map<number, object>) {
  const rows = new Map<number, ProcessRow>();
  const unmapped: string[] = [];
  for (const [id, p, answer] of results) {
    const pid = p ? num(p.pid) : undefined;
    if (!p || pid === undefined) {
      unmapped.push(id);
      continue;
    }
    const row = rows.get(pid) ?? { pid, apps: [], sources: new Set<string>() };
    row.apps.push(id);
    const source = typeof p.pid_source === 'string' ? p.pid_source : undefined;
    if (source) row.sources.add(SOURCE_TEXT[source] ?? source);
    if (p.pid_domain !== undefined) row.sources.add('ROS domain checked');
    // One sample per process and answer (its nodes report the same process).
    if (row.apps.length === 1 && answer !== undefined && sampled.get(pid) !== answer) {
      sampled.set(pid, answer);
      const h = hist.get(pid) ?? { cpu: [], rss: [] };
      const cpu = num(p.cpu_percent);
      const rss = num(p.rss_bytes);
      if (cpu !== undefined) h.cpu = [...h.cpu, cpu].slice(-KEEP);
      if (rss !== undefined) h.rss = [...h.rss, rss].slice(-KEEP);
      hist.set(pid, h);
    }
    rows.set(pid, row);
  }
  for (const pid of [...hist.keys()]) if (!rows.has(pid)) hist.delete(pid);
  return { rows: [...rows.values()].sort((a, b) => a.apps[0].localeCompare(b.apps[0])), unmapped };
}

const procfsOf = (detail: unknown) => obj(obj(xm(detail).plugins).procfs_introspection);
const appPath = (id: string) => `/apps/${encodeURIComponent(id)}`;

export function ProcessSparklines({ client, appIds }: { client: MedkitClient; appIds: string[] }) {
  const hist = useRef(new Map<number, History>());
  const sampled = useRef(new Map<number, object>());
  // Over the watch stream each App's detail comes when it changed (its CPU figure, every few seconds); else polled.
  const watched = useWatchedAll(useMemo(() => appIds.map(appPath), [appIds.join(',')]));
  const polled = usePoll(
    async (signal) => {
      const results = await Promise.all(
        appIds.map((id) =>
          READS.run(() => client.get('/apps/{app_id}', { params: { path: { app_id: id } }, signal }), signal).then(
            (d) => [id, procfsOf(d), d as object] as const,
            () => [id, undefined, undefined] as const,
          ),
        ),
      );
      return processRows(results, hist.current, sampled.current);
    },
    [client, appIds.join(',')],
    POLL_MS,
    !watched.live,
  );
  const fromWatch = watched.live
    ? processRows(appIds.map((id, i) => {
      const a = watched.answers[i];
      return a.status === 200 ? ([id, procfsOf(a.body), a] as const) : ([id, undefined, undefined] as const);
    }), hist.current, sampled.current)
    : undefined;
  const poll = { data: fromWatch ?? polled.data };
  if (poll.data === undefined) return <p class="muted small">Reading process metrics…</p>;
  const { rows, unmapped } = poll.data;
  if (rows.length === 0) return <p class="muted small" data-testid="procfs-off">No process metrics: the gateway runs no procfs_introspection plugin, or it maps no node to a process.</p>;
  return (
    <>
      <table class="grid small" data-testid="process-sparklines">
        <caption>Processes of the nodes (CPU and memory of each process, last {KEEP} samples; nodes sharing a process share one row)</caption>
        <thead>
          <tr>
            <th scope="col">pid</th>
            <th scope="col">nodes</th>
            <th scope="col">CPU</th>
            <th scope="col">memory (RSS)</th>
            <th scope="col">mapped by</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const h = hist.current.get(r.pid) ?? { cpu: [], rss: [] };
            return (
              <tr key={r.pid} data-pid={r.pid} data-apps={r.apps.join(',')}>
                <th scope="row">{r.pid}</th>
                <td>
                  {r.apps.map((id, i) => (
                    <span key={id}>
                      {i > 0 && ', '}
                      <a href={`#/entity/apps/${encodeURIComponent(id)}`} data-app={id}>
                        {id}
                      </a>
                    </span>
                  ))}
                </td>
                <td>
                  <Sparkline values={h.cpu} label={`CPU of process ${r.pid}`} format={(v) => `${v.toFixed(1)} %`} />
                </td>
                <td>
                  <Sparkline values={h.rss} label={`memory of process ${r.pid}`} format={(v) => formatBytes(v)} />
                </td>
                <td class="muted">{[...r.sources].join(', ') || 'unknown'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {unmapped.length > 0 && (
        <p class="muted small" data-testid="process-unmapped">
          Not mapped to a process of this robot (no process-id hint, no command line naming them on its ROS domain): {unmapped.join(', ')}.
        </p>
      )}
    </>
  );
}
