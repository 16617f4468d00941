// Keeps each robot's events in order on the live feed when the fast path and JetStream both bring them. A robot's
// fast-path events come in its order, its JetStream copies too, but the fast path may miss one (dropped past the
// robot's rate, sent while this replica's NATS connection was down): a later fast-path event sent then would overtake
// the missed one, which only JetStream brings, later. So after such a miss (a message dropped past the robot's rate
// or its size bound) a robot's fast-path events are withheld, left to their JetStream copies, until the stream has
// brought every event the fast path has shown of it; from then on its fast-path events go out as they come.
// A fast-path message can also be lost unseen (the NATS node between robot and replica dies with it in flight): an
// event whose prev_seq is above the highest seq this replica has of its robot (from either path) shows that gap, and
// the robot's fast-path events are withheld the same way.
// What robots sent while this replica's own connection was down is unknowable per robot, so after the replica
// reconnects every robot's fast-path events are withheld until the stream has brought that robot (it normally
// does within the election that follows a node's death), for at most RECONNECT_HOLD_MS: a stream that stays
// without a leader longer lets the fast path show events again (the moment it is for), see docs/fleet.md.
/** Robots tracked at once (as the fast path's rate limit); past it the oldest is forgotten. */
const MAX_ROBOTS = 10_000;
/** After this replica's own reconnect, how long fast-path events wait for the stream to bring their robot. */
export const RECONNECT_HOLD_MS = 5000;

export class FastPathOrder {
  /** Per robot: the highest robot seq the fast path brought (sent or withheld) whose JetStream copy has not come. */
  private readonly aheadOf = new Map<string, number>();
  /** Robots whose fast-path events wait for the stream: one of theirs was missed and the stream has not caught up. */
  private readonly gapped = new Set<string>();
  /** Per robot: the highest fault-event seq this replica has from either path (to see a gap by prev_seq). */
  private readonly highest = new Map<string, number>();

  /** Until when (ms, performance clock) every robot not yet brought by the stream is held after a reconnect. */
  private holdUntil = 0;
  /** Robots the stream has brought since the last reconnect. */
  private readonly synced = new Set<string>();

  constructor(private readonly max = MAX_ROBOTS, private readonly now: () => number = () => performance.now()) {}

  /** This replica's NATS connection came back: what the fast path sent meanwhile never reached it. */
  reconnected(): void {
    this.holdUntil = this.now() + RECONNECT_HOLD_MS;
    this.synced.clear();
  }

  /**
   * A fast-path event of `robot` (`prevSeq`: its previous fault event's seq, when the robot's link sends it): true when
   * it may go out now, false when its JetStream copy is to bring it.
   */
  fast(robot: string, seq: number, prevSeq?: number): boolean {
    const known = this.highest.get(robot);
    if (prevSeq !== undefined && known !== undefined && prevSeq > known) this.missed(robot);
    this.seen(robot, seq);
    const ahead = this.aheadOf.get(robot);
    if (ahead === undefined || seq > ahead) this.bounded(this.aheadOf, robot, seq);
    if (this.holdUntil > 0 && !this.synced.has(robot)) {
      if (this.now() < this.holdUntil) return false;
      this.holdUntil = 0;
      this.synced.clear();
    }
    return !this.gapped.has(robot);
  }

  /** The JetStream copy of an event of `robot`: once it reaches everything the fast path showed, the robot is in sync. */
  stream(robot: string, seq: number): void {
    this.seen(robot, seq);
    const ahead = this.aheadOf.get(robot);
    if (ahead !== undefined && seq < ahead) return;
    // Caught up with a fast-path event held since the reconnect: everything the robot sent before it came too.
    if (ahead !== undefined && this.holdUntil > 0 && this.synced.size < this.max) this.synced.add(robot);
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

  private seen(robot: string, seq: number): void {
    const known = this.highest.get(robot);
    if (known === undefined || seq > known) this.bounded(this.highest, robot, seq);
  }

  private bounded(m: Map<string, number>, k: string, v: number): void {
    m.delete(k);
    m.set(k, v);
    if (m.size > this.max) m.delete(m.keys().next().value!);
  }
}
