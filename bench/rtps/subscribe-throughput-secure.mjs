// Secured RTPS subscribe throughput: 1 KiB samples from Cyclone DDS's `ddsperf pub` (Debian cyclonedds-tools,
// topic KS: reliable, keyed, a 1 KiB octet sequence; as fast as its writer goes) on loopback under SROS2's default
// governance (domains 0..230, discovery and liveliness ENCRYPT, RTPS SIGN, every topic's data and submessages
// ENCRYPT), received by (A) Cyclone's own C reader (`ddsperf sub` with the same security) and (B) a secured
// @medkit/rtps reader, one after the other in the same run with the same publisher. The keystore is made here
// with openssl (@medkit/ros2/security's Sros2KeystoreMaker), one enclave each for the publisher, Cyclone's reader
// and ours. Prints samples/s and CPU for both (and the load average); copy the block into docs/benchmarks.md.
//
//   npm run build && node bench/rtps/subscribe-throughput-secure.mjs [seconds=10] [domain=41] [--runs 1] [--plain] [--profile DIR] [--warmup 4]
//
// --plain runs the same two readers without security as well (the cost of the protection); --profile DIR writes
// a V8 CPU profile of our reader's measured window (node --cpu-prof equivalent, via the inspector).
// --warmup S: the seconds each reader runs before its window (4); the test suite's smoke run (test/bench-smoke.test.ts)
// shortens it with the window.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { enclaveSecurity, loadEnclave, permissionsDocument, Sros2KeystoreMaker, sros2DefaultGovernanceXml } from '@medkit/ros2/security';
import { CYCLONE_LO_URI, fmt, median, pct, runCyclone, runOurs } from './ddsperf-pair.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '1' }, plain: { type: 'boolean' }, profile: { type: 'string' }, warmup: { type: 'string', default: '4' } } });
const seconds = Number(positionals[0] ?? 10);
const domain = Number(positionals[1] ?? 41);
const SIZE = 1024;
const WARMUP_MS = Number(values.warmup) * 1000;
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
  const lo = CYCLONE_LO_URI;
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

const window = { domain, size: SIZE, seconds, warmupMs: WARMUP_MS };

async function runPair(secured) {
  const pubUri = cycloneUri(secured && PUB);
  const cyc = await runCyclone({ ...window, pubUri, subUri: cycloneUri(secured && CYCLONE_SUB) });
  const security = secured ? enclaveSecurity(await loadEnclave({ keystore: maker.keystore, enclave: '/bench/medkit_sub' }), domain) : undefined;
  const ours = await runOurs({ ...window, pubUri, participant: security ? { security } : {}, profile: values.profile, name: 'medkit-secure-reader' });
  return { cyc, ours };
}

const load0 = loadavg();
const started = new Date();
const rows = [];
for (let i = 0; i < Number(values.runs); i++) {
  for (const secured of values.plain ? [true, false] : [true]) {
    const { cyc, ours } = await runPair(secured);
    rows.push({ secured, cyc, ours, load: loadavg()[0] });
  }
}
const load1 = loadavg();
console.log(`${started.toISOString()}, ${seconds} s per reader after ${WARMUP_MS / 1000} s warm-up, domain ${domain}, load average ${load0.map((l) => l.toFixed(2)).join(' ')} -> ${load1.map((l) => l.toFixed(2)).join(' ')}`);
for (const { secured, cyc, ours, load } of rows) {
  const ratio = ours.rate / cyc.rate;
  console.log(`${secured ? 'secured (SROS2 default governance, data ENCRYPT)' : 'plain'} (load ${load.toFixed(2)}):
- Cyclone C reader (ddsperf sub): ${fmt(cyc.rate)} samples/s, CPU ${pct(cyc.cpu)} of one core (${fmt(cyc.rate / cyc.cpu)} per CPU second; ddsperf pub ${pct(cyc.pubCpu)}), lost ${cyc.lost}
- @medkit/rtps reader: ${fmt(ours.rate)} samples/s, CPU ${pct(ours.cpu)} of one core (${fmt(ours.rate / ours.cpu)} per CPU second, whole Node process; ddsperf pub ${pct(ours.pubCpu)}), payload ${Math.round(ours.avgBytes)} B, datagrams in ${fmt(ours.datagramsIn)}/s out ${fmt(ours.datagramsOut)}/s, dropped ${ours.dropped}, malformed ${ours.malformed}
- ratio: ${pct(ratio)} of Cyclone`);
}
const secured = rows.filter((r) => r.secured).map((r) => r.ours.rate / r.cyc.rate);
const m = median(secured);
console.log(`secured, median ratio of ${secured.length} runs: ${pct(m)} of Cyclone (goal >= 80%, issue 40): ${m >= 0.8 ? 'PASS' : 'FAIL'}`);
