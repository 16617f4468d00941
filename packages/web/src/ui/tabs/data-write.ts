// Where the data tab offers "Write…": on commands and setpoints, not on what the robot measures.

/** Topics every node has; nobody writes them by hand. */
const NEVER_WRITTEN = new Set(['/rosout', '/parameter_events']);

/** What sensors and state estimators publish: measurements, not commands. */
const MEASUREMENT = /^(sensor_msgs|nav_msgs\/msg\/Odometry$|tf2_msgs|diagnostic_msgs)/;

/**
 * Writing makes sense on a topic the entity listens to (or where the gateway does not say), as a command or
 * a setpoint; not on one it publishes, nor on a measurement another node of the robot publishes (a laser scan
 * the lidar sends): a hand-written message would only fight the publisher and mislead its subscribers.
 */
export function writable(item: { direction?: string; name: string; type?: string; publishers?: number }): boolean {
  if (!item.type || item.direction === 'publish' || NEVER_WRITTEN.has(item.name)) return false;
  return !(MEASUREMENT.test(item.type) && (item.publishers ?? 0) > 0);
}

/** Item path: topic ids keep their slashes percent-encoded (docs/api.md). */
export const itemPath = (base: string, id: string) => `${base}/data/${encodeURIComponent(id)}`;
