// The faulting node's place in the graph: its topics and services and the nodes on those topics, with the
// graph watchdog's findings drawn on them. Says why when the node is not in the live graph or there is no watchdog.
import type { MedkitClient } from '@medkit/client';
import { usePoll } from '../ui/hooks';
import { ErrorNote } from '../ui/errors';
import { TOPOLOGY_PATHS, fetchFindings, fetchRobotTopology, findingsOf, neighbourhood } from '../graph/robot-graph';
import { useWatched } from '../state/watch';
import { GraphView } from '../graph/graph-view';
import type { Severity } from '../model/severity';
import { useApp } from '../ui/context';
import { backgroundTurn } from '../api/foreground';

export function NeighbourhoodSection({ client, appId, worst }: { client: MedkitClient; appId: string; worst: Map<string, Severity> }) {
  const { health } = useApp();
  const watchdog = health ? health.plugins.includes('graph_watchdog') : undefined;
  // Over the watch stream where the gateway has it (an idle incident page makes no requests for it), else polled.
  const topology = usePoll((signal) => backgroundTurn(signal).then(() => fetchRobotTopology(client, signal)), [client], 10_000, watchdog !== undefined, undefined, TOPOLOGY_PATHS);
  const wdWatched = useWatched(watchdog ? '/x-medkit-watchdog' : undefined);
  const wdPolled = usePoll((signal) => fetchFindings(client, signal, watchdog!), [client, watchdog], 10_000, watchdog !== undefined && !wdWatched.live);
  const graph = { error: topology.error, data: topology.data && { ...topology.data, ...(wdWatched.answer?.status === 200 ? { findings: findingsOf(wdWatched.answer.body) } : wdPolled.data) } };
  if (graph.error && !graph.data) return <ErrorNote error={graph.error} what="Graph" />;
  const g = graph.data;
  if (!g) return <p class="muted">Loading the graph…</p>;
  if (!g.nodes.some((n) => n.appId === appId)) return <p class="note" data-testid="neighbourhood-missing">{appId} is not a ROS node in the live graph (offline, a plugin or a peer entity without a node), so it has no neighbourhood to show.</p>;
  const part = neighbourhood(g, appId);
  const fqns = new Set(part.nodes.map((n) => n.fqn));
  const findings = (g.findings ?? []).filter((f) => f.subject.split('|').some((s) => fqns.has(s)));
  return (
    <div data-testid="neighbourhood">
      <GraphView nodes={part.nodes} edges={part.edges} worst={worst} findings={findings} centre={appId} label={`Graph neighbourhood of ${appId}`} testId="neighbourhood-graph" />
      {g.watchdogNote ? (
        <p class="muted small">{g.watchdogNote}</p>
      ) : findings.length > 0 ? (
        <ul class="small" data-testid="neighbourhood-findings">
          {findings.map((f) => (
            <li key={f.code + f.subject}>
              <code>{f.code}</code> {f.text}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted small">The graph watchdog finds nothing wrong around {appId}.</p>
      )}
    </div>
  );
}
