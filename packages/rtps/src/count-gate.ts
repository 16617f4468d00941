// HEARTBEAT and HEARTBEAT_FRAG counts (RTPS 8.3.7.5, 8.3.7.6): a writer increments its count with each one, so a
// reader can drop duplicates and reordered ones. Compared plainly ("above the last one seen"), one forged count of
// 0x7fffffff in a writer's name (its GUID is public through discovery) makes every later real count look old: the
// reader stops answering and a reliable writer stalls for good. The gate resynchronises instead: a stale count
// followed closely by the next one in order is taken as the writer's real sequence, so a forged count costs one
// heartbeat period. A writer's ACKNACK and NACK_FRAG counts go through the same gate (RTPS 8.3.7.1, 8.3.7.5): a
// remote reader that lost and found us again starts a new proxy of us, whose counts may start below the old
// proxy's; two of them in order are taken, so the writer hears it again instead of ignoring it for good.

/** Two stale counts this close, in order, are the writer's own sequence (a writer adds 1 per heartbeat). */
export const COUNT_RESYNC_WINDOW = 256;

/** Decides which HEARTBEAT (or HEARTBEAT_FRAG) counts of one writer are news. */
export class CountGate {
  /** The last count taken (-Infinity before the first). */
  last = -Infinity;
  /** The latest count refused as stale, while no count has been taken since. */
  private stale: number | undefined;

  /** True when `count` (a signed 32-bit value from the wire) should be acted on; it then becomes `last`. */
  accept(count: number): boolean {
    if (count > this.last || (this.stale !== undefined && count > this.stale && count - this.stale <= COUNT_RESYNC_WINDOW)) {
      this.last = count;
      this.stale = undefined;
      return true;
    }
    this.stale = count;
    return false;
  }

  /** True once any count was taken. */
  get heard(): boolean {
    return this.last !== -Infinity;
  }
}
