#!/usr/bin/env node
// Builds the optional native addons (run by `npm run build`): today one, @medkit/rtps's (packages/rtps/native),
// which opens SROS2-protected samples several times cheaper than Node.js 20's crypto can (docs/sros2.md, "Speed")
// and receives UDP datagrams in batches (packages/rtps/README.md, "Native receive"). It is compiled with node-gyp (npm's own copy) against the headers of the Node.js that
// runs this script, which ship with its OpenSSL's headers, so no download and no library beyond a C compiler and
// Python (what better-sqlite3's build needs too).
//
// Optional by design: when the build cannot run (no compiler, no headers), the script says so loudly and exits 0,
// and @medkit/rtps uses Node.js's crypto instead (same results, slower). Under CI=true a test fails when the addon
// is missing (packages/rtps/test/security/aes-gcm.test.ts, packages/rtps/test/native-udp.test.ts), so CI always proves the fast path.
// Skipped when the built addon is newer than its sources (`--force` builds anyway).
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeGyp } from './package-tools.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADDONS = [{ dir: join(ROOT, 'packages/rtps/native'), sources: ['addon.c', 'aes_gcm.c', 'udp_receive.c', 'udp_placement.c', 'native.h', 'udp_receive.h', 'binding.gyp'], output: 'build/Release/medkit_rtps.node' }];

/** Where this Node.js's headers are (include/node with node_api.h and openssl/), so node-gyp downloads nothing. */
function nodeDir() {
  const configured = process.env.npm_config_nodedir;
  const dirs = [configured, dirname(dirname(realpathSync(process.execPath)))].filter(Boolean);
  return dirs.find((d) => existsSync(join(d, 'include/node/node_api.h')) && existsSync(join(d, 'include/node/openssl/evp.h')));
}

const newer = (a, b) => statSync(a).mtimeMs >= statSync(b).mtimeMs;

function warn(addon, why) {
  process.stderr.write(
    `\n*** build-native: ${addon.dir}: ${why}\n*** The addon is optional: RTPS falls back to Node.js's dgram and crypto, which are correct but slower per datagram and\n*** several times slower per SROS2-protected sample. Install a C compiler and Python (Debian: build-essential python3) and run \`npm run build\`.\n\n`,
  );
}

const force = process.argv.includes('--force');
for (const addon of ADDONS) {
  const output = join(addon.dir, addon.output);
  if (!force && existsSync(output) && addon.sources.every((s) => newer(output, join(addon.dir, s)))) continue;
  const gyp = nodeGyp();
  const headers = nodeDir();
  if (!gyp) warn(addon, 'npm\'s node-gyp was not found');
  else if (!headers) warn(addon, `the headers of this Node.js (${process.execPath}: include/node/node_api.h and include/node/openssl) were not found`);
  else {
    const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--nodedir=${headers}`], { cwd: addon.dir, encoding: 'utf8' });
    if (r.status === 0 && existsSync(output)) process.stdout.write(`build-native: built ${join(addon.dir, addon.output).slice(ROOT.length)}\n`);
    else warn(addon, `node-gyp failed (exit ${r.status ?? r.signal}):\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-15).join('\n')}`);
  }
}
