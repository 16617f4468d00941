// Shared by bench/rtps/big-sample.mjs and the gateway test of big samples (packages/gateway/test/ros/rtps-fuzz.test.ts).
// A diagnostic_msgs/msg/DiagnosticArray in plain CDR (little endian, encapsulation header included), written by
// hand so that millions of key-values cost one buffer, not millions of JS objects: one status named `name` at
// `level`, holding `values` empty key-values (16 bytes each).

/** The payload: header stamp 0 and empty frame_id, one status, `values` empty key-values. */
export function diagnosticArrayCdr({ name, level, values }) {
  const nameBytes = Buffer.from(name, 'utf8');
  const head = 4 + 8 + 8 + 4 + 4 + align4(4 + nameBytes.length + 1) + 8 + 8 + 4;
  const buf = Buffer.alloc(head + values * 16);
  buf.set([0x00, 0x01, 0x00, 0x00]);
  let o = 4 + 8; // stamp: sec and nanosec 0
  o = emptyString(buf, o); // frame_id
  buf.writeUInt32LE(1, o); // one status
  buf.writeUInt8(level, o + 4);
  o += 8;
  buf.writeUInt32LE(nameBytes.length + 1, o);
  buf.set(nameBytes, o + 4);
  o += align4(4 + nameBytes.length + 1);
  o = emptyString(buf, o); // message
  o = emptyString(buf, o); // hardware_id
  buf.writeUInt32LE(values, o);
  o += 4;
  for (let i = 0; i < values; i++) o = emptyString(buf, emptyString(buf, o));
  if (o !== buf.length) throw new Error(`DiagnosticArray layout: wrote ${o} of ${buf.length} bytes`);
  return buf;
}

/** A string of length 0 (its NUL): length 1, the NUL, padding to 4. */
function emptyString(buf, o) {
  buf.writeUInt32LE(1, o);
  return o + 8;
}

function align4(n) {
  return (n + 3) & ~3;
}
