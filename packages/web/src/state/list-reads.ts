// A list read while events stream may be answered before an event and arrive after it, or a read may
// be outrun by a later one. This keeps, per read in flight, the events that came meanwhile (to lay over
// its answer) and says when an answer is older than one already shown.

/** One list read in flight. */
export interface ListRead<E> {
  readonly order: number;
  readonly meanwhile: E[];
}

export class ListReads<E> {
  private readonly inFlight = new Set<ListRead<E>>();
  private started = 0;
  private shown = 0;

  /** @param maxEvents events kept per read (the latest ones) so a slow read cannot grow without bound. */
  constructor(private readonly maxEvents = 1000) {}

  begin(): ListRead<E> {
    const read = { order: ++this.started, meanwhile: [] as E[] };
    this.inFlight.add(read);
    return read;
  }

  /** Records an event for every read in flight. */
  event(ev: E): void {
    for (const read of this.inFlight) if (read.meanwhile.push(ev) > this.maxEvents) read.meanwhile.shift();
  }

  /**
   * Ends a read that answered: the events to lay over its list, or undefined when a read started later
   * was already shown (this answer is older: drop it).
   */
  answered(read: ListRead<E>): E[] | undefined {
    this.inFlight.delete(read);
    if (read.order < this.shown) return undefined;
    this.shown = read.order;
    return read.meanwhile;
  }

  /** Ends a read that failed or was aborted. */
  failed(read: ListRead<E>): void {
    this.inFlight.delete(read);
  }
}
