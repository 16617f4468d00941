// Loads the entity tree: the four top-level lists every few seconds (online state changes), and
// the relationship routes (nesting) whenever the set of entities changes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { MedkitError, SovdClientError, type MedkitClient } from '@medkit/client';
import { normalizeEntityList, type EntityRef, type EntityType } from '../model/entities';
import { emptyTreeInput, type TreeInput } from '../model/tree';
import { usePageVisible } from '../ui/hooks';
import { backgroundTurn } from '../api/foreground';
import { useWatchTick } from './watch';

export interface EntityTreeState {
  input: TreeInput;
  loaded: boolean;
  error?: MedkitError;
  /** Entity list routes the gateway does not serve (404 on the route itself). */
  missingRoutes: string[];
}

const LISTS: [keyof Pick<TreeInput, 'areas' | 'components' | 'apps' | 'functions'>, EntityType][] = [
  ['areas', 'area'],
  ['components', 'component'],
  ['apps', 'app'],
  ['functions', 'function'],
];

/** The gateway's answer to a route it does not have (docs/api.md: parameters.status 404). */
export function isMissingRoute(err: unknown): boolean {
  return err instanceof SovdClientError && err.status === 404 && err.errorCode === 'resource-not-found' && err.parameters?.status === 404;
}

async function relation(read: Promise<unknown>, type: EntityType, signal: AbortSignal): Promise<EntityRef[]> {
  try {
    return normalizeEntityList(await read, type);
  } catch (err) {
    if (signal.aborted) throw err;
    return []; // one broken relationship must not hide the rest of the tree
  }
}

async function loadRelations(client: MedkitClient, lists: Pick<TreeInput, 'areas' | 'components' | 'functions'>, signal: AbortSignal) {
  const rel = { subareas: {}, areaComponents: {}, subcomponents: {}, componentHosts: {}, functionHosts: {} } as Pick<
    TreeInput,
    'subareas' | 'areaComponents' | 'subcomponents' | 'componentHosts' | 'functionHosts'
  >;
  // Walk areas and components breadth-first: children found through subareas/subcomponents are
  // not in the top-level lists (docs/api.md) but have their own relationships.
  const areaQueue = lists.areas.map((a) => a.id);
  const compQueue = lists.components.map((c) => c.id);
  const seenAreas = new Set<string>();
  const seenComps = new Set<string>();
  while (areaQueue.length || compQueue.length) {
    const areas = areaQueue.splice(0).filter((id) => !seenAreas.has(id));
    const comps = compQueue.splice(0).filter((id) => !seenComps.has(id));
    areas.forEach((id) => seenAreas.add(id));
    comps.forEach((id) => seenComps.add(id));
    await Promise.all([
      ...areas.map(async (id) => {
        const area = { params: { path: { area_id: id } }, signal };
        const [subs, comps2] = await Promise.all([relation(client.get('/areas/{area_id}/subareas', area), 'area', signal), relation(client.get('/areas/{area_id}/components', area), 'component', signal)]);
        rel.subareas[id] = subs;
        rel.areaComponents[id] = comps2;
        areaQueue.push(...subs.map((s) => s.id));
        compQueue.push(...comps2.map((c) => c.id));
      }),
      ...comps.map(async (id) => {
        const component = { params: { path: { component_id: id } }, signal };
        const [subs, hosts] = await Promise.all([
          relation(client.get('/components/{component_id}/subcomponents', component), 'component', signal),
          relation(client.get('/components/{component_id}/hosts', component), 'app', signal),
        ]);
        rel.subcomponents[id] = subs;
        rel.componentHosts[id] = hosts;
        compQueue.push(...subs.map((s) => s.id));
      }),
    ]);
  }
  await Promise.all(
    lists.functions.map(async (f) => {
      rel.functionHosts[f.id] = await relation(client.get('/functions/{function_id}/hosts', { params: { path: { function_id: f.id } }, signal }), 'app', signal);
    }),
  );
  return rel;
}

const idsOf = (i: Pick<TreeInput, 'areas' | 'components' | 'apps' | 'functions'>) =>
  [...i.areas, ...i.components, ...i.apps, ...i.functions].map((e) => `${e.type}:${e.id}:${e.componentId ?? ''}`).sort().join(',');

/** The four lists, watched (state/watch.ts) where the gateway can: read again when one changed, not every few seconds. */
const WATCHED_LISTS = LISTS.map(([key]) => `/${key}`);

export function useEntityTree(client: MedkitClient, pollMs = 5000): EntityTreeState & { reload: () => void } {
  const [state, setState] = useState<EntityTreeState>({ input: emptyTreeInput(), loaded: false, missingRoutes: [] });
  const [tick, setTick] = useState(0);
  const visible = usePageVisible();
  const watched = useWatchTick(WATCHED_LISTS);
  const intervalMs = watched.live ? 0 : pollMs;
  const shape = useRef<string>('');
  const relations = useRef<Omit<TreeInput, 'areas' | 'components' | 'apps' | 'functions'>>(emptyTreeInput());
  const previous = useRef<TreeInput['areas'][]>([[], [], [], []]);

  useEffect(() => {
    shape.current = '';
    previous.current = [[], [], [], []];
    setState({ input: emptyTreeInput(), loaded: false, missingRoutes: [] });
  }, [client]);

  useEffect(() => {
    if (!visible) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const run = async () => {
      // Behind what the user is waiting for (an incident's recording): thirty-odd reads otherwise queue before it.
      await backgroundTurn();
      if (stopped) return;
      const missing: string[] = [];
      let failure: MedkitError | undefined;
      const lists = await Promise.all(
        LISTS.map(async ([key, type]) => {
          try {
            return normalizeEntityList(await client.get(`/${key}`, { signal: controller.signal }), type);
          } catch (err) {
            if (isMissingRoute(err)) missing.push(key);
            else if (err instanceof MedkitError) failure ??= err;
            return null;
          }
        }),
      );
      if (stopped) return;
      if (failure && lists.every((l) => l === null)) {
        setState((s) => ({ ...s, loaded: true, error: failure, missingRoutes: missing }));
      } else {
        // A list that failed this time (a timeout on a busy box) keeps what it last said: one slow read must not
        // empty every area of the tree. A route the gateway lacks is empty.
        const [areas, components, apps, functions] = lists.map((l, i) => l ?? (missing.includes(LISTS[i][0]) ? [] : previous.current[i]));
        const top = { areas, components, apps, functions };
        const now = idsOf(top);
        if (now !== shape.current) {
          try {
            relations.current = await loadRelations(client, top, controller.signal);
            shape.current = now;
          } catch {
            if (stopped) return;
          }
        }
        if (stopped) return;
        previous.current = [areas, components, apps, functions];
        setState({ input: { ...top, ...relations.current }, loaded: true, missingRoutes: missing, error: failure });
      }
      if (!stopped && intervalMs > 0) timer = setTimeout(run, intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [client, visible, tick, intervalMs, watched.tick]);

  return { ...state, reload: () => setTick((t) => t + 1) };
}
