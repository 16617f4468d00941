// The rosout lines of the incident's window for the entities involved (the fault's, its root cause's and its
// symptoms'), read from each entity's logs route and merged in time order.
import type { MedkitClient } from '@medkit/client';
import { normalizeLogList, logTime, type LogView } from '../model/logs';
import { usePoll } from '../ui/hooks';
import { ErrorNote } from '../ui/errors';
import { backgroundTurn } from '../api/foreground';

const MARGIN_SEC = 2;

async function windowLogs(client: MedkitClient, appIds: string[], range: [number, number], signal: AbortSignal): Promise<{ lines: (LogView & { app: string })[]; failed: string[] }> {
  await backgroundTurn(signal);
  const failed: string[] = [];
  const per = await Promise.all(
    appIds.map(async (id) => {
      try {
        const body = await client.get('/apps/{app_id}/logs', { params: { path: { app_id: id } }, signal });
        return normalizeLogList(body).map((l) => ({ ...l, app: id }));
      } catch {
        failed.push(id);
        return [];
      }
    }),
  );
  const [a, b] = [(range[0] - MARGIN_SEC) * 1000, (range[1] + MARGIN_SEC) * 1000];
  const lines = per.flat().filter((l) => l.timeMs !== undefined && l.timeMs >= a && l.timeMs <= b);
  return { lines: lines.sort((x, y) => (x.timeMs ?? 0) - (y.timeMs ?? 0)), failed };
}

export function LogsSection({ client, appIds, range }: { client: MedkitClient; appIds: string[]; range: [number, number] }) {
  const logs = usePoll((signal) => windowLogs(client, appIds, range, signal), [client, appIds.join(','), range[0], range[1]], 0);
  if (logs.error) return <ErrorNote error={logs.error} what="Logs" />;
  if (!logs.data) return <p class="muted">Loading log lines…</p>;
  const { lines, failed } = logs.data;
  return (
    <div data-testid="incident-logs">
      <p class="muted small">
        {lines.length} line{lines.length === 1 ? '' : 's'} of {appIds.join(', ')} between the window's start and end (±{MARGIN_SEC} s). The gateway keeps the newest lines per node only, so older windows may show none.
        {failed.length > 0 && ` No logs from ${failed.join(', ')}.`}
      </p>
      {lines.length > 0 && (
        <div class="log-box incident-log" role="log" aria-label="Log lines of the incident window" tabIndex={0}>
          {lines.map((l) => (
            <div key={`${l.app}:${l.id}`} class={`log-line log-${l.level ?? 'unknown'}`} data-app={l.app}>
              <span class="log-time">{logTime(l)}</span>
              <span class={`log-level lvl-${l.level ?? 'unknown'}`}>{(l.level ?? '?').toUpperCase()}</span>
              <span class="log-node">[{l.node ?? l.app}]</span>
              <span class="log-msg">{l.message}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
