// One robot: its state as the fleet knows it, its entity tree (the last snapshot it sent), the faults the
// fleet holds for it, and, for an entity picked in the tree, that entity's faults read live from the robot
// through the fleet's forwarding.
import { useMemo } from 'preact/hooks';
import type { MedkitClient } from '@medkit/client';
import { buildTree, countEntities, emptyTreeInput } from '../model/tree';
import { SEGMENT, type EntityRef } from '../model/entities';
import { normalizeFaultList } from '../model/faults';
import { usePoll } from '../ui/hooks';
import { ErrorNote } from '../ui/errors';
import { EntityTree } from '../ui/entity-tree';
import { SeverityBadge, StatusBadge } from '../ui/badges';
import { FaultCodeCell, formatTime } from '../ui/faults/fault-table';
import { ago, fleetFaultView, fleetRouteHash, type RobotView } from './model';
import { ActiveFaults, OnlineBadge, ROBOT_POLL_MS, RobotHealth } from './robots-page';
import { ENTITY_TYPES, robotTreeInput } from './robot-tree';

export function RobotPage({ client, robotId, entity, robots }: { client: MedkitClient; robotId: string; entity?: string; robots?: RobotView[] }) {
  const robot = robots?.find((r) => r.id === robotId);
  const base = `/components/${encodeURIComponent(robotId)}`;
  const tree = usePoll(
    async (signal) => {
      const bodies = await Promise.all(ENTITY_TYPES.map(async (t) => ({ items: await client.fleetRobotEntities(robotId, SEGMENT[t], { signal }) })));
      return robotTreeInput(robotId, { area: bodies[0], component: bodies[1], app: bodies[2], function: bodies[3] });
    },
    [client, base],
    30_000,
  );
  const faults = usePoll((signal) => client.fleetRobotFaults(robotId, { status: 'all', limit: 200 }, { signal }), [client, base], ROBOT_POLL_MS);
  const nodes = useMemo(() => buildTree(tree.data ?? emptyTreeInput()), [tree.data]);
  const all = [...(tree.data?.areas ?? []), ...(tree.data?.components ?? []), ...(tree.data?.apps ?? []), ...(tree.data?.functions ?? [])];
  const selected = entity ? all.find((e) => e.id === entity) : undefined;
  const rows = (faults.data?.items ?? []).map(fleetFaultView);

  return (
    <div class="layout robot-page" data-testid="robot-page">
      <aside class="sidebar" aria-label={`Entity tree of ${robotId}`}>
        {tree.error && !tree.data ? <ErrorNote error={tree.error} what="Entity tree" /> : null}
        <EntityTree nodes={nodes} counts={new Map()} selected={selected} onSelect={(e) => (window.location.hash = fleetRouteHash({ view: 'robot', robot: robotId, entity: e.id }))} />
        {tree.data && countEntities(nodes) === 0 && <p class="muted tree-empty">The robot sent no entity tree yet.</p>}
      </aside>
      <main id="main" class="content" tabIndex={-1}>
        <section class="panel">
          <p class="crumbs">
            <a href="#/">Robots</a> › {robotId}
          </p>
          <header class="entity-head">
            <h1>
              <code>{robotId}</code>
            </h1>
            {robot ? (
              <div class="entity-meta">
                <OnlineBadge online={robot.online} />
                <span title={formatTime(robot.lastSeenMs)}>last seen {ago(robot.lastSeenMs)}</span>
                <span>
                  Active faults: <ActiveFaults robot={robot} />
                </span>
                <span data-testid="robot-health">
                  robot health: <RobotHealth robot={robot} />
                </span>
                {robot.gatewayUrl && (
                  <span class="muted small">
                    gateway <code>{robot.gatewayUrl}</code>
                  </span>
                )}
              </div>
            ) : (
              <p class="muted">{robots ? 'This robot is not known to the fleet.' : 'Loading…'}</p>
            )}
          </header>
          {robot && !robot.online && <p class="note">The robot is offline: the faults below are what the fleet stored; live reads (fault detail, recordings) wait until it is back.</p>}
          {selected && <EntityFaults client={client} robotId={robotId} entity={selected} />}
          <h2>Faults of this robot</h2>
          {faults.error && <ErrorNote error={faults.error} what="Faults" />}
          {!faults.data ? (
            <p class="muted">Loading…</p>
          ) : rows.length === 0 ? (
            <p class="muted">The fleet holds no fault of this robot.</p>
          ) : (
            <table class="grid fault-table" data-testid="robot-faults">
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Code</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">Count</th>
                  <th scope="col">Last occurrence</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((f) => (
                  <tr key={f.key} data-code={f.code} class={`row-${f.rawStatus.toLowerCase()}`}>
                    <td>
                      <SeverityBadge severity={f.severity} />
                    </td>
                    <FaultCodeCell fault={f} href={fleetRouteHash({ view: 'fault', robot: robotId, code: f.code })} />
                    <td>
                      <StatusBadge raw={f.rawStatus} />
                      {f.acknowledgedBy && <span class="muted small" data-testid="acknowledged-by"> · ack. {f.acknowledgedBy}</span>}
                    </td>
                    <td class="num">{f.occurrences ?? '—'}</td>
                    <td>{formatTime(f.lastMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </div>
  );
}

/** One entity's faults read live from the robot (forwarded). */
function EntityFaults({ client, robotId, entity }: { client: MedkitClient; robotId: string; entity: EntityRef }) {
  const path = `/components/${encodeURIComponent(robotId)}/${SEGMENT[entity.type]}/${encodeURIComponent(entity.id)}/faults`;
  const live = usePoll((signal) => client.fleetRobotEntityGet(robotId, SEGMENT[entity.type], entity.id, '/faults', { signal, query: { status: 'all' } }), [client, path], 10_000);
  const list = normalizeFaultList(live.data);
  return (
    <section class="card" data-testid="entity-faults">
      <header class="card-head">
        <h2>
          {entity.type} <code>{entity.name}</code>
        </h2>
        <span class="muted small">faults read live from the robot</span>
      </header>
      {live.error ? (
        <ErrorNote error={live.error} what="The robot" />
      ) : !live.data ? (
        <p class="muted">Asking the robot…</p>
      ) : list.length === 0 ? (
        <p class="muted">No fault on this entity.</p>
      ) : (
        <ul>
          {list.map((f) => (
            <li key={f.key}>
              <SeverityBadge severity={f.severity} /> <a href={fleetRouteHash({ view: 'fault', robot: robotId, code: f.code })}><code>{f.code}</code></a> <StatusBadge raw={f.rawStatus} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
