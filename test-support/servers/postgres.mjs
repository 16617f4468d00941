// A real PostgreSQL 15 (Debian `postgresql`) in a temp dir on a free loopback port, for tests and bench/fleet.
// PostgreSQL refuses to run as root, so under root (CI) the cluster belongs to `nobody` and every server
// command runs through `runuser -u nobody`; otherwise it runs as the current user. stop() stops it
// (`pg_ctl stop -m immediate`) and removes the dir.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.mjs';

export const PG_BIN = process.env.MEDKIT_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const RUN_AS = 'nobody';

function asOwner(cmd, args) {
  const root = process.getuid?.() === 0;
  const [file, argv] = root ? ['runuser', ['-u', RUN_AS, '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/**
 * @returns {Promise<{port: number, url: string, dir: string, pause(): void, resume(): void, stop(): void}>}
 *   `url`: the `medkit` database, superuser `medkit`, trust auth on loopback. pause()/resume(): PostgreSQL down and back.
 */
/** @typedef {Awaited<ReturnType<typeof startPostgres>>} PgServer A running server, as startPostgres returns it. */

export async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'medkit-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    // Debian always has `nobody`; a stripped image may not: create a system user for it.
    if (spawnSync('id', ['-u', RUN_AS]).status !== 0) execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', RUN_AS]);
    const uid = Number(execFileSync('id', ['-u', RUN_AS]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', RUN_AS]).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  asOwner(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'medkit', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const start = () =>
    asOwner(join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`, 'start']);
  const stopNow = () => asOwner(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
  start();
  asOwner(join(PG_BIN, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'medkit', 'medkit']);
  let running = true;
  return {
    port,
    url: `postgres://medkit@127.0.0.1:${port}/medkit`,
    dir,
    pause() {
      stopNow();
      running = false;
    },
    resume() {
      start();
      running = true;
    },
    stop() {
      try {
        if (running) stopNow();
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
