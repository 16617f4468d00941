// Discovery repeats a few topic names, type names and QoS settings across thousands of endpoints (every ROS
// node announces the same six parameter services, /rosout, /parameter_events). Decoded from each announcement
// they were separate copies: about 5 MB of equal strings and two QoS objects per endpoint on a 1,000-node
// graph. Equal values share one instance here. The pools are bounded: a peer announcing ever new names only
// makes a pool start over (values already handed out stay valid), it cannot grow memory.
import type { QoS } from './qos.js';

/** Entries of each pool before it starts over. */
export const INTERN_POOL_SIZE = 4096;

/** A bounded table of canonical values by key. */
class InternPool<T> {
  private readonly table = new Map<string, T>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.table.size;
  }

  /** The canonical value for `key`: `value` itself the first time it is seen. */
  get(key: string, value: T): T {
    const known = this.table.get(key);
    if (known !== undefined) return known;
    if (this.table.size >= this.max) this.table.clear();
    this.table.set(key, value);
    return value;
  }
}

const strings = new InternPool<string>(INTERN_POOL_SIZE);
const qosPool = new InternPool<QoS>(INTERN_POOL_SIZE);

/** How many values each pool holds now (diagnostics; never more than INTERN_POOL_SIZE). */
export function internedCounts(): { strings: number; qos: number } {
  return { strings: strings.size, qos: qosPool.size };
}

/** One shared instance of an often repeated string (a topic or type name). */
export function internString(s: string): string {
  return s.length > 256 ? s : strings.get(s, s);
}

/**
 * One shared, frozen instance of an endpoint QoS. Callers treat discovered QoS as read-only; frozen, a write
 * to a shared one throws instead of changing the QoS of every endpoint that shares it.
 */
export function shareQos(q: QoS): QoS {
  const shared = qosPool.get(qosKey(q), q);
  if (shared === q && !Object.isFrozen(q)) {
    Object.freeze(q.history);
    Object.freeze(q.liveliness);
    Object.freeze(q.partitions);
    Object.freeze(q.dataRepresentation);
    Object.freeze(q);
  }
  return shared;
}

/** Every policy of a QoS in one string: equal strings, equal QoS. */
function qosKey(q: QoS): string {
  return [
    q.reliability, q.maxBlockingTimeSec, q.durability, q.history.kind, q.history.kind === 'keep-last' ? q.history.depth : '',
    q.deadlineSec, q.lifespanSec, q.liveliness.kind, q.liveliness.leaseSec, q.ownership, q.ownershipStrength,
    JSON.stringify(q.partitions), q.dataRepresentation.join(','),
  ].join('|');
}

/** Whether two QoS are equal (the same object when both were shared, unless the pool was full). */
export function sameQos(a: QoS, b: QoS): boolean {
  return a === b || qosKey(a) === qosKey(b);
}
