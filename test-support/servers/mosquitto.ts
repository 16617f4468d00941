// A real mosquitto (Debian `mosquitto`) on a free loopback port, in a temp dir, for tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

export const MOSQUITTO_BIN = process.env.MEDKIT_MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

export interface MqttBroker {
  url: string;
  stop(): Promise<void>;
}

export async function startMosquitto(): Promise<MqttBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-mqtt-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // As root mosquitto drops to user `mosquitto`; `user root` keeps it simple in a temp dir.
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n${process.getuid?.() === 0 ? 'user root\n' : ''}`);
  const proc: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: 'ignore' });
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
