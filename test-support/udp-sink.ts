// A victim's socket for reflection tests (issue 66): counts every datagram and byte that reaches it, with the time of
// the last one, so a test can compare what a gateway sent there with what the attacker spent.
import dgram from 'node:dgram';

export interface UdpSink {
  address: string;
  port: number;
  datagrams: number;
  bytes: number;
  /** Date.now() of the last datagram (0 before any). */
  lastAt: number;
  close(): Promise<void>;
}

/** Binds a sink on `address` (a loopback address) and an ephemeral port. */
export async function udpSink(address: string): Promise<UdpSink> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, address, () => resolve());
  });
  const sink: UdpSink = {
    address,
    port: s.address().port,
    datagrams: 0,
    bytes: 0,
    lastAt: 0,
    close: () => new Promise((resolve) => s.close(() => resolve())),
  };
  s.on('message', (m) => {
    sink.datagrams++;
    sink.bytes += m.length;
    sink.lastAt = Date.now();
  });
  return sink;
}
