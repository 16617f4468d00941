// The box's UDP counters from Linux /proc/net/snmp, for benches that compare how many datagrams two readers cost
// their writer (a retransmission, an ACKNACK) and whether a receive buffer overflowed. Box-wide: run on a quiet box.
import { readFileSync } from 'node:fs';

/** InDatagrams, OutDatagrams and RcvbufErrors so far (the `Udp:` rows of /proc/net/snmp), or undefined off Linux. */
export function udpCounters() {
  let text;
  try {
    text = readFileSync('/proc/net/snmp', 'utf8');
  } catch {
    return undefined;
  }
  const [names, values] = text.split('\n').filter((l) => l.startsWith('Udp:')).map((l) => l.split(/\s+/).slice(1));
  const get = (n) => Number(values[names.indexOf(n)]);
  return { in: get('InDatagrams'), out: get('OutDatagrams'), rcvbufErrors: get('RcvbufErrors') };
}

/** Counter differences between two `udpCounters()` readings, or undefined when either is. */
export function udpDelta(a, b) {
  return a && b ? { in: b.in - a.in, out: b.out - a.out, rcvbufErrors: b.rcvbufErrors - a.rcvbufErrors } : undefined;
}
