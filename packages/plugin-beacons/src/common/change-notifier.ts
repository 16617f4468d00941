// Entity details show beacon metadata from the last discovery pass. When the hints change (a new or
// changed hint, one expiring, one turning stale or active again) this asks the gateway for a new pass,
// at most once per second, so entity details follow without waiting for the backstop refresh.
import type { PluginContext } from '@medkit/plugin-api';
import type { HintStore } from './store.js';

const MIN_GAP_MS = 1000;

export class ChangeNotifier {
  #seen = '';
  #timer?: NodeJS.Timeout;
  #lastAt = 0;
  #stopped = false;

  constructor(
    private readonly store: HintStore,
    private readonly ctx: Pick<PluginContext, 'notifyEntitiesChanged' | 'log'>,
  ) {}

  /** Compares the store with the last look and schedules a refresh when it differs. */
  check(): void {
    if (this.#stopped) return;
    this.store.evict();
    const sig = `${this.store.version}|${this.store.staleIds().sort().join(',')}`;
    if (sig === this.#seen) return;
    this.#seen = sig;
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastAt + MIN_GAP_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#lastAt = Date.now();
      if (this.#stopped) return;
      this.ctx.notifyEntitiesChanged().catch((err) => this.ctx.log.warn(`entity refresh after a beacon change failed: ${(err as Error).message}`));
    }, wait);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
