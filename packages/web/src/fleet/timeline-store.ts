// The fleet fault timeline's data: the first page of GET /faults for the filter, more pages on request
// (cursor), and live changes from GET /faults/stream applied when they pass the filter. The client's
// stream resumes with Last-Event-ID after a drop; when the fleet answers that it cannot honour that point
// (`x-medkit-resync`), the list is fetched again so nothing missed stays missing. A resume after the fleet replica
// died replays events the page may have from the fast path: one FleetEventOrder for the page's life, across every
// stream it opens, drops those and any event older than one already applied from its robot (a row never goes back).
import { useEffect, useRef, useState } from 'preact/hooks';
import { FleetEventOrder, type FleetStreamEvent, type MedkitClient } from '@medkit/client';
import { applyLive, fleetEventView, fleetFaultView, MAX_ROWS, mergeLive, timelineQuery, type FleetFaultView, type TimelineFilter } from './model';
import { followStream, type StreamState } from '../state/live-stream';

/** The loaded list: rows and the fleet's count of what matches. */
interface ListState {
  rows: FleetFaultView[];
  /** Faults matching the filter (the fleet's total, kept current by live changes). */
  total: number;
  loaded: boolean;
  loading: boolean;
  error?: unknown;
  nextCursor: string | null;
}

export interface Timeline extends ListState {
  stream: StreamState;
  /** Keys of rows changed live since the list was loaded (highlighted). */
  fresh: Set<string>;
  /** The last resync the fleet asked for: when and why. */
  resync?: { atMs: number; reason: string };
  /** Events applied since the stream opened. */
  liveEvents: number;
  more: () => void;
}

/** How long after a live change of unknown effect the count is asked for (the store catches up meanwhile, changes coalesce). */
const RECOUNT_AFTER_MS = 1000;

const EMPTY_LIST: ListState = { rows: [], total: 0, loaded: false, loading: true, nextCursor: null };

export function useFleetTimeline(client: MedkitClient, filter: TimelineFilter): Timeline {
  const [state, setState] = useState<ListState>(EMPTY_LIST);
  // The list as of the last change, read synchronously by the next one (live events come faster than renders).
  const list = useRef<ListState>(EMPTY_LIST);
  const update = (change: (s: ListState) => ListState) => {
    list.current = change(list.current);
    setState(list.current);
  };
  const [stream, setStream] = useState<StreamState>('connecting');
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [resync, setResync] = useState<{ atMs: number; reason: string }>();
  const [liveEvents, setLiveEvents] = useState(0);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const key = JSON.stringify(filter);
  const loadSeq = useRef(0);
  /** The newest live copy of each fault seen since the page opened (bounded), merged into every fresh list. */
  const seen = useRef(new Map<string, FleetFaultView>());
  const order = useRef(new FleetEventOrder());
  /**
   * The match count when a live change's effect on it is unknown (a fault not on the loaded pages may already be in
   * the fleet's total): asked again from the fleet, one request at a time, RECOUNT_AFTER_MS after the change; a
   * change during the request asks once more after it.
   */
  const recount = useRef<{ timer?: ReturnType<typeof setTimeout>; inFlight: boolean; again: boolean; closed?: boolean }>({ inFlight: false, again: false });
  const askCount = () => {
    const r = recount.current;
    if (r.closed) return;
    if (r.inFlight) {
      r.again = true;
      return;
    }
    if (r.timer) return;
    r.timer = setTimeout(() => {
      r.timer = undefined;
      r.inFlight = true;
      r.again = false;
      const seq = loadSeq.current;
      void client.fleetFaults({ ...timelineQuery(filterRef.current), limit: 1 })
        .then((page) => {
          if (seq === loadSeq.current && !r.closed) update((s) => ({ ...s, total: page['x-medkit'].total }));
        }, () => undefined)
        .finally(() => {
          r.inFlight = false;
          if (r.again) askCount();
        });
    }, RECOUNT_AFTER_MS);
  };
  useEffect(() => () => {
    recount.current.closed = true;
    clearTimeout(recount.current.timer);
  }, []);

  const load = async (cursor: string | null, signal?: AbortSignal) => {
    const seq = cursor === null ? ++loadSeq.current : loadSeq.current;
    update((s) => ({ ...s, loading: true }));
    try {
      const page = await client.fleetFaults(timelineQuery(filterRef.current, cursor ?? undefined), { signal });
      if (seq !== loadSeq.current) return;
      const got = page.items.map(fleetFaultView);
      const next = page['x-medkit'].next_cursor;
      let unsure = false;
      update((s) => {
        if (cursor !== null) {
          const rows = [...s.rows, ...got.filter((g) => !s.rows.some((r) => r.key === g.key))];
          return { ...s, rows: rows.slice(0, MAX_ROWS), loading: false, nextCursor: next };
        }
        const merged = mergeLive(got, page['x-medkit'].total, seen.current.values(), filterRef.current, !next);
        unsure = merged.unsure;
        return { rows: merged.rows.slice(0, MAX_ROWS), total: merged.total, loaded: true, loading: false, nextCursor: next };
      });
      if (unsure) askCount();
      if (cursor === null) setFresh(new Set());
    } catch (err) {
      if (signal?.aborted) return;
      update((s) => ({ ...s, loaded: true, loading: false, error: err }));
    }
  };

  // The list follows the filter.
  useEffect(() => {
    const ac = new AbortController();
    update(() => EMPTY_LIST);
    void load(null, ac.signal);
    return () => ac.abort();
  }, [client, key]);

  // One stream for the page's life; the filter is read when each event arrives. After a refusal (e.g. 503
  // before NATS is connected) a fresh stream, and a fresh list since a new stream has no resume point.
  useEffect(() => followStream<FleetStreamEvent>({
    before: (first) => {
      if (!first) void load(null);
    },
    open: (handlers, options) => client.fleetFaultStream(handlers, options, order.current),
    onEvent: (ev) => {
      if (ev.kind === 'resync') {
        setResync({ atMs: Date.now(), reason: ev.resync.reason });
        void load(null);
        return;
      }
      const f = fleetEventView(ev.event);
      seen.current.delete(f.key);
      seen.current.set(f.key, f);
      if (seen.current.size > MAX_ROWS) seen.current.delete(seen.current.keys().next().value!);
      setLiveEvents((n) => n + 1);
      const s = list.current;
      const out = applyLive(s.rows, f, filterRef.current, s.loaded && s.nextCursor === null);
      if (out.delta === undefined) askCount();
      // A count asked before this change may not include it: ask once more after that answer.
      else if (recount.current.inFlight) recount.current.again = true;
      if (out.rows !== s.rows || out.delta) update(() => ({ ...s, rows: out.rows, total: Math.max(0, s.total + (out.delta ?? 0)) }));
      setFresh((prev) => {
        // Newest last and bounded like the rows: highlights of rows long gone are dropped.
        const next = new Set(prev);
        next.delete(f.key);
        next.add(f.key);
        if (next.size > MAX_ROWS) next.delete(next.values().next().value!);
        return next;
      });
    },
    setState: setStream,
  }), [client]);

  return { ...state, stream, fresh, resync, liveEvents, more: () => state.nextCursor && void load(state.nextCursor) };
}
