// The Cyclone DDS test peer for benchmarks (packages/rtps/test/peers, README.md there for its modes and flags): the
// binary the interop tests built most recently, or MEDKIT_CYCLONE_PEER, started on loopback-only discovery.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnOn } from './pin.mjs';

const peersDir = fileURLToPath(new URL('../../packages/rtps/test/peers', import.meta.url));

/** The peer program: MEDKIT_CYCLONE_PEER, else the newest build of the Cyclone peer. */
export function cyclonePeerBinary() {
  if (process.env.MEDKIT_CYCLONE_PEER) return process.env.MEDKIT_CYCLONE_PEER;
  const build = join(peersDir, 'build');
  let dirs = [];
  try {
    dirs = readdirSync(build).filter((d) => /^cyclone-[0-9a-f]+$/.test(d)).map((d) => join(build, d, 'peer'));
  } catch {
    // no build directory yet
  }
  const built = dirs.filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
  if (built.length === 0) throw new Error('no Cyclone peer built: run `npx vitest run packages/rtps/test/interop-cyclone.test.ts` once, or set MEDKIT_CYCLONE_PEER');
  return built.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

/** The peers' loopback configuration (cyclone-lo.xml) with `internal` (XML) added under Domain/Internal. */
export function cycloneConfigWith(internal) {
  const base = readFileSync(join(peersDir, 'cyclone-lo.xml'), 'utf8');
  return base.replace('</Domain>', `  <Internal>${internal}</Internal>\n  </Domain>`);
}

/**
 * Starts the peer with `args` in `domain` on 127.0.0.1 (configuration file `config`, default cyclone-lo.xml); `lines`
 * collects its stdout. `cpu`: run it on that CPU only (bench/support/pin.mjs).
 */
export function cyclonePeer(args, domain, config = join(peersDir, 'cyclone-lo.xml'), cpu = undefined) {
  const env = { ...process.env, CYCLONEDDS_URI: `file://${config}`, ROS_DOMAIN_ID: String(domain) };
  const child = spawnOn(cpu, cyclonePeerBinary(), [...args, '--domain', String(domain)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    // The talker prints a line per sample: keep the last ones only.
    lines.push(line);
    if (lines.length > 1000) lines.splice(0, 500);
  });
  return { child, lines };
}
