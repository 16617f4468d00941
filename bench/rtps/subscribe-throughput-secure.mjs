// Secured RTPS subscribe throughput: 1 KiB samples from Cyclone DDS's `ddsperf pub` (Debian cyclonedds-tools,
// topic KS: reliable, keyed, a 1 KiB octet sequence; as fast as its writer goes) on loopback under SROS2's default
// governance (domains 0..230, discovery and liveliness ENCRYPT, RTPS SIGN, every topic's data and submessages
// ENCRYPT), received by (A) Cyclone's own C reader (`ddsperf sub` with the same security) and (B) a secured
// @medkit/rtps reader, one after the other in the same run with the same publisher. The keystore is made here
// with openssl (@medkit/ros2/security's Sros2KeystoreMaker), one enclave each for the publisher, Cyclone's reader
// and ours. Prints samples/s and CPU for both (and the load average); copy the block into docs/benchmarks.md.
//
//   npm run build && node bench/rtps/subscribe-throughput-secure.mjs [seconds=10] [domain=41] [--plain] [--profile DIR]
//
// --plain runs the same two readers without security as well (the cost of the protection); --profile DIR writes
// a V8 CPU profile of our reader's measured window (node --cpu-prof equivalent, via the inspector).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createParticipant } from '@medkit/rtps';
import { enclaveSecurity, loadEnclave, permissionsDocument, Sros2KeystoreMaker, sros2DefaultGovernanceXml } from '@medkit/ros2/security';
import { procCpu } from '../support/proc-cpu.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { plain: { type: 'boolean' }, profile: { type: 'string' } } });
const root = fileURLToPath(new URL('../..', import.meta.url));
const seconds = Number(positionals[0] ?? 10);
const domain = Number(positionals[1] ?? 41);
const SIZE = 1024;
const WARMUP_MS = 4000;
// Debian's libddsc0debian keeps the security plugins in a private directory.
const PLUGINS = process.env.CYCLONE_SECURITY_LIBDIR ?? '/usr/lib/x86_64-linux-gnu/libddsc0debian';

const work = mkdtempSync(join(tmpdir(), 'medkit-bench-secure-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const maker = Sros2KeystoreMaker.create({ keystore: join(work, 'keystore'), workDir: join(work, 'ca') });
const enclave = (name) => {
  // ddsperf's pong reader is in a partition of its own: every partition granted.
  const rules = [{ kind: 'allow', domains: [domain], publish: ['*'], subscribe: ['*'], partitions: ['*'] }];
  return maker.makeEnclave(name, { governanceXml: sros2DefaultGovernanceXml(), permissionsXml: permissionsDocument({ subject: `CN=${name}`, rules }) }).dir;
};
const PUB = enclave('/bench/ddsperf_pub');
const CYCLONE_SUB = enclave('/bench/ddsperf_sub');
enclave('/bench/medkit_sub');

/** CYCLONEDDS_URI for ddsperf: the loopback config of the interop tests, plus a <Security> section for `dir`. */
function cycloneUri(dir) {
  const lo = `file://${join(root, 'packages/rtps/test/peers/cyclone-lo.xml')}`;
  if (!dir) return lo;
  const lib = (n, init, fin) => `<Library path="${PLUGINS}/libdds_security_${n}.so" initFunction="${init}" finalizeFunction="${fin}"/>`;
  const file = join(work, `${dir.split('/').pop()}.xml`);
  writeFileSync(file, `<CycloneDDS xmlns="https://cdds.io/config"><Domain Id="any"><Security>
<Authentication>${lib('auth', 'init_authentication', 'finalize_authentication')}<IdentityCA>file:${dir}/identity_ca.cert.pem</IdentityCA><IdentityCertificate>file:${dir}/cert.pem</IdentityCertificate><PrivateKey>file:${dir}/key.pem</PrivateKey></Authentication>
<AccessControl>${lib('ac', 'init_access_control', 'finalize_access_control')}<PermissionsCA>file:${dir}/permissions_ca.cert.pem</PermissionsCA><Governance>file:${dir}/governance.p7s</Governance><Permissions>file:${dir}/permissions.p7s</Permissions></AccessControl>
<Cryptographic>${lib('crypto', 'init_crypto', 'finalize_crypto')}</Cryptographic>
</Security></Domain></CycloneDDS>`);
  return `${lo},file://${file}`;
}

function ddsperf(args, securityDir) {
  const child = spawn('ddsperf', ['-i', String(domain), '-T', 'KS', ...args], { env: { ...process.env, CYCLONEDDS_URI: cycloneUri(securityDir) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let buf = '';
  const take = (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      if (lines.length > 2000) lines.splice(0, 1000);
      buf = buf.slice(i + 1);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM' && code !== 0) console.error(`ddsperf ${args.join(' ')} exited (${code ?? signal}):\n${lines.slice(-30).join('\n')}`);
  });
  return { child, lines };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function stop(p) {
  if (p.child.exitCode !== null) return;
  p.child.kill('SIGTERM');
  await new Promise((r) => (p.child.exitCode !== null ? r() : p.child.on('exit', r)));
}

/** Samples `ddsperf sub` has received in all: its per-second lines carry `total N` (or `size … total N`). */
function subTotal(lines) {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /\btotal (\d+)/.exec(lines[i]);
    if (m) return Number(m[1]);
  }
  return 0;
}

async function runCyclone(secured) {
  const sub = ddsperf(['sub'], secured && CYCLONE_SUB);
  const pub = ddsperf(['pub', 'size', String(SIZE)], secured && PUB);
  await sleep(WARMUP_MS);
  const n0 = subTotal(sub.lines);
  const c0 = procCpu(sub.child.pid);
  const p0 = procCpu(pub.child.pid);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const n1 = subTotal(sub.lines);
  const dt = (Date.now() - t0) / 1000;
  const cpu = (procCpu(sub.child.pid) - c0) / dt;
  const pubCpu = (procCpu(pub.child.pid) - p0) / dt;
  const lost = /\blost (\d+)/.exec([...sub.lines].reverse().find((l) => /\blost \d+/.test(l)) ?? '')?.[1];
  await stop(pub);
  await stop(sub);
  if (n1 === 0) throw new Error(`ddsperf sub received nothing; its output:\n${sub.lines.slice(-20).join('\n')}\npub:\n${pub.lines.slice(-20).join('\n')}`);
  return { rate: (n1 - n0) / dt, cpu, pubCpu, lost: Number(lost ?? 0) };
}

/** ddsperf's KeyedSeq: `unsigned long seq; @key unsigned long keyval; sequence<octet> baggage`. */
const KEYED_SEQ = {
  serializeKey: (payload, keyOnly) => {
    const le = (payload[1] & 1) === 1;
    const at = keyOnly ? 4 : 8;
    const out = Buffer.alloc(4);
    out.writeUInt32BE(le ? payload.readUInt32LE(at) : payload.readUInt32BE(at), 0);
    return out;
  },
  maxSize: 4,
};

async function runOurs(secured) {
  const security = secured ? enclaveSecurity(await loadEnclave({ keystore: maker.keystore, enclave: '/bench/medkit_sub' }), domain) : undefined;
  const p = await createParticipant({ domainId: domain, localhostOnly: true, peerIndexCount: 20, ...(security ? { security } : {}) });
  const r = p.createReader({ topic: 'DDSPerfRDataKS', typeName: 'KeyedSeq', key: KEYED_SEQ, qos: { reliability: 'reliable', history: { kind: 'keep-last', depth: 1 } } });
  let n = 0;
  let bytes = 0;
  r.on('sample', (s) => {
    n++;
    bytes += s.payload.length;
  });
  const pub = ddsperf(['pub', 'size', String(SIZE)], secured && PUB);
  await sleep(WARMUP_MS);
  let session;
  if (values.profile) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const n0 = n;
  const t0stats = p.trafficStats();
  const c0 = process.cpuUsage();
  const p0 = procCpu(pub.child.pid);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const n1 = n;
  const c = process.cpuUsage(c0);
  const dt = (Date.now() - t0) / 1000;
  const pubCpu = (procCpu(pub.child.pid) - p0) / dt;
  const t1stats = p.trafficStats();
  const datagramsIn = (t1stats.datagramsIn - t0stats.datagramsIn) / dt;
  const datagramsOut = (t1stats.datagramsOut - t0stats.datagramsOut) / dt;
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    const file = join(values.profile, `medkit-secure-reader-${Date.now()}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.error(`cpu profile: ${file}`);
    session.disconnect();
  }
  await stop(pub);
  const dropped = security?.stats.securedDropped ?? 0;
  await p.close();
  if (n1 === 0) throw new Error(`our reader received nothing (matched ${r.matches?.size ?? '?'}); ddsperf pub:\n${pub.lines.slice(-20).join('\n')}`);
  return { rate: (n1 - n0) / dt, cpu: (c.user + c.system) / 1e6 / dt, pubCpu, avgBytes: n ? bytes / n : 0, malformed: p.stats.malformed, dropped, datagramsIn, datagramsOut };
}

const load0 = loadavg();
const started = new Date();
const rows = [];
for (const secured of values.plain ? [true, false] : [true]) {
  const cyc = await runCyclone(secured);
  const ours = await runOurs(secured);
  rows.push({ secured, cyc, ours });
}
const load1 = loadavg();
const fmt = (x) => Math.round(x).toLocaleString('en');
const pct = (x) => `${(x * 100).toFixed(0)}%`;
console.log(`${started.toISOString()}, ${seconds} s per reader after ${WARMUP_MS / 1000} s warm-up, domain ${domain}, load average ${load0.map((l) => l.toFixed(2)).join(' ')} -> ${load1.map((l) => l.toFixed(2)).join(' ')}`);
for (const { secured, cyc, ours } of rows) {
  const ratio = ours.rate / cyc.rate;
  console.log(`${secured ? 'secured (SROS2 default governance, data ENCRYPT)' : 'plain'}:
- Cyclone C reader (ddsperf sub): ${fmt(cyc.rate)} samples/s, CPU ${pct(cyc.cpu)} of one core (${fmt(cyc.rate / cyc.cpu)} per CPU second; ddsperf pub ${pct(cyc.pubCpu)}), lost ${cyc.lost}
- @medkit/rtps reader: ${fmt(ours.rate)} samples/s, CPU ${pct(ours.cpu)} of one core (${fmt(ours.rate / ours.cpu)} per CPU second, whole Node process; ddsperf pub ${pct(ours.pubCpu)}), payload ${Math.round(ours.avgBytes)} B, datagrams in ${fmt(ours.datagramsIn)}/s out ${fmt(ours.datagramsOut)}/s, dropped ${ours.dropped}, malformed ${ours.malformed}
- ratio: ${pct(ratio)} of Cyclone${secured ? ` (goal >= 50%): ${ratio >= 0.5 ? 'PASS' : 'FAIL'}` : ''}`);
}
