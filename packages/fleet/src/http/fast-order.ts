// Keeps each robot's events in order on the live feed when the fast path and JetStream both bring them. A robot's
// fast-path events come in its order, its JetStream copies too, but the fast path may miss one (dropped past the
// robot's rate, sent while this replica's NATS connection was down): a later fast-path event sent then would overtake
// the missed one, which only JetStream brings, later. So after such a miss (a message dropped past the robot's rate
// or its size bound) a robot's fast-path events are withheld, left to their JetStream copies, until the stream has
// brought every event the fast path has shown of it; from then on its fast-path events go out as they come.
// Not counted as a miss: what robots sent while this replica's own connection was down (unknowable per robot; it
// is the moment the fast path is for, a NATS node's death), see docs/fleet.md.
/** Robots tracked at once (as the fast path's rate limit); past it the oldest is forgotten. */
const MAX_ROBOTS = 10_000;

export class FastPathOrder {
  /** Per robot: the highest robot seq the fast path brought (sent or withheld) whose JetStream copy has not come. */
  private readonly aheadOf = new Map<string, number>();
  /** Robots whose fast-path events wait for the stream: one of theirs was missed and the stream has not caught up. */
  private readonly gapped = new Set<string>();

  constructor(private readonly max = MAX_ROBOTS) {}

  /** A fast-path event of `robot`: true when it may go out now, false when its JetStream copy is to bring it. */
  fast(robot: string, seq: number): boolean {
    const ahead = this.aheadOf.get(robot);
    if (ahead === undefined || seq > ahead) this.bounded(this.aheadOf, robot, seq);
    return !this.gapped.has(robot);
  }

  /** The JetStream copy of an event of `robot`: once it reaches everything the fast path showed, the robot is in sync. */
  stream(robot: string, seq: number): void {
    const ahead = this.aheadOf.get(robot);
    if (ahead !== undefined && seq < ahead) return;
    this.aheadOf.delete(robot);
    this.gapped.delete(robot);
  }

  /** A fast-path message of `robot` was dropped unread: its later ones wait for the stream. */
  missed(robot: string): void {
    this.gapped.add(robot);
    if (this.gapped.size > this.max) this.gapped.delete(this.gapped.values().next().value!);
  }

  /** Robots the stream has not caught up with, and up to which robot seq (a client attaching now waits for those). */
  ahead(): ReadonlyMap<string, number> {
    return this.aheadOf;
  }

  private bounded(m: Map<string, number>, k: string, v: number): void {
    m.delete(k);
    m.set(k, v);
    if (m.size > this.max) m.delete(m.keys().next().value!);
  }
}
