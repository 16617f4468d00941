// The fleet fault view: every fault code across the robots with how many robots have it (active now and in all),
// first and last seen, and its reports per hour over the last 24 h as a small bar trend; a code opens the robots
// that have it, each opening the robot's fault and incident page.
import { useEffect, useState } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';
import { usePoll } from '../ui/hooks';
import { ErrorNote } from '../ui/errors';
import { SeverityBadge, StatusBadge } from '../ui/badges';
import { formatTime } from '../ui/faults/fault-table';
import { ago, fleetFaultView, fleetRouteHash, type RobotView } from './model';
import { faultCodeList, trendSummary, type FaultCodeList, type FaultCodeView } from './codes-model';
import { OnlineBadge } from './robots-page';

/** Hours of the trend (the fleet's `hours`), and how often the view asks again. */
const TREND_HOURS = 24;
const CODES_POLL_MS = 15_000;

/** Codes the list shows at most (most active robots first); a code filter finds the others. */
const LIST_LIMIT = 100;

/** The fleet's fault codes under a glob (the list), or the one `code` (its page). */
function useFaultCodes(client: MedkitClient, glob: string, exact?: string) {
  const query = { hours: TREND_HOURS, limit: exact === undefined ? LIST_LIMIT : 500, fault_code: (exact ?? glob) || undefined };
  return usePoll(async (signal) => faultCodeList(await client.fleetFaultCodes(query, { signal })), [client, glob, exact], CODES_POLL_MS);
}

/** Reports per hour as bars (one path, light enough for hundreds of rows); the label says the total, the last hour and the direction, the hover the busiest hours. */
export function CountTrend({ trend, startMs, bucketMs, code }: { trend: number[]; startMs?: number; bucketMs: number; code: string }) {
  const s = trendSummary(trend);
  const max = Math.max(1, ...trend);
  const w = 4;
  const h = 22;
  const hour = (i: number) => (startMs === undefined ? `hour ${i + 1}` : new Date(startMs + i * bucketMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  const bars = trend.map((v, i) => (v === 0 ? '' : `M${i * w},${h - 1}v${-Math.max(2, (v / max) * (h - 2)).toFixed(1)}h${w - 1}V${h - 1}z`)).join('');
  const busiest = trend
    .map((v, i) => ({ v, i }))
    .filter((x) => x.v > 0)
    .sort((a, b) => b.v - a.v || b.i - a.i)
    .slice(0, 3)
    .map((x) => `${hour(x.i)}: ${x.v}`)
    .join(', ');
  return (
    <span class="spark" data-testid="code-trend" data-trend={trend.join(',')}>
      <svg class="sparkline" width={trend.length * w} height={h} role="img" aria-label={`${code}: ${s.total} reports in ${trend.length} h, ${s.last} in the current hour, ${s.direction}`}>
        <title>{busiest ? `busiest hours ${busiest}` : 'no report'}</title>
        <path d={`M0,${h - 0.5}H${trend.length * w}`} stroke="currentColor" stroke-opacity="0.3" />
        {bars && <path d={bars} fill="#1f5fbf" data-testid="trend-bars" />}
      </svg>{' '}
      <span class="small">
        {s.total} report{s.total === 1 ? '' : 's'} <span class="muted">· {s.direction}</span>
      </span>
    </span>
  );
}

function Robots({ c }: { c: FaultCodeView }) {
  return (
    <span data-testid="code-robots">
      <strong>{c.activeRobots}</strong> active <span class="muted">/ {c.robots} robot{c.robots === 1 ? '' : 's'}</span>
    </span>
  );
}

function TrendNote({ list }: { list: FaultCodeList }) {
  return list.complete ? null : <p class="note small">The last {TREND_HOURS} h held more reports than the fleet reads for one answer: the oldest hours are undercounted.</p>;
}

export function FaultCodesPage({ client }: { client: MedkitClient }) {
  const [typed, setTyped] = useState('');
  const [glob, setGlob] = useState('');
  // The glob is applied when typing pauses, not on every key.
  useEffect(() => {
    const h = setTimeout(() => setGlob(typed.trim()), 400);
    return () => clearTimeout(h);
  }, [typed]);
  const codes = useFaultCodes(client, glob);
  const list = codes.data;
  const now = Date.now();
  return (
    <section class="panel" data-testid="codes-page">
      <h1>Fault codes across the fleet</h1>
      {list && (
        <p class="summary" aria-live="polite" data-testid="codes-summary">
          <strong>{list.total}</strong> fault code{list.total === 1 ? '' : 's'} · reports per hour over the last {TREND_HOURS} h
          {list.items.length < list.total && <span class="muted small"> (showing the {list.items.length} with most active robots: narrow by code to see others)</span>}
        </p>
      )}
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Fault code filter">
        <label for="code-search">Code</label>
        <input id="code-search" type="search" placeholder="glob, e.g. LIDAR_*" value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
      </form>
      {codes.error && <ErrorNote error={codes.error} what={list ? 'Refresh failed (showing the last answer)' : 'Fault codes'} />}
      {!list ? (
        !codes.error && <p class="muted">Loading fault codes…</p>
      ) : list.items.length === 0 ? (
        <p class="muted" data-testid="no-codes">{glob ? `No fault code matches ${glob}.` : 'No robot of this fleet has reported a fault yet.'}</p>
      ) : (
        <>
          <TrendNote list={list} />
          <table class="grid" data-testid="codes-table">
            <caption class="visually-hidden">Fault codes across the fleet</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Worst severity</th>
                <th scope="col">Robots</th>
                <th scope="col" class="num">Occurrences</th>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
                <th scope="col">Reports per hour, last {TREND_HOURS} h</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((c) => (
                <tr key={c.code} data-code={c.code}>
                  <th scope="row">
                    <a href={fleetRouteHash({ view: 'code', code: c.code })}>
                      <code>{c.code}</code>
                    </a>
                    {c.title !== c.code && <div class="small">{c.title}</div>}
                  </th>
                  <td>
                    <SeverityBadge severity={c.severity} />
                  </td>
                  <td>
                    <Robots c={c} />
                  </td>
                  <td class="num">{c.occurrences}</td>
                  <td title={formatTime(c.firstMs)}>{ago(c.firstMs, now)}</td>
                  <td title={formatTime(c.lastMs)}>{ago(c.lastMs, now)}</td>
                  <td>
                    <CountTrend trend={c.trend} startMs={list.windowStartMs} bucketMs={list.bucketMs} code={c.code} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** Most robots one code page lists (the fleet's page limit). */
const MAX_ROBOTS = 1000;

/** One code: its trend, and every robot that has it, each opening the robot's fault (and incident) page. */
export function FaultCodePage({ client, code, robots }: { client: MedkitClient; code: string; robots?: RobotView[] }) {
  const summary = useFaultCodes(client, '', code);
  const holders = usePoll((signal) => client.fleetFaults({ fault_code: code, status: 'all', limit: MAX_ROBOTS }, { signal }), [client, code], CODES_POLL_MS);
  const c = summary.data?.items.find((i) => i.code === code);
  const rows = (holders.data?.items ?? []).map(fleetFaultView).filter((f) => f.code === code);
  const more = (holders.data?.['x-medkit']?.total ?? 0) > (holders.data?.items.length ?? 0);
  const now = Date.now();
  return (
    <section class="panel" data-testid="code-page">
      <p class="crumbs">
        <a href="#/codes">Fault codes</a> › {code}
      </p>
      <h1>
        <code>{code}</code>
      </h1>
      {c && summary.data && (
        <div class="entity-meta" data-testid="code-head">
          {c.title !== c.code && <span>{c.title}</span>}
          <SeverityBadge severity={c.severity} />
          <Robots c={c} />
          <span title={formatTime(c.firstMs)}>first seen {ago(c.firstMs, now)}</span>
          <span title={formatTime(c.lastMs)}>last seen {ago(c.lastMs, now)}</span>
          <CountTrend trend={c.trend} startMs={summary.data.windowStartMs} bucketMs={summary.data.bucketMs} code={c.code} />
        </div>
      )}
      {summary.data && !c && !summary.error && <p class="muted">The fleet holds no fault with this code.</p>}
      {(summary.error || holders.error) && <ErrorNote error={(holders.error ?? summary.error)!} what="The fleet" />}
      <h2>Robots with {code}</h2>
      {!holders.data ? (
        !holders.error && <p class="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p class="muted">No robot has this fault.</p>
      ) : (
        <table class="grid fault-table" data-testid="code-robots-table">
          <caption class="visually-hidden">Robots with {code}</caption>
          <thead>
            <tr>
              {['Robot', 'State', 'Status', 'Severity', 'Count', 'First occurrence', 'Last occurrence', 'Fault and incident'].map((h) => (
                <th key={h} scope="col" class={h === 'Count' ? 'num' : undefined}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((f) => {
              const r = robots?.find((x) => x.id === f.robotId);
              return (
                <tr key={f.key} data-robot={f.robotId} class={`row-${f.rawStatus.toLowerCase()}`}>
                  <th scope="row">
                    <a href={fleetRouteHash({ view: 'robot', robot: f.robotId })}>
                      <code>{f.robotId}</code>
                    </a>
                  </th>
                  <td>{r ? <OnlineBadge online={r.online} /> : <span class="muted">—</span>}</td>
                  <td>
                    <StatusBadge raw={f.rawStatus} />
                  </td>
                  <td>
                    <SeverityBadge severity={f.severity} />
                  </td>
                  <td class="num">{f.occurrences ?? '—'}</td>
                  <td>{formatTime(f.firstMs)}</td>
                  <td>{formatTime(f.lastMs)}</td>
                  <td>
                    <a href={fleetRouteHash({ view: 'fault', robot: f.robotId, code })} data-testid="open-fault">
                      {code} on {f.robotId}
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {more && <p class="note small">More robots have faults matching this code than one page holds: the timeline lists them all (<a href={fleetRouteHash({ view: 'faults', filter: { robots: [], code, severity: '', status: 'all', since: '', until: '' } })}>open</a>).</p>}
    </section>
  );
}
