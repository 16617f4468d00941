/**
 * The `typehash=RIHS01_<hex>;` pair Iron+ rmws put in every endpoint's USER_DATA (docs/ros2.md "Type
 * hashes"). A topic endpoint carries its message type's hash; a service's request endpoints the
 * `X_Request` hash and its reply endpoints the `X_Response` hash (both rmw_cyclonedds and rmw_fastrtps
 * take them from the request/response type supports), which is what the DDS type name of each
 * endpoint already names. rmw_cyclonedds writes its `clientid=`/`serviceid=` pair first and the hash
 * after it, so the pair goes last.
 */
import { ddsTypeToRos } from '../names/index.js';
import type { TypeRegistry } from '../types/index.js';

/** USER_DATA with the type hash appended, or `userData` unchanged when no hash is to be announced. */
export function withTypeHash(userData: string | Uint8Array | undefined, ddsTypeName: string, types: TypeRegistry, announce: boolean): string | Uint8Array | undefined {
  if (!announce) return userData;
  const rosType = ddsTypeToRos(ddsTypeName);
  if (rosType === undefined) return userData;
  let hash: string;
  try {
    hash = types.typeHash(rosType);
  } catch {
    // Unknown or unresolvable type (e.g. a raw subscription to a type nobody registered): announcing no
    // hash is what a peer accepts (it logs that it could not parse one); a made-up hash would be worse.
    return userData;
  }
  const pair = `typehash=${hash};`;
  if (userData === undefined) return pair;
  return typeof userData === 'string' ? userData + pair : Buffer.concat([userData, Buffer.from(pair)]);
}
