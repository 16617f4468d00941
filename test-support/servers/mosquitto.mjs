// A real mosquitto (Debian `mosquitto`) on a free loopback port, in a temp dir, for tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.mjs';

export const MOSQUITTO_BIN = process.env.MEDKIT_MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

/** @returns {Promise<{url: string, stop(): Promise<void>}>} */
export async function startMosquitto() {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-mqtt-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // As root mosquitto would switch to user `mosquitto`, who cannot read the temp dir: stay root there.
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n${process.getuid?.() === 0 ? 'user root\n' : ''}`);
  const proc = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
