// The shell: header, entity tree on the left, the routed view on the right. Owns the gateway
// choice, the health poll, the tree and the fault store that all views share.
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { SovdClientError, type MedkitError } from '@medkit/client';
import { rememberGatewayUrl } from '../api/gateway-url';
import { buildTree, countEntities } from '../model/tree';
import { countFaultsByEntity } from '../model/fault-counts';
import { normalizeHealth } from '../model/health';
import { isActive } from '../model/faults';
import { parseRoute, routeHash } from '../model/route';
import type { EntityType } from '../model/entities';
import { useEntityTree } from '../state/entity-tree';
import { ResourceWatch, useWatched, WatchContext } from '../state/watch';
import { useFaultStore } from '../state/fault-store';
import { Ctx, useApp, type AppContext } from './context';
import { Header, SignInBanner, type Connection } from './header';
import { ConnectionDialog } from './connection-dialog';
import { EntityTree } from './entity-tree';
import { Home } from './home';
import { EntityDetail } from './entity-detail';
import { FaultDashboard } from './faults/dashboard';
import { LazyView } from './lazy-view';
import { prefetchIncident } from '../incident/incident-prefetch';
import { prewarmDecoder } from '../incident/decoder-worker';
import { backgroundTurn } from '../api/foreground';

import { useHash, usePoll } from './hooks';
import { useAuth } from '../auth/use-auth';
import { AuthStatus } from './auth-status';
import { LoginDialog } from './login-dialog';

const loadIncident = () => import('../incident/incident-page');
const loadIncidentFile = () => import('../incident/incident-file-page');
// The fault detail (occurrences, freeze-frame charts) is a chunk of its own too: no first paint needs it.
const loadFaultDetail = () => import('./faults/detail');

function clientId(): string {
  try {
    let id = sessionStorage.getItem('medkit.client-id');
    if (!id) sessionStorage.setItem('medkit.client-id', (id = `medkit-web-${Math.random().toString(36).slice(2, 10)}`));
    return id;
  } catch {
    return 'medkit-web';
  }
}

export function App({ initialGateway }: { initialGateway: string }) {
  const [gateway, setGateway] = useState(initialGateway);
  const cid = useMemo(clientId, []);
  const { auth, client } = useAuth(gateway, cid);
  // One watch stream per gateway and identity for everything the open views follow (state/watch.ts).
  const watch = useMemo(() => new ResourceWatch(client), [client]);
  useEffect(() => () => watch.close(), [watch]);
  return (
    <WatchContext.Provider value={watch}>
      <Shell gateway={gateway} setGateway={setGateway} auth={auth} client={client} />
    </WatchContext.Provider>
  );
}

type AuthHook = ReturnType<typeof useAuth>;

function Shell({ gateway, setGateway, auth, client }: { gateway: string; setGateway: (url: string) => void; auth: AuthHook['auth']; client: AuthHook['client'] }) {
  const [connOpen, setConnOpen] = useState(false);
  const [loginOpen, setLoginOpen] = useState(false);
  const hash = useHash();
  const route = parseRoute(hash);

  // /health comes over the watch stream when the gateway has it (its body changes at every read: uptime), else
  // every 5 s; /version-info does not change while connected.
  const watchedHealth = useWatched('/health');
  // Both wait for the incident view's recording (api/foreground.ts): the header can show them a moment later.
  const version = usePoll((signal) => backgroundTurn(signal).then(() => client.get('/version-info', { signal })).catch(() => undefined), [client], 0);
  const polled = usePoll(
    async (signal) => {
      await backgroundTurn(signal);
      return client.get('/health', { signal });
    },
    [client],
    5000,
    // A refusal (401/403) or an error status is read the usual way, so its error is what the shell shows.
    !(watchedHealth.live && watchedHealth.answer?.status === 200),
  );
  const health = useMemo(() => {
    const a = watchedHealth.answer;
    if (a && a.status === 200) return { ...polled, data: normalizeHealth(a.body, version.data), error: undefined };
    return { ...polled, data: polled.data === undefined ? undefined : normalizeHealth(polled.data, version.data) };
  }, [watchedHealth.answer, polled.data, polled.error, version.data]);
  const tree = useEntityTree(client);
  const faults = useFaultStore(client);
  const watch = useContext(WatchContext);
  // Signing in or out changes what the gateway lets this UI read: load everything again, the watch stream too (it
  // was opened with the old identity, and the header follows its /health answer).
  const signedIn = useRef(auth.state.signedIn);
  useEffect(() => {
    if (signedIn.current === auth.state.signedIn) return;
    signedIn.current = auth.state.signedIn;
    watch?.restart();
    health.reload();
    tree.reload();
    faults.reload();
  }, [auth.state.signedIn]);

  // The tree as a drawer (narrow screens): closed again by any navigation.
  const [drawer, setDrawer] = useState(false);
  useEffect(() => setDrawer(false), [hash]);
  const nodes = useMemo(() => buildTree(tree.input), [tree.input]);
  const counts = useMemo(() => countFaultsByEntity(faults.faults, tree.input), [faults.faults, tree.input]);
  const activeFaults = faults.faults.filter(isActive).length;

  const unauthorized = health.error instanceof SovdClientError && health.error.isAuthError;
  const connection: Connection = health.data && !health.error ? 'connected' : unauthorized ? 'unauthorized' : health.error ? 'unreachable' : 'connecting';
  const ctx: AppContext = { client, auth, tree, faults, health: health.data, openConnection: () => setConnOpen(true) };
  const selected = route.view === 'entity' ? { type: route.type, id: route.id } : undefined;
  const docsUrl = `${gateway}/docs`;

  const choose = (url: string) => {
    rememberGatewayUrl(url || null, window.localStorage);
    const u = new URL(window.location.href);
    u.searchParams.delete('gateway');
    window.history.replaceState(null, '', u.toString());
    setGateway(url);
    setConnOpen(false);
  };

  return (
    <Ctx.Provider value={ctx}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header
        gatewayLabel={gateway || 'this server'}
        docsUrl={docsUrl}
        connection={connection}
        health={health.data}
        stream={faults.stream}
        activeFaults={activeFaults}
        onConnect={() => setConnOpen(true)}
        route={route.view}
        auth={<AuthStatus auth={auth} onSignIn={() => setLoginOpen(true)} />}
      />
      {connection === 'unauthorized' && (
        <SignInBanner title={auth.state.signedIn ? 'Your role may not read this gateway.' : 'This gateway requires sign-in.'} error={health.error} onSignIn={() => setLoginOpen(true)} />
      )}
      {connection === 'unreachable' && (
        <div class="banner banner-error" role="alert" data-testid="unreachable">
          <strong>The gateway at {gateway || window.location.origin} is unreachable.</strong> {(health.error as MedkitError | undefined)?.describe?.() ?? health.error?.message}{' '}
          The UI keeps retrying every few seconds.{' '}
          <button type="button" class="link-button" onClick={() => setConnOpen(true)}>
            Connect to another gateway
          </button>
        </div>
      )}
      <div class={`layout${drawer ? ' drawer-open' : ''}`}>
        {/* On a phone the tree is a drawer over the page (CSS shows this button only there). */}
        <button type="button" class="drawer-toggle" data-testid="tree-drawer-toggle" aria-expanded={drawer} aria-controls="entity-tree-panel" onClick={() => setDrawer(!drawer)}>
          ☰ Entities
        </button>
        {drawer && <div class="drawer-backdrop" onClick={() => setDrawer(false)} />}
        <aside id="entity-tree-panel" class="sidebar" aria-label="Entity tree" onKeyDown={(e) => e.key === 'Escape' && drawer && setDrawer(false)}>
          <EntityTree
            nodes={nodes}
            counts={counts}
            selected={selected}
            onSelect={(e) => {
              setDrawer(false);
              window.location.hash = routeHash({ view: 'entity', type: e.type, id: e.id, tab: route.view === 'entity' ? route.tab : undefined });
            }}
          />
          {tree.loaded && countEntities(nodes) === 0 && connection === 'connected' && <p class="muted tree-empty">No entities.</p>}
        </aside>
        <main id="main" class="content" tabIndex={-1}>
          {route.view === 'home' && <Home entityCount={countEntities(nodes)} connection={connection} />}
          {route.view === 'entity' && <EntityDetail key={`${route.type}:${route.id}`} type={route.type} id={route.id} tab={route.tab} />}
          {route.view === 'faults' && <FaultDashboard />}
          {route.view === 'incident' && <Incident key={`${route.code}@${route.type}:${route.id}`} code={route.code} type={route.type} id={route.id} at={route.at} />}
          {route.view === 'incident-file' && <IncidentFile />}
          {route.view === 'fault' && <LazyFaultDetail key={`${route.code}@${route.type}:${route.id}`} code={route.code} type={route.type} id={route.id} at={route.at} />}
        </main>
      </div>
      <LoginDialog open={loginOpen} session={auth.session} onClose={() => setLoginOpen(false)} />
      <ConnectionDialog open={connOpen} current={gateway} onClose={() => setConnOpen(false)} onChoose={choose} />
    </Ctx.Provider>
  );
}

function LazyFaultDetail(props: { code: string; type?: EntityType; id?: string; at?: number }) {
  return (
    <LazyView load={loadFaultDetail} what="the fault detail" loading={<section class="panel"><h1>Loading {props.code}…</h1></section>}>
      {(mod) => <mod.FaultDetail {...props} />}
    </LazyView>
  );
}

/** An incident file opened from disk: the incident view's chunk (decoder, plots) and the file reader. */
function IncidentFile() {
  useEffect(prewarmDecoder, []);
  return (
    <LazyView load={loadIncidentFile} what="the incident view" loading={<section class="panel"><h1>Loading the incident view…</h1></section>}>
      {(mod) => <mod.IncidentFilePage />}
    </LazyView>
  );
}

/**
 * The incident view, loaded with its own chunk (the recording decoder, plots) on first use; its first reads and
 * the recording's download start meanwhile, and the UI's background reads wait until the recording is drawn.
 */
function Incident(props: { code: string; type: EntityType; id: string; at?: number }) {
  const { client } = useApp();
  useMemo(() => prefetchIncident(client, { type: props.type, id: props.id }, props.code, props.at), [client, props.type, props.id, props.code]);
  // The decoder's worker script loads beside the chunk and the reads, not after them.
  useEffect(prewarmDecoder, []);
  return (
    <LazyView load={loadIncident} what="the incident view" loading={<section class="panel"><h1>Loading the incident view…</h1></section>}>
      {(mod) => <mod.IncidentPage {...props} />}
    </LazyView>
  );
}
