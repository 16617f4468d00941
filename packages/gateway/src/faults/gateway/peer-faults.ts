// Fault documents a peer gateway answers for the robot-wide reads by code (through the peer fault lookup):
// accepted only when they are the document asked for, their download links re-addressed to this gateway's
// entity ids, and marked with the peer's name in `x-medkit.gateway` as fan-out marks list items.
import type { PeerFaultSource } from './peer-lookup.js';
import { isJsonObject as isObj } from './relayed-event.js';

type Json = Record<string, unknown>;

function tagged(body: Json, peer: string): Json {
  return { ...body, 'x-medkit': { ...(isObj(body['x-medkit']) ? body['x-medkit'] : {}), gateway: peer } };
}

/** The peer's fault detail (`GET /faults/{code}`) when its item is fault `code`; `bulk_data_uri`s re-addressed. */
export function adoptPeerDetail(code: string): (body: unknown, source: PeerFaultSource) => Json | undefined {
  return (body, source) => {
    if (!isObj(body) || !isObj(body.item) || (body.item.code !== code && body.item.fault_code !== code)) return undefined;
    const env = body.environment_data;
    if (env !== undefined && !isObj(env)) return undefined;
    let out: Json = body;
    if (env && Array.isArray(env.snapshots)) {
      const snapshots = env.snapshots.map((s) =>
        isObj(s) && typeof s.bulk_data_uri === 'string' ? { ...s, bulk_data_uri: source.localPath(s.bulk_data_uri) } : s,
      );
      out = { ...body, environment_data: { ...env, snapshots } };
    }
    return tagged(out, source.peer);
  };
}

/** The peer's snapshot document (`GET /faults/{code}/snapshots`) when it is fault `code`'s; `download_url` re-addressed. */
export function adoptPeerSnapshots(code: string): (body: unknown, source: PeerFaultSource) => Json | undefined {
  return (body, source) => {
    if (!isObj(body) || body.fault_code !== code || !isObj(body.topics)) return undefined;
    const bag = body.rosbag;
    if (bag !== undefined && !isObj(bag)) return undefined;
    const out = bag && typeof bag.download_url === 'string' ? { ...body, rosbag: { ...bag, download_url: source.localPath(bag.download_url) } } : body;
    return tagged(out, source.peer);
  };
}
