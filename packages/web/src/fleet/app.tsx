// The fleet console's shell: which fleet and whether it answers, navigation between the robots page and
// the fault timeline, sign-in when the fleet requires it, and the routed page.
import { useMemo, useState } from 'preact/hooks';
import { SovdClientError, type MedkitError } from '@medkit/client';
import { normalizeHealth, type HealthView } from '../model/health';
import { useHash, usePoll } from '../ui/hooks';
import { useAuth } from '../auth/use-auth';
import { AuthStatus } from '../ui/auth-status';
import { LoginDialog } from '../ui/login-dialog';
import { parseFleetRoute } from './model';
import { RobotsPage, useRobots } from './robots-page';
import { TimelinePage } from './timeline-page';
import { RobotPage } from './robot-page';
import { LazyView } from '../ui/lazy-view';
import { FaultCodePage, FaultCodesPage } from './codes-page';
import { ConnectionState, SignInBanner, type Connection } from '../ui/header';

// A robot's fault (its freeze-frame charts, recordings) is a chunk of its own: the fleet lists paint without it.
const loadRobotFault = () => import('./robot-fault');

function clientId(): string {
  try {
    let id = sessionStorage.getItem('medkit.client-id');
    if (!id) sessionStorage.setItem('medkit.client-id', (id = `medkit-fleet-console-${Math.random().toString(36).slice(2, 10)}`));
    return id;
  } catch {
    return 'medkit-fleet-console';
  }
}

interface FleetHealth {
  fleet?: string;
  natsConnected?: boolean;
  databaseOk?: boolean;
}

function fleetHealth(body: unknown): FleetHealth {
  const f = (body as Record<string, unknown> | undefined)?.['x-medkit-fleet'] as Record<string, unknown> | undefined;
  if (!f) return {};
  return { fleet: typeof f.fleet === 'string' ? f.fleet : undefined, natsConnected: f.nats_connected === true, databaseOk: f.database_ok === true };
}

/**
 * The header's status: exactly /health's status (a warning that does not degrade the fleet leaves it healthy, as
 * /health says), with the number of warnings the banner shows, so the two never contradict each other.
 */
export function fleetStatus(h: HealthView): { text: string; degraded: boolean; title: string } {
  const n = h.warnings.length;
  const degraded = h.status === 'degraded';
  const text = `${h.status}${n > 0 ? ` · ${n} warning${n === 1 ? '' : 's'}` : ''}`;
  return { text, degraded, title: n > 0 ? `/health: ${h.status}, ${h.warnings.map((w) => w.code).join(', ')}` : `/health: ${h.status}` };
}

export function FleetApp({ gateway }: { gateway: string }) {
  const cid = useMemo(clientId, []);
  const { auth, client } = useAuth(gateway, cid);
  const [loginOpen, setLoginOpen] = useState(false);
  const route = parseFleetRoute(useHash());
  const health = usePoll(
    async (signal) => {
      const [body, version] = await Promise.all([client.get('/health', { signal }), client.get('/version-info', { signal }).catch(() => undefined)]);
      return { view: normalizeHealth(body, version), fleet: fleetHealth(body) };
    },
    [client, auth.state.signedIn],
    5000,
  );
  const robots = useRobots(client);
  const unauthorized = health.error instanceof SovdClientError && health.error.isAuthError;
  const connection: Connection = health.data && !health.error ? 'connected' : unauthorized ? 'unauthorized' : health.error ? 'unreachable' : 'connecting';
  const warnings = health.data?.view.warnings ?? [];
  const activeTotal = (robots.data ?? []).reduce((n, r) => n + r.activeFaults, 0);
  const here = route.view === 'faults' || route.view === 'fault' ? 'faults' : route.view === 'codes' || route.view === 'code' ? 'codes' : 'robots';
  const status = health.data ? fleetStatus(health.data.view) : undefined;

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <a class="brand" href="#/">
          medkit fleet
        </a>
        <nav class="main-nav" aria-label="Main">
          <a href="#/" aria-current={here === 'robots' ? 'page' : undefined}>
            Robots{robots.data && <span class="nav-count"> ({robots.data.filter((r) => r.online).length}/{robots.data.length} online)</span>}
          </a>
          <a href="#/faults" aria-current={here === 'faults' ? 'page' : undefined}>
            Faults{activeTotal > 0 && <span class="nav-count"> ({activeTotal} active)</span>}
          </a>
          <a href="#/codes" aria-current={here === 'codes' ? 'page' : undefined}>
            Fault codes
          </a>
          <a href={`${gateway}/docs`} target="_blank" rel="noreferrer">
            API docs
          </a>
        </nav>
        <div class="health" aria-live="polite">
          <ConnectionState connection={connection} />
          {health.data?.fleet.fleet && <span class="meta">fleet {health.data.fleet.fleet}</span>}
          {health.data?.view.version && <span class="meta">{`${health.data.view.product ?? 'medkit'} ${health.data.view.version}`}</span>}
          {status && (
            <span class={`meta ${status.degraded ? 'warn-text' : ''}`} data-testid="fleet-status" title={status.title}>
              {status.text}
            </span>
          )}
        </div>
        <AuthStatus auth={auth} onSignIn={() => setLoginOpen(true)} />
      </header>
      {connection === 'unauthorized' && (
        <SignInBanner title={auth.state.signedIn ? 'Your role may not read this fleet.' : 'This fleet requires sign-in.'} error={health.error} onSignIn={() => setLoginOpen(true)} />
      )}
      {connection === 'unreachable' && (
        <div class="banner banner-error" role="alert" data-testid="unreachable">
          <strong>The fleet at {gateway || window.location.origin} is unreachable.</strong> {(health.error as MedkitError | undefined)?.describe?.() ?? health.error?.message} The console keeps
          retrying every few seconds.
        </div>
      )}
      {connection === 'connected' && warnings.length > 0 && (
        <div class={`banner ${status?.degraded ? 'banner-error' : ''}`} role="status" data-testid="fleet-warnings">
          <strong>{status?.degraded ? 'The fleet is degraded:' : `The fleet (${health.data?.view.status}) reports:`}</strong>{' '}
          {warnings.map((w, i) => (
            <span key={i}>
              {i > 0 && '; '}
              <code>{w.code}</code> {w.message}
            </span>
          ))}
        </div>
      )}
      {route.view === 'robot' ? (
        <RobotPage key={route.robot} client={client} robotId={route.robot} entity={route.entity} robots={robots.data} />
      ) : (
        <main id="main" class="content content-wide" tabIndex={-1}>
          {route.view === 'robots' && <RobotsPage client={client} />}
          {route.view === 'faults' && <TimelinePage client={client} filter={route.filter} robots={robots.data ?? []} />}
          {route.view === 'codes' && <FaultCodesPage client={client} />}
          {route.view === 'code' && <FaultCodePage key={route.code} client={client} code={route.code} robots={robots.data} />}
          {route.view === 'fault' && (
            <LazyView key={`${route.robot}/${route.code}`} load={loadRobotFault} what="the fault" loading={<section class="panel"><h1>Loading {route.code}…</h1></section>}>
              {(mod) => <mod.RobotFaultPage client={client} robotId={route.robot} code={route.code} />}
            </LazyView>
          )}
        </main>
      )}
      <LoginDialog open={loginOpen} session={auth.session} onClose={() => setLoginOpen(false)} />
    </>
  );
}
