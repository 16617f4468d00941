/**
 * USER_DATA of participants (`enclave=/;`) and endpoints (`typehash=RIHS01_...;`, `clientid=...;`,
 * `serviceid=...;`): `key=value;` pairs, stopping at a NUL (rmw_fastrtps appends one) (docs/ros2.md).
 */

/** Parses `key=value;` pairs; tolerant of a missing final `;`, a trailing NUL and junk. */
export function parseUserData(data: Uint8Array | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!data || data.length === 0) return out;
  let end = data.indexOf(0);
  if (end < 0) end = data.length;
  const text = Buffer.from(data.buffer, data.byteOffset, end).toString('utf8');
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}

/** Builds `k=v;` USER_DATA from pairs (undefined values skipped). */
export function formatUserData(pairs: Record<string, string | undefined>): string {
  return Object.entries(pairs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v};`)
    .join('');
}

/**
 * rmw_cyclonedds' client/service id text: 16 bytes printed as hex joined by `.`, first byte two
 * digits, the rest unpadded (docs/ros2.md).
 */
export function formatRmwId(bytes: Uint8Array): string {
  return [...bytes].map((b, i) => (i === 0 ? b.toString(16).padStart(2, '0') : b.toString(16))).join('.');
}
