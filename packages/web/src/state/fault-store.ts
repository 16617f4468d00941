// The dashboard's faults: one GET /faults?status=all&include_muted=true, then live updates from /faults/stream
// through the typed client's event stream (muted symptoms' `fault_muted` included), which reconnects by itself
// and resumes with Last-Event-ID, so the gateway replays what was missed; when the stream is refused outright
// (503 over the client cap, 404 on a gateway without faults) the store retries later with a fresh list
// (state/live-stream.ts).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FaultStreamEvent, MedkitClient, MutedFaultEvent, ReplayTruncated } from '@medkit/client';
import { applyFaultEvent, faultEventView, normalizeFaultList, type FaultEvent, type FaultView } from '../model/faults';
import type { StatusChange } from '../model/fault-detail';
import { isMissingRoute } from './entity-tree';
import { eventRootsOf, overlayRootCauses, rootCausesOf } from '../model/fault-groups';
import { backgroundTurn } from '../api/foreground';
import { followStream, type StreamState } from './live-stream';
import { ListReads } from './list-reads';
import { useWatched } from './watch';

export interface FaultStore {
  faults: FaultView[];
  loaded: boolean;
  /** Error text of the last failed list load. */
  error?: string;
  /** The gateway serves no /faults route. */
  unsupported: boolean;
  stream: StreamState;
  /** Increases with every applied event (lets entity views refresh their own lists). */
  version: number;
  /** Status changes seen live this session, by fault code. */
  liveHistory: Map<string, StatusChange[]>;
  /** Correlation: symptom code → root cause code (muted symptoms, listed with include_muted). */
  rootCauses: Map<string, string>;
  /**
   * The last list as the gateway answered it (GET /faults?status=all&include_muted=true), kept until the next one
   * arrives: views that need more of it than the fault views (the incident's correlation) read it here rather
   * than asking the gateway for the same list again.
   */
  listBody?: unknown;
  reload: () => void;
}

/**
 * Events keep the list current, muted symptoms' too (`fault_muted`); it is read again when the stream starts and
 * when the gateway says it could not replay what was missed (`replay_truncated`). It is also read again this often
 * without a watch stream, as a safety net for what no event tells: the list-only parts (x-medkit.muted_faults, clusters)
 * the incident view shows. A symptom released from its root (its gateway went offline) comes as a normal event, a
 * member a cluster hid after the fact as `fault_muted`.
 */
const SAFETY_REREAD_MS = 60_000;
/** The list as loadList reads it, watched (state/watch.ts). */
const WATCHED_LIST = '/faults?status=all&include_muted=true';
/** How far back events are laid over a watched list (one watch interval and a margin). */
const RECENT_MS = 15_000;
/** Events kept for one list read in flight (laid over its answer). */
const MAX_EVENTS_DURING_READ = 1000;
/** Shortest gap between the list read before the stream and the one once it is live (ms). */
const LIVE_REREAD_MS = 1000;

export function useFaultStore(client: MedkitClient): FaultStore {
  const [faults, setFaults] = useState<Map<string, FaultView>>(new Map());
  const [meta, setMeta] = useState<{ loaded: boolean; error?: string; unsupported: boolean }>({ loaded: false, unsupported: false });
  const [stream, setStream] = useState<StreamState>('connecting');
  const [version, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const [listBody, setListBody] = useState<unknown>(undefined);
  // What events said of root causes since the last list (the list says the rest): a muted symptom's names its root,
  // a released symptom's normal event drops it (null).
  const [eventRoots, setEventRoots] = useState<ReadonlyMap<string, string | null>>(new Map());
  // Read off the last list, so the two cannot disagree; events since then laid over it.
  const rootCauses = useMemo(() => overlayRootCauses(listBody === undefined ? new Map() : rootCausesOf(listBody), eventRoots), [listBody, eventRoots]);
  const history = useRef(new Map<string, StatusChange[]>());
  const readList = useRef<(() => Promise<boolean>) | undefined>(undefined);
  const showWatched = useRef<((body: unknown) => void) | undefined>(undefined);
  const watchLive = useRef(false);
  const watched = useWatched(WATCHED_LIST);

  useEffect(() => {
    const controller = new AbortController();
    history.current = new Map();
    let reread: ReturnType<typeof setTimeout> | undefined;
    let lastSignature: string | undefined;
    let lastListAt = 0;
    // A list answered before an event may arrive after it: the events that came meanwhile are laid over it.
    const reads = new ListReads<FaultEvent>(MAX_EVENTS_DURING_READ);

    // Events of the last RECENT_MS, laid over a list the watch stream brought (read by the gateway up to one watch
    // interval earlier): applying an event again is harmless, missing one is not.
    let recent: { at: number; ev: FaultEvent }[] = [];
    const show = (body: unknown, meanwhile: readonly FaultEvent[]) => {
      let m = new Map<string, FaultView>();
      for (const f of normalizeFaultList(body)) m.set(f.key, f);
      for (const ev of meanwhile) m = applyFaultEvent(m, ev);
      setEventRoots(eventRootsOf(meanwhile));
      // A change the stream did not bring (before it connected, a released symptom) counts as an event too, so
      // pages that follow `version` read again; an unchanged list does not.
      const signature = [...m.values()].map((f) => `${f.key}|${f.rawStatus}|${f.occurrences}|${f.lastMs}|${f.acknowledgedBy ?? ''}`).join('\n');
      if (lastSignature !== undefined && signature !== lastSignature) setVersion((v) => v + 1);
      lastSignature = signature;
      setFaults(m);
      setListBody(body);
      setMeta({ loaded: true, unsupported: false });
    };
    showWatched.current = (body) => {
      const since = Date.now() - RECENT_MS;
      recent = recent.filter((r) => r.at >= since);
      show(body, recent.map((r) => r.ev));
    };

    const loadList = async (): Promise<boolean> => {
      const read = reads.begin();
      let meanwhile: FaultEvent[] | undefined;
      try {
        await backgroundTurn(controller.signal);
        // Muted symptoms too: they are grouped under their root cause (their changes come as `fault_muted`).
        const body = await client.get('/faults', { signal: controller.signal, params: { query: { status: 'all', include_muted: true } } });
        if (controller.signal.aborted) return false;
        meanwhile = reads.answered(read);
        if (meanwhile === undefined) return true;
        lastListAt = Date.now();
        show(body, meanwhile);
        return true;
      } catch (err) {
        if (controller.signal.aborted) return false;
        const unsupported = isMissingRoute(err);
        setMeta({ loaded: true, unsupported, error: unsupported ? undefined : (err as Error).message });
        return false;
      } finally {
        if (meanwhile === undefined) reads.failed(read);
      }
    };

    const stop = followStream<FaultStreamEvent | MutedFaultEvent | ReplayTruncated>({
      // A fresh list before every stream (the first, and each after a refusal); no list, no stream yet.
      before: loadList,
      open: (handlers, options) => client.faultStreamWithMuted(handlers, options),
      onEvent: (typed) => {
        // The gateway could not replay every missed event (docs/faults.md): the list is read again.
        if (typed.event_type === 'replay_truncated') return void loadList();
        const ev = faultEventView(typed);
        if (!ev) return;
        reads.event(ev);
        const list = history.current.get(ev.fault.code) ?? [];
        list.push({ status: ev.type === 'fault_cleared' && ev.fault.rawStatus === 'UNKNOWN' ? 'CLEARED' : ev.fault.rawStatus, atMs: ev.timestampMs ?? Date.now(), origin: 'live' });
        history.current.set(ev.fault.code, list.slice(-50));
        setFaults((m) => applyFaultEvent(m, ev));
        setEventRoots((r) => eventRootsOf([ev], r));
        setVersion((v) => v + 1);
        recent.push({ at: Date.now(), ev });
        if (recent.length > MAX_EVENTS_DURING_READ) recent.shift();
      },
      // Events between the list read before the stream and the stream going live are in neither: read the list
      // once more when it is live (a changed list counts as an event, see loadList).
      setState: (state) => {
        setStream(state);
        if (state !== 'live' || watchLive.current) return;
        // Not sooner than LIVE_REREAD_MS after the list read before it: the gateway answers one thing at a time.
        clearTimeout(reread);
        reread = setTimeout(() => void loadList(), Math.max(0, LIVE_REREAD_MS - (Date.now() - lastListAt)));
      },
    });
    readList.current = loadList;
    return () => {
      controller.abort();
      clearTimeout(reread);
      readList.current = undefined;
      showWatched.current = undefined;
      stop();
    };
  }, [client, tick]);

  // The safety net (SAFETY_REREAD_MS): the list comes over the watch stream when it changed, or, without one, is
  // read again now and then.
  watchLive.current = watched.live && watched.answer?.status === 200;
  useEffect(() => {
    if (watchLive.current) return;
    const periodic = setInterval(() => void readList.current?.(), SAFETY_REREAD_MS);
    return () => clearInterval(periodic);
  }, [client, tick, watchLive.current]);
  useEffect(() => {
    if (watched.answer?.status === 200) showWatched.current?.(watched.answer.body);
  }, [watched.answer]);

  return {
    faults: [...faults.values()],
    ...meta,
    stream,
    version,
    liveHistory: history.current,
    rootCauses,
    listBody,
    reload: () => setTick((t) => t + 1),
  };
}
