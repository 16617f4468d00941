// A real mosquitto (Debian `mosquitto`) on a free loopback port, in a temp dir, for tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.mjs';

export const MOSQUITTO_BIN = process.env.MEDKIT_MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

/** @returns {Promise<{url: string, restart(): Promise<void>, stop(): Promise<void>}>} restart(): killed and started again on the same port (clients reconnect). */
export async function startMosquitto() {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-mqtt-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // As root mosquitto would switch to user `mosquitto`, who cannot read the temp dir: stay root there.
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n${process.getuid?.() === 0 ? 'user root\n' : ''}`);
  let proc = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: 'ignore' });
  await waitForPort(port);
  const kill = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    }
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async restart() {
      await kill();
      proc = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: 'ignore' });
      await waitForPort(port);
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
