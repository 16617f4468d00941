// The robots page: every robot of the fleet with its online state (from heartbeats), when it was last
// heard, its active faults (count and worst severity) and its own health, refreshed every few seconds.
import { useMemo, useState } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';
import { faultSeverity } from '../model/severity';
import { usePoll } from '../ui/hooks';
import { ErrorNote } from '../ui/errors';
import { formatTime } from '../ui/faults/fault-table';
import { ago, fleetRouteHash, robotHealthLabel, robotView, type RobotView } from './model';

export const ROBOT_POLL_MS = 3000;

export function useRobots(client: MedkitClient) {
  return usePoll(async (signal) => (await client.fleetRobots({ signal })).map(robotView), [client], ROBOT_POLL_MS);
}

export function OnlineBadge({ online }: { online: boolean }) {
  return (
    <span class={`state ${online ? 'state-online' : 'state-offline'}`} data-testid="robot-state">
      <span class="dot" aria-hidden="true" />
      {online ? 'online' : 'offline'}
    </span>
  );
}

export function ActiveFaults({ robot }: { robot: RobotView }) {
  if (robot.activeFaults === 0) return <span class="muted">none</span>;
  const sev = faultSeverity(robot.worstSeverity);
  return (
    <a href={fleetRouteHash({ view: 'faults', filter: { robots: [robot.id], code: '', severity: '', status: 'active', since: '', until: '' } })} class="plain" title={`Open the timeline for ${robot.id}`}>
      <span class={`badge ${sev.css}`} data-testid="active-faults">
        {robot.activeFaults}
      </span>
      <span class="small"> worst {sev.label.toLowerCase()}</span>
    </a>
  );
}

export function RobotsPage({ client }: { client: MedkitClient }) {
  const robots = useRobots(client);
  const [query, setQuery] = useState('');
  const list = robots.data ?? [];
  const shown = useMemo(() => list.filter((r) => r.id.toLowerCase().includes(query.trim().toLowerCase())), [list, query]);
  const online = list.filter((r) => r.online).length;
  const active = list.reduce((n, r) => n + r.activeFaults, 0);
  const now = Date.now();

  return (
    <section class="panel" data-testid="robots-page">
      <h1>Robots</h1>
      {robots.data && (
        <p class="summary" aria-live="polite" data-testid="robots-summary">
          <strong>{list.length}</strong> robots · <span class="state state-online"><span class="dot" aria-hidden="true" />{online} online</span>
          {list.length - online > 0 && (
            <span class="state state-offline">
              <span class="dot" aria-hidden="true" />
              {list.length - online} offline
            </span>
          )}{' '}
          · <strong>{active}</strong> active fault{active === 1 ? '' : 's'}
        </p>
      )}
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Robot filter">
        <label for="robot-search">Robot</label>
        <input id="robot-search" type="search" placeholder="id contains…" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
      </form>
      {robots.error && <ErrorNote error={robots.error} what={robots.data ? 'Refresh failed (showing the last answer)' : 'Robots'} />}
      {!robots.data ? (
        !robots.error && <p class="muted">Loading robots…</p>
      ) : list.length === 0 ? (
        <p class="muted" data-testid="no-robots">No robot has reported to this fleet yet. Robots appear with their first health event (every robot gateway with fleet.enabled sends one at start).</p>
      ) : (
        <table class="grid" data-testid="robot-table">
          <caption class="visually-hidden">Robots of the fleet</caption>
          <thead>
            <tr>
              <th scope="col">Robot</th>
              <th scope="col">State</th>
              <th scope="col">Last seen</th>
              <th scope="col">Active faults</th>
              <th scope="col">Last incident</th>
              <th scope="col">Robot health</th>
              <th scope="col" class="num">Outbox</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} data-robot={r.id} class={r.online ? '' : 'row-offline'}>
                <th scope="row">
                  <a href={fleetRouteHash({ view: 'robot', robot: r.id })}>
                    <code>{r.id}</code>
                  </a>
                </th>
                <td>
                  <OnlineBadge online={r.online} />
                </td>
                <td title={formatTime(r.lastSeenMs)}>{ago(r.lastSeenMs, now)}</td>
                <td>
                  <ActiveFaults robot={r} />
                </td>
                <LastIncident robot={r} now={now} />
                <td data-testid="robot-health">
                  <RobotHealth robot={r} />
                </td>
                <td class="num" title={r.outboxDropped ? `${r.outboxDropped} events dropped` : undefined}>
                  {r.outboxPending ?? '—'}
                  {r.outboxDropped ? <span class="warn-text"> ({r.outboxDropped} dropped)</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The robot's own /health as robotHealthLabel reads it, configuration notes (ROS off) apart from real warnings: the list and the robot's page show this. */
export function RobotHealth({ robot }: { robot: RobotView }) {
  const h = robotHealthLabel(robot);
  if (!h.status) return <span class="muted" data-testid="robot-health-label" data-label={h.text}>—</span>;
  return (
    <span data-testid="robot-health-label" data-label={h.text}>
      <span class={h.status === 'healthy' ? '' : 'warn-text'}>{h.status}</span>
      {h.warnings.length > 0 && <span class="muted small"> · {h.warnings.join(', ')}</span>}
      {h.notes.map((n) => (
        <span key={n.code} class="muted small" title={n.title}>
          {' '}
          · {n.text}
        </span>
      ))}
    </span>
  );
}

/** A robot's newest fault (from the same answer as its active count): its code opening the incident (the robot's fault page), and how long ago. */
function LastIncident({ robot, now }: { robot: RobotView; now: number }) {
  const f = robot.lastFault;
  if (!f) return <td class="muted" data-testid="last-incident">none</td>;
  return (
    <td data-testid="last-incident" data-code={f.code}>
      <a href={fleetRouteHash({ view: 'fault', robot: robot.id, code: f.code })} title={`${f.severity.label}, ${f.status.toLowerCase()}`}>
        <code>{f.code}</code>
      </a>{' '}
      <span class="muted small">{ago(f.lastMs, now)}</span>
    </td>
  );
}
