// CPU % and memory (RSS) of each online node's process over the last minutes, from the procfs_introspection
// plugin (GET /apps/{id}/x-medkit-procfs, docs/introspection.md), polled every 3 s. Says so when the plugin is off.
import { useRef } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';
import { formatBytes } from '../../model/freeze-frame';
import { usePoll } from '../hooks';
import { fetchProcessMetrics } from '../process-metrics-panel';
import { Sparkline } from './sparkline';

const KEEP = 40;

interface History {
  cpu: number[];
  rss: number[];
  pid?: number;
}

export function ProcessSparklines({ client, appIds }: { client: MedkitClient; appIds: string[] }) {
  const hist = useRef(new Map<string, History>());
  const poll = usePoll(
    async (signal) => {
      const results = await Promise.all(appIds.map((id) => fetchProcessMetrics(client, `/apps/${encodeURIComponent(id)}`, signal).then((m) => [id, m[0]] as const, () => [id, undefined] as const)));
      for (const [id, m] of results) {
        if (!m) continue;
        const h = hist.current.get(id) ?? { cpu: [], rss: [] };
        if (m.cpuPercent !== undefined) h.cpu = [...h.cpu, m.cpuPercent].slice(-KEEP);
        if (m.rssBytes !== undefined) h.rss = [...h.rss, m.rssBytes].slice(-KEEP);
        h.pid = m.pid;
        hist.current.set(id, h);
      }
      return results.filter(([, m]) => m !== undefined).length;
    },
    [client, appIds.join(',')],
    3000,
  );
  if (poll.data === undefined) return <p class="muted small">Reading process metrics…</p>;
  if (poll.data === 0) return <p class="muted small" data-testid="procfs-off">No process metrics: the gateway runs no procfs_introspection plugin, or it maps no node to a process.</p>;
  const rows = appIds.filter((id) => hist.current.has(id));
  return (
    <table class="grid small" data-testid="process-sparklines">
      <caption>Processes of the nodes (CPU and memory, last {KEEP} samples)</caption>
      <thead>
        <tr>
          <th scope="col">node</th>
          <th scope="col">pid</th>
          <th scope="col">CPU</th>
          <th scope="col">memory (RSS)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((id) => {
          const h = hist.current.get(id)!;
          return (
            <tr key={id} data-app={id}>
              <th scope="row">
                <a href={`#/entity/apps/${encodeURIComponent(id)}`}>{id}</a>
              </th>
              <td>{h.pid}</td>
              <td>
                <Sparkline values={h.cpu} label={`CPU of ${id}`} format={(v) => `${v.toFixed(1)} %`} />
              </td>
              <td>
                <Sparkline values={h.rss} label={`memory of ${id}`} format={(v) => formatBytes(v)} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
