// Landing view: a summary when things work, and an explanation when the gateway is unreachable
// or the tree is empty (with the gateway's own hints and warnings from /health); else the robot overview.
import { useApp } from './context';
import type { Connection } from './header';
import { Overview } from './overview/overview';
import { usePoll } from './hooks';
import { TOPOLOGY_PATHS, fetchRobotTopology } from '../graph/robot-graph';


export function Home({ entityCount, connection }: { entityCount: number; connection: Connection }) {
  const { tree, health, client } = useApp();
  // The overview's graph is read while the tree still loads (its fan-out is most of the overview's wait).
  // Read again when the topology or the App list changes (the watch stream), or every 10 s without one.
  const topology = usePoll((signal) => fetchRobotTopology(client, signal), [client], 10_000, connection !== 'unreachable' && connection !== 'unauthorized', undefined, TOPOLOGY_PATHS);
  if (connection === 'unreachable') {
    return (
      <section class="panel" data-testid="home-unreachable">
        <h1>Gateway unreachable</h1>
        <p>
          No answer from <code>{client.url('/health')}</code>. Check that the gateway is running and that this address is right, or choose another gateway from the
          header.
        </p>
      </section>
    );
  }
  if (connection === 'unauthorized') {
    return (
      <section class="panel" data-testid="home-unauthorized">
        <h1>Sign-in required</h1>
        <p>This gateway answers only to signed-in clients. Use Sign in in the header with a client id and secret or an access token.</p>
      </section>
    );
  }
  if (!tree.loaded) {
    return (
      <section class="panel">
        <h1>Loading…</h1>
      </section>
    );
  }
  if (entityCount === 0) {
    const hints = [...(health?.hints ?? []), ...(health?.warnings ?? []).map((w) => w.message).filter(Boolean)];
    return (
      <section class="panel" data-testid="empty-tree">
        <h1>No entities yet</h1>
        {tree.missingRoutes.length === 4 ? (
          <p>This gateway does not serve the entity routes (/areas, /components, /apps, /functions).</p>
        ) : (
          <p>
            The gateway answers but its entity tree is empty{health?.discoveryMode ? ` (discovery mode: ${health.discoveryMode})` : ''}. With runtime discovery, entities
            appear when ROS 2 nodes are seen on the gateway's ROS domain{health?.rosDomain !== undefined ? ` (${health.rosDomain})` : ''}; with a manifest, check the
            manifest path.
          </p>
        )}
        {hints.length > 0 && (
          <>
            <h2>What the gateway says</h2>
            <ul class="hints">
              {hints.map((h) => (
                <li key={h}>{h}</li>
              ))}
            </ul>
          </>
        )}
      </section>
    );
  }
  return <Overview entityCount={entityCount} topology={topology} />;
}
