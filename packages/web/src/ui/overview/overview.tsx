// The landing page of a working gateway: the whole robot's live graph (layered layout, nodes coloured by their worst
// active fault, the graph watchdog's findings on edges and nodes), active faults by severity, the latest
// incidents, per-node CPU and memory, and /health's warnings.
import { useEffect, useMemo } from 'preact/hooks';
import { useApp } from '../context';
import { usePoll, type Loaded } from '../hooks';
import { ErrorNote } from '../errors';
import { fetchFindings, fetchTopicRates, findingsOf, functionGraphPath, ratesOf, withRates, type RobotGraph } from '../../graph/robot-graph';
import { useWatched, useWatchedAll } from '../../state/watch';
import { GraphView } from '../../graph/graph-view';
import { worstActiveByEntity } from '../../graph/worst-fault';
import { faultEntityResolver } from '../faults/fault-table';
import { ActiveBySeverity, LastIncidents } from './fault-summary';
import { ProcessSparklines } from './process-sparklines';
import { HealthWarnings } from './health-warnings';

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function Overview({ entityCount, topology }: { entityCount: number; topology: Loaded<Pick<RobotGraph, 'nodes' | 'edges'>> }) {
  const { client, faults, tree, health } = useApp();
  const watchdog = health ? health.plugins.includes('graph_watchdog') : undefined;
  // Topic rates come from the graph provider's per-Function pipeline graphs.
  const rateFunctions = health?.plugins.includes('graph_provider') ? tree.input.functions.map((f) => f.id) : [];
  // The topology (read by Home, not after /health) is drawn at once; the findings and rates are added as they come.
  // Findings and rates come over the watch stream where the gateway has it (their bodies change with every
  // measurement, so the answers themselves are used), else they are polled every 10 s.
  const wdWatched = useWatched(watchdog ? '/x-medkit-watchdog' : undefined);
  const rateWatched = useWatchedAll(useMemo(() => rateFunctions.map(functionGraphPath), [rateFunctions.join(',')]));
  const wdPolled = usePoll((signal) => fetchFindings(client, signal, watchdog!), [client, watchdog], 10_000, watchdog !== undefined && !wdWatched.live);
  const ratesPolled = usePoll((signal) => fetchTopicRates(client, rateFunctions, signal), [client, rateFunctions.join(',')], 10_000, rateFunctions.length > 0 && !rateWatched.live);
  const wd = { data: wdWatched.answer?.status === 200 ? { findings: findingsOf(wdWatched.answer.body) } : watchdog === false ? wdPolled.data : wdWatched.live ? { watchdogNote: `Graph watchdog: HTTP ${wdWatched.answer?.status}` } : wdPolled.data };
  const rates = { data: rateWatched.live ? ratesOf(rateWatched.answers.map((a) => (a.status === 200 ? a.body : undefined))) : ratesPolled.data };
  const worst = useMemo(() => worstActiveByEntity(faults.faults), [faults.faults]);
  const entityOf = useMemo(() => faultEntityResolver(tree.input), [tree.input]);
  const g = useMemo(() => topology.data && { ...withRates(topology.data, rates.data), ...wd.data }, [topology.data, rates.data, wd.data]);
  useEffect(() => {
    if (g) performance.mark('medkit:overview-graph');
  }, [g]);
  const nodeIds = (g?.nodes ?? []).filter((n) => n.kind === 'node' && n.online).map((n) => n.appId!);
  const drawn = g?.nodes.filter((n) => n.kind === 'node') ?? [];
  const offline = drawn.filter((n) => !n.online).length;
  // The node count is the header's (the same /health figure and meaning); the graph adds what it draws besides.
  const counts = g && {
    nodes: health?.nodeCount !== undefined ? `${health.nodeCount} ROS nodes seen` : `${drawn.length - offline} ROS nodes online`,
    offline: offline > 0 ? ` (${offline} expected by the manifest and offline)` : '',
    topics: g.nodes.filter((n) => n.kind === 'topic').length,
    services: g.nodes.filter((n) => n.kind === 'service').length,
    actions: g.nodes.filter((n) => n.kind === 'action').length,
  };
  return (
    <section class="panel overview" data-testid="home">
      <h1>Robot overview</h1>
      <p class="muted">
        {entityCount} entities{counts ? `; ${counts.nodes}${counts.offline}; ${plural(counts.topics, 'topic')}, ${plural(counts.services, 'service')} and ${plural(counts.actions, 'action')} in the graph` : ''}. Pick an entity in the tree (arrow keys
        move, Enter opens) or open the <a href="#/faults">fault dashboard</a>.
      </p>
      {health?.runtime && (
        <p class="muted small" data-testid="gateway-runtime">
          Gateway runtime: {health.runtime}
        </p>
      )}
      {health && <HealthWarnings health={health} />}
      <div class="two-col">
        <section>
          <h2>Active faults</h2>
          {faults.unsupported ? <p class="muted">This gateway serves no fault routes.</p> : <ActiveBySeverity faults={faults.faults} />}
        </section>
        <section>
          <h2>Latest incidents</h2>
          <LastIncidents faults={faults.faults} entityOf={entityOf} />
        </section>
      </div>
      <h2>Graph</h2>
      {topology.error && !g ? (
        <ErrorNote error={topology.error} what="Graph" />
      ) : !g ? (
        <p class="muted">Reading the graph…</p>
      ) : (
        <>
          <GraphView nodes={g.nodes} edges={g.edges} worst={worst} findings={g.findings} label="ROS graph of the robot: nodes, topics, services and actions" />
          <p class="muted small">
            Boxes are nodes (coloured by their worst active fault), round boxes topics, dashed ones services, double-bordered ones actions.{' '}
            {(g.watchdogNote ?? (g.findings ? `${g.findings.length} graph watchdog finding(s), drawn in red` : 'reading the graph watchdog')).replace(/\.$/, '')}. /rosout,
            /parameter_events and /diagnostics are not drawn; an action's feedback and status topics and the discovery topics only with Show plumbing.
          </p>
          {(g.findings ?? []).length > 0 && (
            <ul class="small" data-testid="watchdog-findings">
              {g.findings!.map((f) => (
                <li key={f.code + f.subject}>
                  <code>{f.code}</code> {f.text}
                </li>
              ))}
            </ul>
          )}
          <h2>Processes</h2>
          {health?.plugins.includes('procfs_introspection') ? (
            <ProcessSparklines client={client} appIds={nodeIds} />
          ) : (
            <p class="muted small" data-testid="procfs-off">
              No process metrics: the gateway runs no procfs_introspection plugin.
            </p>
          )}
        </>
      )}
    </section>
  );
}
