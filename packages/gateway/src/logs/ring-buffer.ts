// The default log backend (docs/resources.md): one ring buffer per source (node FQN, or entity id for
// programmatic entries), `logs.buffer_size` entries each, oldest dropped; at most buffer_size × 10
// sources, new ones beyond that dropped with one warning.
import type { StoredLog } from './model.js';

/** Which sources a query reads. */
export interface LogSources {
  /** Exact sources (node FQNs or entity ids). */
  exact: string[];
  /** Namespace prefixes: every node source at or below them (`/nav` covers `/nav/x`, not `/navigation`). */
  prefixes: string[];
}

export interface LogFilter {
  /** Minimum ROS level. */
  minLevel?: number;
  /** Substring of the logger name. */
  context?: string;
  /** Stamp at or after (ns). */
  sinceNs?: bigint;
  /** Keep only the newest `limit`. */
  limit?: number;
}

class Ring {
  private readonly buf: StoredLog[] = [];
  private start = 0;

  constructor(private readonly size: number) {}

  push(e: StoredLog): void {
    if (this.buf.length < this.size) this.buf.push(e);
    else {
      this.buf[this.start] = e;
      this.start = (this.start + 1) % this.size;
    }
  }

  /** Oldest first. */
  entries(): StoredLog[] {
    return this.start === 0 ? [...this.buf] : [...this.buf.slice(this.start), ...this.buf.slice(0, this.start)];
  }
}

function covers(prefix: string, source: string): boolean {
  const p = prefix === '/' ? '' : prefix.replace(/\/+$/, '');
  return source.startsWith('/') && (p === '' || source === p || source.startsWith(`${p}/`));
}

export class LogRingBuffer {
  private readonly rings = new Map<string, Ring>();
  private warned = false;
  dropped = 0;

  constructor(
    readonly bufferSize: number,
    private readonly warn: (msg: string) => void = () => {},
  ) {}

  get maxSources(): number {
    return this.bufferSize * 10;
  }

  /** Stores an entry; false when its source is new and the source cap is reached. */
  add(e: StoredLog): boolean {
    let r = this.rings.get(e.source);
    if (!r) {
      if (this.rings.size >= this.maxSources) {
        this.dropped++;
        if (!this.warned) {
          this.warned = true;
          this.warn(`log buffer tracks ${this.maxSources} sources (logs.buffer_size × 10); entries of new sources such as ${e.source} are dropped`);
        }
        return false;
      }
      r = new Ring(this.bufferSize);
      this.rings.set(e.source, r);
    }
    r.push(e);
    return true;
  }

  /** Entries of the sources, merged without duplicates, oldest first (by id), filtered, newest `limit`. */
  query(src: LogSources, f: LogFilter = {}): StoredLog[] {
    const keys = new Set(src.exact.filter((k) => this.rings.has(k)));
    if (src.prefixes.length > 0) for (const k of this.rings.keys()) if (src.prefixes.some((p) => covers(p, k))) keys.add(k);
    return this.filter([...keys].flatMap((k) => this.rings.get(k)!.entries()), f);
  }

  /** Every entry (the raw /rosout route). */
  all(f: LogFilter = {}): StoredLog[] {
    return this.filter([...this.rings.values()].flatMap((r) => r.entries()), f);
  }

  private filter(list: StoredLog[], f: LogFilter): StoredLog[] {
    let out = list.filter((e) => (f.minLevel === undefined || e.level >= f.minLevel) && (!f.context || e.logger.includes(f.context)) && (f.sinceNs === undefined || e.stampNs >= f.sinceNs));
    out.sort((a, b) => a.n - b.n);
    if (f.limit !== undefined && out.length > f.limit) out = out.slice(out.length - f.limit);
    return out;
  }

  get sources(): number {
    return this.rings.size;
  }
}
