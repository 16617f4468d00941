/** Reading a sensor_msgs/LaserScan the way a safety function does: the closest return ahead. */

/** The LaserScan fields this needs. */
export interface ScanLike {
  angle_min: number;
  angle_increment: number;
  range_min: number;
  range_max: number;
  ranges: ArrayLike<number>;
}

/**
 * Closest valid range within ±sectorDeg/2 of straight ahead. Invalid returns (NaN, below range_min,
 * above range_max) are skipped; a sector with no valid return at all yields 0, because a safety
 * function that cannot see must assume something is there.
 */
export function minFrontRange(scan: ScanLike, sectorDeg: number): number {
  const half = ((sectorDeg / 2) * Math.PI) / 180;
  let min = Infinity;
  let seen = 0;
  for (let i = 0; i < scan.ranges.length; i++) {
    let a = scan.angle_min + i * scan.angle_increment;
    a = Math.atan2(Math.sin(a), Math.cos(a));
    if (Math.abs(a) > half) continue;
    const r = scan.ranges[i];
    if (!Number.isFinite(r) || r < scan.range_min || r > scan.range_max) continue;
    seen++;
    if (r < min) min = r;
  }
  return seen === 0 ? 0 : min;
}
