// The first reads of a deep-linked incident, started by the entry script before the app's code has loaded
// (docs/ui.md, "Incident view"). On a loaded robot computer, fetching and compiling the app takes 0.3–0.9 s; the
// incident's reads need not wait for it. Each early answer is handed once to the client's fetch for the same GET
// (earlyFetch), so the route's prefetch (incident/incident-prefetch.ts) finds it on its way; one not taken within
// EARLY_TTL_MS is dropped.
import { readStoredSession, sessionKey, type KeyValueStore } from '../auth/stored-session';
import { incidentReadPaths, newestRecordingPath } from '../incident/incident-read-paths';
import { entityPath } from '../model/entities';
import { parseRoute } from '../model/route';
import { apiUrl } from './gateway-url';

/** As long as the route's prefetch keeps an answer nobody took (incident-prefetch.ts). */
const EARLY_TTL_MS = 10_000;

interface Early {
  answer: Promise<Response>;
  at: number;
}

const early = new Map<string, Early>();

/** An absolute URL, as a Request's `url` spells it. */
function absolute(url: string): string {
  return new URL(url, typeof document === 'undefined' ? undefined : document.baseURI).href;
}

/**
 * Starts the reads the page at `hash` makes first, when it is an incident: the fault's detail and the entity's
 * recording list, and for the newest occurrence the fault's newest recording (the recording download
 * takes it, incident/recording-download.ts), with the tab's stored token for `gateway`. Returns the URLs asked.
 */
export function startEarlyReads(gateway: string, hash: string, storage: KeyValueStore | null): string[] {
  const route = parseRoute(hash);
  if (route.view !== 'incident') return [];
  const base = entityPath(route);
  const paths = incidentReadPaths(base, route.code);
  const token = readStoredSession(storage, sessionKey(gateway))?.access;
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const reads: [string, RequestInit][] = [paths.detail, paths.recordings].map((p) => [p, { headers: { accept: 'application/json', ...auth } }]);
  // High priority, as the download itself asks (recording-download.ts).
  if (route.at === undefined) reads.push([newestRecordingPath(base, route.code), { headers: auth, priority: 'high' } as RequestInit]);
  const at = performance.now();
  const urls = reads.map(([p]) => absolute(apiUrl(gateway, p)));
  reads.forEach(([, init], i) => {
    const answer = globalThis.fetch(urls[i], init);
    // Nobody may take it: a failure is the client's to meet when it asks again.
    answer.catch(() => undefined);
    early.set(urls[i], { answer, at });
  });
  setTimeout(() => {
    for (const url of urls) {
      const e = early.get(url);
      if (e && e.at === at) {
        early.delete(url);
        void e.answer.then((r) => r.body?.cancel(), () => undefined);
      }
    }
  }, EARLY_TTL_MS);
  return urls;
}

/** Rejects when `signal` aborts, with its reason (what fetch itself does). */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * A fetch for the typed client: a GET an early read already asked gets that answer (once); anything else goes to
 * the network. An early answer the gateway refused with 401 (the stored token had expired and the session has a
 * newer one) or that failed is asked again with the client's own request.
 */
export function earlyFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request && init === undefined ? input : new Request(input, init);
  const hit = request.method === 'GET' ? early.get(request.url) : undefined;
  if (!hit) return globalThis.fetch(request);
  early.delete(request.url);
  if (performance.now() - hit.at >= EARLY_TTL_MS) return globalThis.fetch(request);
  const answer = hit.answer.then(
    (res) => (res.status === 401 ? globalThis.fetch(request) : res),
    () => globalThis.fetch(request),
  );
  // Aborted before its body was read: the early answer's body is let go too (a download's bytes would keep coming).
  // (A body a reader holds is its reader's to cancel.)
  request.signal.addEventListener('abort', () => void answer.then((r) => (r.body && !r.body.locked ? r.body.cancel() : undefined)).catch(() => undefined), { once: true });
  return Promise.race([answer, untilAborted(request.signal)]);
}
