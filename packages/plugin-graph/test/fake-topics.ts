// A fake PluginRosAccess for unit tests of the topic detectors: publishers per topic (GUID and type) that the
// test adds and removes, subscriptions that record their callback, and `emit` to deliver a message as a writer.
import type { PluginMessageInfo, PluginRosAccess } from '@medkit/plugin-api';
import type { RosEndpointInfo } from '@medkit/ros2';

type Callback = (m: Record<string, unknown>, info: PluginMessageInfo) => void;

export function fakeTopics() {
  const pubs = new Map<string, { guid: string; type: string }[]>();
  const subs = new Map<string, { type: string; cb: Callback }>();
  const subscribeCalls: string[] = [];
  const ros = {
    graph: {
      version: 1,
      nodes: () => [],
      publishersOf: (t: string) => (pubs.get(t) ?? []).map((p) => ({ guid: p.guid, rosName: t, rosType: p.type }) as unknown as RosEndpointInfo),
      subscribersOf: () => [],
    },
    subscribe(topic: string, type: string, cb: Callback) {
      subscribeCalls.push(`${topic} ${type}`);
      subs.set(topic, { type, cb });
      return () => subs.delete(topic);
    },
  } as unknown as PluginRosAccess;
  return {
    ros,
    subs,
    subscribeCalls,
    publish(topic: string, guid: string, type: string) {
      pubs.set(topic, [...(pubs.get(topic) ?? []).filter((p) => p.guid !== guid), { guid, type }]);
    },
    unpublish(topic: string, guid: string) {
      pubs.set(topic, (pubs.get(topic) ?? []).filter((p) => p.guid !== guid));
    },
    /** Delivers a message when the topic is subscribed; false when nobody listens. */
    emit(topic: string, message: Record<string, unknown>, guid = 'w1', size = 100): boolean {
      const s = subs.get(topic);
      s?.cb(message, { publisherGuid: guid, size });
      return !!s;
    },
  };
}

/** A `builtin_interfaces/Time` `ageMs` before `nowNs`. */
export function stampBefore(nowNs: bigint, ageMs: number): { sec: number; nanosec: number } {
  const t = nowNs - BigInt(ageMs) * 1_000_000n;
  return { sec: Number(t / 1_000_000_000n), nanosec: Number(t % 1_000_000_000n) };
}

/** One TransformStamped. */
export function tf(parent: string, child: string, stamp: { sec: number | string; nanosec: number | string }) {
  return { header: { stamp, frame_id: parent }, child_frame_id: child, transform: {} };
}
