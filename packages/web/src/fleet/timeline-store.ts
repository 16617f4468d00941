// The fleet fault timeline's data: the first page of GET /faults for the filter, more pages on request
// (cursor), and live changes from GET /faults/stream applied when they pass the filter. The client's
// stream resumes with Last-Event-ID after a drop; when the fleet answers that it cannot honour that point
// (`x-medkit-resync`), the list is fetched again so nothing missed stays missing.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FleetStreamEvent, MedkitClient } from '@medkit/client';
import { applyLive, fleetEventView, fleetFaultView, MAX_ROWS, mergeLive, timelineQuery, type FleetFaultView, type TimelineFilter } from './model';
import { followStream, type StreamState } from '../state/live-stream';

export interface Timeline {
  rows: FleetFaultView[];
  /** Faults matching the filter (the fleet's total, kept current by live changes). */
  total: number;
  loaded: boolean;
  loading: boolean;
  error?: unknown;
  nextCursor: string | null;
  stream: StreamState;
  /** Keys of rows changed live since the list was loaded (highlighted). */
  fresh: Set<string>;
  /** The last resync the fleet asked for: when and why. */
  resync?: { atMs: number; reason: string };
  /** Events applied since the stream opened. */
  liveEvents: number;
  more: () => void;
}

export function useFleetTimeline(client: MedkitClient, filter: TimelineFilter): Timeline {
  const [state, setState] = useState<{ rows: FleetFaultView[]; total: number; loaded: boolean; loading: boolean; error?: unknown; nextCursor: string | null }>({ rows: [], total: 0, loaded: false, loading: true, nextCursor: null });
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

  const load = async (cursor: string | null, signal?: AbortSignal) => {
    const seq = ++loadSeq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const page = await client.fleetFaults(timelineQuery(filterRef.current, cursor ?? undefined), { signal });
      if (seq !== loadSeq.current && cursor === null) return;
      const got = page.items.map(fleetFaultView);
      setState((s) => {
        if (cursor !== null) {
          const rows = [...s.rows, ...got.filter((g) => !s.rows.some((r) => r.key === g.key))];
          return { ...s, rows: rows.slice(0, MAX_ROWS), loading: false, nextCursor: page['x-medkit'].next_cursor };
        }
        const merged = mergeLive(got, page['x-medkit'].total, seen.current.values(), filterRef.current);
        return { rows: merged.rows.slice(0, MAX_ROWS), total: merged.total, loaded: true, loading: false, nextCursor: page['x-medkit'].next_cursor };
      });
      if (cursor === null) setFresh(new Set());
    } catch (err) {
      if (signal?.aborted) return;
      setState((s) => ({ ...s, loaded: true, loading: false, error: err }));
    }
  };

  // The list follows the filter.
  useEffect(() => {
    const ac = new AbortController();
    setState({ rows: [], total: 0, loaded: false, loading: true, nextCursor: null });
    void load(null, ac.signal);
    return () => ac.abort();
  }, [client, key]);

  // One stream for the page's life; the filter is read when each event arrives. After a refusal (e.g. 503
  // before NATS is connected) a fresh stream, and a fresh list since a new stream has no resume point.
  useEffect(() => followStream<FleetStreamEvent>({
    before: (first) => {
      if (!first) void load(null);
    },
    open: (handlers, options) => client.fleetFaultStream(handlers, options),
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
      setState((s) => {
        const out = applyLive(s.rows, f, filterRef.current);
        return out.rows === s.rows ? s : { ...s, rows: out.rows, total: Math.max(0, s.total + out.delta) };
      });
      setFresh((s) => {
        // Newest last and bounded like the rows: highlights of rows long gone are dropped.
        const next = new Set(s);
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
