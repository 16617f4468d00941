// The dashboard's faults: one GET /faults?status=all, then live updates from /faults/stream through
// the typed client's event stream, which reconnects by itself and resumes with Last-Event-ID, so
// the gateway replays what was missed; when the stream is refused outright (503 over the client
// cap, 404 on a gateway without faults) the store retries later with a fresh list.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EventStream, MedkitClient } from '@medkit/client';
import { applyFaultEvent, normalizeFaultList, parseFaultEvent, type FaultView } from '../model/faults';
import type { StatusChange } from '../model/fault-detail';
import { isMissingRoute } from './entity-tree';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

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
  reload: () => void;
}

const RETRY_MS = 5000;

export function useFaultStore(client: MedkitClient): FaultStore {
  const [faults, setFaults] = useState<Map<string, FaultView>>(new Map());
  const [meta, setMeta] = useState<{ loaded: boolean; error?: string; unsupported: boolean }>({ loaded: false, unsupported: false });
  const [stream, setStream] = useState<StreamState>('connecting');
  const [version, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const history = useRef(new Map<string, StatusChange[]>());

  useEffect(() => {
    let stopped = false;
    let source: EventStream | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    history.current = new Map();

    const loadList = async (): Promise<boolean> => {
      try {
        const body = await client.get('/faults', { signal: controller.signal, params: { query: { status: 'all' } } });
        if (stopped) return false;
        const m = new Map<string, FaultView>();
        for (const f of normalizeFaultList(body)) m.set(f.key, f);
        setFaults(m);
        setMeta({ loaded: true, unsupported: false });
        return true;
      } catch (err) {
        if (stopped) return false;
        const unsupported = isMissingRoute(err);
        setMeta({ loaded: true, unsupported, error: unsupported ? undefined : (err as Error).message });
        return false;
      }
    };

    const connect = () => {
      if (stopped) return;
      setStream((s) => (s === 'live' ? 'reconnecting' : s));
      // The UI's own tolerant model reads each message (peers' events may differ from the schema).
      source = client.events(
        '/faults/stream',
        (m) => parseFaultEvent(m.data, m.id) ?? undefined,
        {
          onEvent: (ev) => {
            const list = history.current.get(ev.fault.code) ?? [];
            list.push({ status: ev.type === 'fault_cleared' && ev.fault.rawStatus === 'UNKNOWN' ? 'CLEARED' : ev.fault.rawStatus, atMs: ev.timestampMs ?? Date.now(), origin: 'live' });
            history.current.set(ev.fault.code, list.slice(-50));
            setFaults((m) => applyFaultEvent(m, ev));
            setVersion((v) => v + 1);
          },
          onState: (state) => {
            if (state === 'open') setStream('live');
            else if (state === 'reconnecting') setStream('reconnecting');
          },
          onClose: () => {
            if (stopped) return;
            // Refused for good (404, 501): retry with a fresh list later, since a new stream
            // starts without a resume point.
            setStream('unavailable');
            retry = setTimeout(() => void start(), RETRY_MS);
          },
        },
        { initialRetryMs: 1000, maxRetryMs: RETRY_MS },
      );
    };

    const start = async () => {
      const ok = await loadList();
      if (stopped) return;
      if (ok) connect();
      else {
        setStream('unavailable');
        retry = setTimeout(() => void start(), RETRY_MS);
      }
    };
    setStream('connecting');
    void start();
    return () => {
      stopped = true;
      controller.abort();
      source?.close();
      if (retry) clearTimeout(retry);
    };
  }, [client, tick]);

  return {
    faults: [...faults.values()],
    ...meta,
    stream,
    version,
    liveHistory: history.current,
    reload: () => setTick((t) => t + 1),
  };
}
