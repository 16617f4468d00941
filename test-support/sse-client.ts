// A small SSE client for tests: fetch + a line parser (id:, data:, comments, blank-line dispatch).
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

export interface SseClient {
  status: number;
  headers: Headers;
  /** Error body when the server answered with JSON instead of a stream. */
  errorBody?: unknown;
  /** The next message (rejects after `timeoutMs` or when the stream ends first). */
  next(timeoutMs?: number): Promise<SseMessage>;
  /** Parsed `data` JSON of the next message. */
  nextJson<T = Record<string, unknown>>(timeoutMs?: number): Promise<T>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Comment lines seen (e.g. ":keepalive"). */
  comments: string[];
  /** Messages received but not taken with next() yet. */
  buffered(): SseMessage[];
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
  const queue: SseMessage[] = [];
  const waiters: { resolve: (m: SseMessage) => void; reject: (e: Error) => void }[] = [];
  const comments: string[] = [];
  let ended = false;
  let endResolve!: () => void;
  const endedP = new Promise<void>((r) => (endResolve = r));
  const finish = () => {
    ended = true;
    endResolve();
    for (const w of waiters.splice(0)) w.reject(new Error('stream ended'));
  };
  const client: SseClient = {
    status: res.status,
    headers: res.headers,
    comments,
    ended: endedP,
    buffered: () => [...queue],
    next(timeoutMs = 5000) {
      const m = queue.shift();
      if (m) return Promise.resolve(m);
      if (ended) return Promise.reject(new Error('stream ended'));
      return new Promise((resolve, reject) => {
        const w = {
          resolve: (x: SseMessage) => {
            clearTimeout(timer);
            resolve(x);
          },
          reject: (e: Error) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no SSE message within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    async nextJson<T>(timeoutMs?: number) {
      return JSON.parse((await client.next(timeoutMs)).data) as T;
    },
    close() {
      ac.abort();
    },
  };
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    client.errorBody = await res.json().catch(() => undefined);
    finish();
    return client;
  }
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    let cur: Partial<SseMessage> & { data?: string } = {};
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          if (line === '') {
            if (cur.data !== undefined) {
              const msg: SseMessage = { data: cur.data, ...(cur.id !== undefined ? { id: cur.id } : {}), ...(cur.event ? { event: cur.event } : {}) };
              const w = waiters.shift();
              if (w) w.resolve(msg);
              else queue.push(msg);
            }
            cur = {};
          } else if (line.startsWith(':')) {
            comments.push(line);
          } else {
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'data') cur.data = cur.data === undefined ? val : `${cur.data}\n${val}`;
            else if (field === 'id') cur.id = val;
            else if (field === 'event') cur.event = val;
          }
        }
      }
    } catch {
      // aborted by close()
    } finally {
      finish();
    }
  })();
  return client;
}
