// Server-generated ids `script_<epoch_ms>_<n>` and `exec_<epoch_ms>_<n>` (docs/api.md).

/** Makes ids `<prefix>_<epoch ms>_<counter>`; the counter never repeats within one generator. */
export class IdGenerator {
  private counter = 0;
  constructor(
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  next(): string {
    return `${this.prefix}_${this.now()}_${this.counter++}`;
  }
}

/** Path-safe item ids: the entity-id alphabet (no `/`, `.`, `..`, NUL). */
const SAFE_ID = /^[A-Za-z0-9_-]{1,256}$/;

export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id);
}
