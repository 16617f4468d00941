/** builtin_interfaces/msg/Time helpers. */

/** A builtin_interfaces/msg/Time value. */
export interface RosTime {
  sec: number;
  nanosec: number;
}

/** Now as a ROS time. */
export function rosNow(): RosTime {
  const ms = Date.now();
  return { sec: Math.floor(ms / 1000), nanosec: (ms % 1000) * 1e6 };
}

/** A ROS time in ms since the epoch. */
export function rosTimeToMs(t: RosTime): number {
  return t.sec * 1000 + t.nanosec / 1e6;
}

/** Orders two ROS times (negative when a < b). */
export function compareRosTime(a: RosTime, b: RosTime): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nanosec - b.nanosec;
}
