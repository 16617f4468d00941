// CPU % and memory (RSS) of each online node's process over the last minutes, from the procfs_introspection
// plugin's block in each App's detail (x-medkit.plugins.procfs_introspection, docs/introspection.md), polled
// every 10 s. The App detail always exists, so an App the plugin maps to no process costs no failed request.
import { useRef } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';
import { formatBytes } from '../../model/freeze-frame';
import { usePoll } from '../hooks';
import { num, obj, xm } from '../../model/json';
import { createLimiter } from '../../api/limiter';
import { Sparkline } from './sparkline';

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
  pid?: number;
}

export function ProcessSparklines({ client, appIds }: { client: MedkitClient; appIds: string[] }) {
  const hist = useRef(new Map<string, History>());
  const poll = usePoll(
    async (signal) => {
      const results = await Promise.all(
        appIds.map((id) =>
          READS.run(() => client.read(`/apps/${encodeURIComponent(id)}`, { signal }), signal).then(
            (d) => [id, obj(obj(xm(d).plugins).procfs_introspection)] as const,
            () => [id, undefined] as const,
          ),
        ),
      );
      for (const [id, p] of results) {
        if (!p || num(p.pid) === undefined) continue;
        const h = hist.current.get(id) ?? { cpu: [], rss: [] };
        const cpu = num(p.cpu_percent);
        const rss = num(p.rss_bytes);
        if (cpu !== undefined) h.cpu = [...h.cpu, cpu].slice(-KEEP);
        if (rss !== undefined) h.rss = [...h.rss, rss].slice(-KEEP);
        h.pid = num(p.pid);
        hist.current.set(id, h);
      }
      return results.filter(([, p]) => p !== undefined && num(p.pid) !== undefined).length;
    },
    [client, appIds.join(',')],
    POLL_MS,
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
