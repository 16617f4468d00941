// Reflection bench (issue 66, docs/ros2.md "Not a reflector"): can forged participants make the gateway's DDS
// participant send traffic to an off-machine victim? Two network namespaces joined by a veth pair stand for the robot
// and another host: the participant (not localhost-only, as the gateway's default) and an attacker in one, the
// victim's socket in the other. The attacker announces `fakes` participants whose locators name the victim, each
// announcement followed by blind ACKNACKs asking our SEDP writers for everything, once a second for `rounds` s.
// Reported: what the attacker sent, what reached the victim (the amplification), and what reached it after the
// fakes' clamped lease. Needs root (ip netns, veth); loopback and the private pair only.
// Usage: npx tsc -b packages/rtps && node bench/reflection/run.mjs [--fakes 20] [--rounds 60] [--lease 5] [--smoke]
import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({ options: { fakes: { type: 'string', default: '20' }, rounds: { type: 'string', default: '60' }, lease: { type: 'string', default: '5' }, smoke: { type: 'boolean', default: false } } });
const fakes = Number(a.fakes);
const rounds = a.smoke ? 3 : Number(a.rounds);
const lease = a.smoke ? 2 : Number(a.lease);
const domain = Number(process.env.BENCH_DOMAIN ?? 66);
const tag = String(process.pid % 100000);
const net = `10.66.${process.pid % 250}`;
const gwNs = `mkgw${tag}`;
const victimNs = `mkvic${tag}`;
const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const here = (f) => fileURLToPath(new URL(f, import.meta.url));

function setUp() {
  ip('netns', 'add', gwNs);
  ip('netns', 'add', victimNs);
  ip('link', 'add', `mkg${tag}`, 'type', 'veth', 'peer', 'name', `mkv${tag}`);
  ip('link', 'set', `mkg${tag}`, 'netns', gwNs);
  ip('link', 'set', `mkv${tag}`, 'netns', victimNs);
  ip('-n', gwNs, 'addr', 'add', `${net}.1/24`, 'dev', `mkg${tag}`);
  ip('-n', victimNs, 'addr', 'add', `${net}.2/24`, 'dev', `mkv${tag}`);
  for (const [ns, dev] of [[gwNs, `mkg${tag}`], [victimNs, `mkv${tag}`]]) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
  // Multicast as on a robot's network: the SPDP group goes out on the pair.
  ip('-n', gwNs, 'route', 'add', '239.0.0.0/8', 'dev', `mkg${tag}`);
}

function tearDown() {
  for (const ns of [gwNs, victimNs]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not created
    }
  }
}

/** Starts `script` in namespace `ns`; resolves lines of its stdout one by one. */
function inNs(ns, script, args) {
  const c = spawn('ip', ['netns', 'exec', ns, process.execPath, here(script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: c.stdout });
  const queue = [];
  const waiting = [];
  lines.on('line', (l) => (waiting.length ? waiting.shift()(l) : queue.push(l)));
  c.next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r)));
  return c;
}

try {
  setUp();
} catch (err) {
  tearDown();
  console.error(`reflection bench: cannot make network namespaces (needs root and ip netns): ${err.stderr?.toString().trim() || err.message}`);
  process.exit(3);
}
process.on('SIGINT', () => {
  tearDown();
  process.exit(130);
});
try {
  const victim = inNs(victimNs, 'victim.mjs', [`${net}.2`]);
  const port = Number((await victim.next()).split(' ')[1]);
  const attacker = inNs(gwNs, 'attacker.mjs', [String(domain), `${net}.2`, String(port), String(fakes), String(rounds), String(lease)]);
  const side = JSON.parse(await attacker.next());
  victim.stdin.write('report\n');
  const got = JSON.parse(await victim.next());
  const after = got.lastAt > side.stoppedAt + (lease + 1) * 1000;
  const ratio = got.bytes / side.spent;
  console.log(`reflection: ${fakes} forged participants naming an address in another namespace, ${rounds} rounds a second apart, lease ${lease} s (clamped)`);
  console.log(`  attacker sent ${side.spent} B; the victim got ${got.bytes} B in ${got.datagrams} datagrams: ${ratio.toFixed(2)}x`);
  console.log(`  last datagram at the victim ${got.lastAt ? got.lastAt - side.stoppedAt : '-'} ms after the attacker stopped (${after ? 'AFTER' : 'within'} one lease); held back by the participant: ${side.heldBack} datagrams; fakes tracked at the stop ${side.trackedAtStop}, after ${side.trackedAfter}`);
  console.log(`  machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
  console.log(JSON.stringify({ bench: 'reflection', fakes, rounds, lease, spent: side.spent, victimBytes: got.bytes, victimDatagrams: got.datagrams, ratio, afterLease: after, heldBack: side.heldBack }));
} finally {
  tearDown();
}
