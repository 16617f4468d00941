// Publishers behind data writes, one per (topic, type), kept for reuse and bounded (oldest closed).
// A fresh publisher waits briefly for the topic's known subscribers to match so the first message
// is not published into the void (volatile QoS keeps no history for late joiners).

/** The ROS side of a publisher. */
export interface PublisherHandle {
  publish(value: unknown): void;
  waitForSubscribers(count: number, timeoutMs: number): Promise<boolean>;
  close(): void;
}

export type PublisherFactory = (topic: string, type: string) => PublisherHandle;

export class PublisherCache {
  private readonly pubs = new Map<string, PublisherHandle>();

  constructor(
    private readonly create: PublisherFactory,
    private readonly max = 64,
  ) {}

  /**
   * Publishes `value` (throws the registry's ValidationError on a bad value, before anything is sent).
   * Resolves true when a new publisher had to be created.
   */
  async publish(topic: string, type: string, value: unknown, opts: { waitForSubscribers: number; timeoutMs: number }): Promise<boolean> {
    const key = `${topic}\u0000${type}`;
    let pub = this.pubs.get(key);
    const created = !pub;
    if (!pub) {
      pub = this.create(topic, type);
      while (this.pubs.size >= this.max) {
        const [oldKey, old] = this.pubs.entries().next().value as [string, PublisherHandle];
        this.pubs.delete(oldKey);
        old.close();
      }
      this.pubs.set(key, pub);
      if (opts.waitForSubscribers > 0) await pub.waitForSubscribers(opts.waitForSubscribers, Math.min(opts.timeoutMs, 2000));
    } else {
      this.pubs.delete(key);
      this.pubs.set(key, pub);
    }
    pub.publish(value);
    return created;
  }

  close(): void {
    for (const p of this.pubs.values()) p.close();
    this.pubs.clear();
  }
}
