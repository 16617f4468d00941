// The top bar: which gateway, whether it answers, its version, ROS domain and node count, peers,
// and the state of the live fault stream.
import type { ComponentChildren } from 'preact';
import type { HealthView } from '../model/health';
import type { StreamState } from '../state/live-stream';

export type Connection = 'connecting' | 'connected' | 'unreachable' | 'unauthorized';

interface HeaderProps {
  gatewayLabel: string;
  docsUrl: string;
  connection: Connection;
  health?: HealthView;
  stream: StreamState;
  activeFaults: number;
  onConnect: () => void;
  route: string;
  /** The sign-in state (auth-status.tsx). */
  auth?: ComponentChildren;
}

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  unreachable: 'Unreachable',
  unauthorized: 'Sign-in required',
};

const STREAM_TEXT: Record<StreamState, string> = {
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  unavailable: 'off',
};

/** Whether the server answers, as a dot and a word. */
export function ConnectionState({ connection }: { connection: Connection }) {
  return (
    <span class={`conn conn-${connection}`} data-testid="connection-state">
      <span class="dot" aria-hidden="true" />
      {CONNECTION_TEXT[connection]}
    </span>
  );
}

/** The sign-in banner: what the server said and a button to sign in. */
export function SignInBanner({ title, error, onSignIn }: { title: string; error: unknown; onSignIn: () => void }) {
  return (
    <div class="banner banner-error" role="alert" data-testid="unauthorized">
      <strong>{title}</strong> {(error as { describe?: () => string } | undefined)?.describe?.() ?? String(error)}{' '}
      <button type="button" class="link-button" onClick={onSignIn}>
        Sign in
      </button>
    </div>
  );
}

export function Header({ gatewayLabel, docsUrl, connection, health, stream, activeFaults, onConnect, route, auth }: HeaderProps) {
  return (
    <header class="app-header">
      <a class="brand" href="#/">
        medkit
      </a>
      <nav class="main-nav" aria-label="Main">
        <a href="#/" aria-current={route === 'home' || route === 'entity' ? 'page' : undefined}>
          Entities
        </a>
        <a href="#/faults" aria-current={route === 'faults' || route === 'fault' || route === 'incident' ? 'page' : undefined}>
          Faults{activeFaults > 0 && <span class="nav-count"> ({activeFaults} active)</span>}
        </a>
        <a href={docsUrl} target="_blank" rel="noreferrer">
          API docs
        </a>
      </nav>
      <div class="health" aria-live="polite">
        <ConnectionState connection={connection} />
        {health?.degraded && (
          <a class="meta health-degraded" href="#/" data-testid="header-degraded" title={`/health: degraded (${health.warnings.filter((w) => w.degrades).map((w) => w.code).join(', ') || 'no warning named'}); the overview lists what`}>
            Gateway degraded
          </a>
        )}
        {health?.version && <span class="meta">{`${health.product ?? 'gateway'} ${health.version}`}</span>}
        {health?.rosDomain !== undefined && <span class="meta">ROS domain {health.rosDomain}</span>}
        {health?.nodeCount !== undefined && (
          <span class="meta" data-testid="header-node-count" title="ROS nodes the gateway sees in the graph now (/health nodes_seen)">
            {health.nodeCount} ROS nodes seen
          </span>
        )}
        {health?.peers && health.peers.length > 0 && (
          <span class="meta peers">
            Peers:{' '}
            {health.peers.map((p) => (
              <span key={p.name} class={`peer ${p.online ? 'peer-online' : 'peer-offline'}`} title={p.url}>
                {p.name} ({p.online ? 'online' : 'offline'})
              </span>
            ))}
          </span>
        )}
        <span class={`meta stream stream-${stream}`} data-testid="stream-state">
          Fault stream: {STREAM_TEXT[stream]}
        </span>
      </div>
      {auth}
      <button type="button" class="gateway-button" onClick={onConnect} title="Change the gateway this UI talks to">
        Gateway: <span class="gateway-url">{gatewayLabel}</span>
      </button>
    </header>
  );
}
