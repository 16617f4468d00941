// `ros2_topic` (docs/opcua.md "ROS 2 topics"): every numeric sample of a node is
// republished as std_msgs/msg/Float32 on its topic, through the gateway's node (the plugin context's ros()).
// Best effort by design: no ROS, a publisher that cannot be created or a failed publish is logged (once per
// topic) and counted, and the bridge carries on.
import type { PluginLogger, PluginPublisher, PluginRosAccess } from '@medkit/plugin-api';

const FLOAT32_TYPE = 'std_msgs/msg/Float32';

/** A sample as the Float32 `data` field: numbers, booleans as 0/1, 64-bit decimal strings; else undefined. */
export function float32Of(json: unknown): number | undefined {
  if (typeof json === 'number') return json;
  if (typeof json === 'boolean') return json ? 1 : 0;
  // A Float32 is the documented output: the 64-bit integer's precision is lost there, not on the way.
  if (typeof json === 'string' && /^-?\d{1,20}$/.test(json)) return Number(json);
  return undefined;
}

export class RosRepublisher {
  /** One publisher per topic (nodes may share one); undefined while it could not be created. */
  private readonly pubs = new Map<string, PluginPublisher>();
  /** Topics whose failure was already logged. */
  private readonly reported = new Set<string>();
  published = 0;
  failures = 0;
  private noRosLogged = false;

  constructor(
    private readonly ros: () => PluginRosAccess | undefined,
    private readonly log: PluginLogger,
  ) {}

  /** Republishes one sample on `topic`; never throws. */
  publish(topic: string, json: unknown): void {
    const data = float32Of(json);
    if (data === undefined) return;
    try {
      const pub = this.publisher(topic);
      if (!pub) return;
      pub.publish({ data });
      this.published++;
    } catch (err) {
      this.failed(topic, err);
    }
  }

  private publisher(topic: string): PluginPublisher | undefined {
    const known = this.pubs.get(topic);
    if (known) return known;
    const ros = this.ros();
    if (!ros) {
      if (!this.noRosLogged) this.log.warn('ros2_topic is set but the gateway runs without ROS (ros.enabled): values are not republished');
      this.noRosLogged = true;
      return undefined;
    }
    const pub = ros.advertise(topic, FLOAT32_TYPE);
    this.pubs.set(topic, pub);
    return pub;
  }

  private failed(topic: string, err: unknown): void {
    this.failures++;
    if (this.reported.has(topic)) return;
    this.reported.add(topic);
    this.log.warn(`republishing on ${topic} failed (further failures on it are only counted): ${(err as Error)?.message ?? String(err)}`);
  }

  close(): void {
    for (const p of this.pubs.values()) {
      try {
        p.close();
      } catch {
        // the gateway's node may already be gone at shutdown
      }
    }
    this.pubs.clear();
  }
}
