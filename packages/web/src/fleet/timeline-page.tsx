// The fleet fault timeline: one list of every robot's faults, newest first, narrowed by the fleet API's
// filters (robot, fault code glob, severity, status, since/until), paged with its cursor, kept live by the
// fleet's fault stream. Changed rows are marked; a resync request from the fleet reloads the list.
import { useEffect, useState } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';
import { FAULT_SEVERITIES } from '../model/severity';
import { SeverityBadge, StatusBadge } from '../ui/badges';
import { ErrorNote } from '../ui/errors';
import { FaultCodeCell, formatTime } from '../ui/faults/fault-table';
import { StatusSelect } from '../ui/faults/status-select';
import { fleetRouteHash, parseFleetRoute, type RobotView, type TimelineFilter } from './model';
import { useFleetTimeline, type Timeline } from './timeline-store';

const STREAM_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting (resumes where it stopped)', unavailable: 'off (retrying)' } as const;

export function TimelinePage({ client, filter, robots, onTimeline }: { client: MedkitClient; filter: TimelineFilter; robots: RobotView[]; onTimeline?: (t: Timeline) => void }) {
  const t = useFleetTimeline(client, filter);
  useEffect(() => onTimeline?.(t), [t.stream]);
  const [code, setCode] = useState(filter.code);
  useEffect(() => setCode(filter.code), [filter.code]);
  // From the URL as it is now, not this render's filter: a debounced change must not undo one made since.
  const go = (patch: Partial<TimelineFilter>) => {
    const now = parseFleetRoute(window.location.hash);
    window.location.hash = fleetRouteHash({ view: 'faults', filter: { ...(now.view === 'faults' ? now.filter : filter), ...patch } });
  };
  // The code glob is applied when typing pauses, not on every key.
  useEffect(() => {
    if (code === filter.code) return;
    const h = setTimeout(() => go({ code }), 400);
    return () => clearTimeout(h);
  }, [code]);
  const robotIds = [...new Set([...robots.map((r) => r.id), ...filter.robots])].sort();

  return (
    <section class="panel" data-testid="timeline-page">
      <h1>Fleet faults</h1>
      <p class="summary" aria-live="polite">
        <span data-testid="match-count">{t.loaded ? t.total : '…'}</span> fault{t.total === 1 ? '' : 's'} match
        {t.loaded && t.rows.length < t.total && <span class="muted small"> (showing {t.rows.length})</span>}
        <span class={`meta stream stream-${t.stream}`} data-testid="timeline-stream">
          · live updates: {STREAM_TEXT[t.stream]}
        </span>
        {t.resync && (
          <span class="note small" role="status" data-testid="resync-note">
            Re-listed at {formatTime(t.resync.atMs)}: the fleet could not resume the stream ({t.resync.reason}).
          </span>
        )}
      </p>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Fault filters">
        <span class="field"><label for="t-robot">Robot</label>
        <select id="t-robot" value={filter.robots.length === 1 ? filter.robots[0] : filter.robots.length > 1 ? '__many' : ''} onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          go({ robots: v && v !== '__many' ? [v] : [] });
        }}>
          <option value="">All robots</option>
          {filter.robots.length > 1 && <option value="__many">{filter.robots.join(', ')}</option>}
          {robotIds.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select></span>
        <span class="field"><label for="t-code">Fault code</label>
        <input id="t-code" type="search" placeholder="glob, e.g. LIDAR_*" value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} /></span>
        <span class="field"><label for="t-severity">Severity at least</label>
        <select id="t-severity" value={filter.severity} onChange={(e) => go({ severity: (e.target as HTMLSelectElement).value })}>
          <option value="">Any</option>
          {FAULT_SEVERITIES.map((s) => (
            <option key={s.level} value={s.label === 'WARNING' ? 'warning' : s.label.toLowerCase()}>
              {s.label}
            </option>
          ))}
        </select></span>
        <span class="field">
          <StatusSelect id="t-status" value={filter.status} onChange={(status) => go({ status })} />
        </span>
        <span class="field"><label for="t-since">Since</label>
        <input id="t-since" type="datetime-local" step="1" value={filter.since} onChange={(e) => go({ since: (e.target as HTMLInputElement).value })} /></span>
        <span class="field"><label for="t-until">Until</label>
        <input id="t-until" type="datetime-local" step="1" value={filter.until} onChange={(e) => go({ until: (e.target as HTMLInputElement).value })} /></span>
        <button type="button" onClick={() => go({ robots: [], code: '', severity: '', status: 'active', since: '', until: '' })}>
          Reset
        </button>
      </form>
      {t.error !== undefined && <ErrorNote error={t.error} what="Faults" />}
      {!t.loaded ? (
        <p class="muted">Loading faults…</p>
      ) : t.rows.length === 0 ? (
        <p class="muted" data-testid="no-faults">
          No fault matches these filters{filter.status === 'active' ? ' (showing active faults; choose status All for history)' : ''}.
        </p>
      ) : (
        <table class="grid fault-table" data-testid="timeline-table">
          <caption class="visually-hidden">Faults of the fleet, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Last occurrence</th>
              <th scope="col">Robot</th>
              <th scope="col">Severity</th>
              <th scope="col">Code</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">Count</th>
              <th scope="col">Sources</th>
            </tr>
          </thead>
          <tbody>
            {t.rows.map((f) => (
              <tr key={f.key} data-code={f.code} data-robot={f.robotId} class={`row-${f.rawStatus.toLowerCase()} ${t.fresh.has(f.key) ? 'row-fresh' : ''}`}>
                <td class="nowrap">{formatTime(f.lastMs)}</td>
                <td class="nowrap">
                  <a href={fleetRouteHash({ view: 'robot', robot: f.robotId })}>{f.robotId}</a>
                </td>
                <td>
                  <SeverityBadge severity={f.severity} />
                </td>
                <FaultCodeCell fault={f} href={fleetRouteHash({ view: 'fault', robot: f.robotId, code: f.code })} />
                <td>
                  <StatusBadge raw={f.rawStatus} />
                  {t.fresh.has(f.key) && <span class="tag small"> live</span>}
                </td>
                <td class="num">{f.occurrences ?? '—'}</td>
                <td class="small sources">{f.reportingSources.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {t.nextCursor && (
        <p>
          <button type="button" onClick={t.more} disabled={t.loading} data-testid="more">
            {t.loading ? 'Loading…' : 'Load older faults'}
          </button>
        </p>
      )}
    </section>
  );
}
