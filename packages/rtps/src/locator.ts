// Locator_t: kind int32, port uint32, address 16 octets (IPv4 in the last 4).

import type { ByteWriter } from './byte-writer.js';
import type { Cursor } from './cursor.js';

export const LocatorKind = { INVALID: -1, RESERVED: 0, UDPv4: 1, UDPv6: 2, SHM: 16 } as const;

/** A transport address announced in discovery. `address` is dotted IPv4 for UDPv4, hex otherwise. */
export interface Locator {
  kind: number;
  port: number;
  address: string;
}

export function readLocator(c: Cursor): Locator {
  const kind = c.i32();
  const port = c.u32();
  const addr = c.bytes(16);
  const address = kind === LocatorKind.UDPv4 ? `${addr[12]}.${addr[13]}.${addr[14]}.${addr[15]}` : addr.toString('hex');
  return { kind, port, address };
}

export function writeLocator(w: ByteWriter, l: Locator): void {
  w.i32(l.kind);
  w.u32(l.port);
  if (l.kind === LocatorKind.UDPv4) {
    w.zeros(12);
    const parts = l.address.split('.').map((p) => Number(p) & 0xff);
    for (let i = 0; i < 4; i++) w.u8(parts[i] ?? 0);
  } else {
    const b = Buffer.from(l.address.padStart(32, '0').slice(0, 32), 'hex');
    w.bytes(b);
    if (b.length < 16) w.zeros(16 - b.length);
  }
}

export function udpv4(address: string, port: number): Locator {
  return { kind: LocatorKind.UDPv4, port, address };
}

export function locatorKey(l: Locator): string {
  return `${l.address}:${l.port}`;
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.');
}
