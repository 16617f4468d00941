// docs/fleet.md: "fault events enter the outbox in the same SQLite transaction that stores the fault". A real
// robot gateway process is SIGKILLed between writing a fault and writing its outbox row (a trigger on the
// outbox table kills the process as the row is inserted). Afterwards the database holds neither the fault nor
// its event (never a fault the fleet will not hear of); after a restart the same report stores both, each
// once, and the faults acknowledged before the crash have exactly one outbox row each. Before the fault store
// hook, the crash left CRASH_HERE stored and CONFIRMED with no outbox row.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TSC } from '../../../test-support/medkit-cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/outbox-crash-child.mjs', import.meta.url));
let dir: string;

beforeAll(() => {
  // The child runs the compiled gateway as `medkit` composes it.
  const r = spawnSync(process.execPath, [TSC, '-b', 'packages/cli'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(join(root, 'packages/cli/dist/compose.js'))) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'medkit-outbox-crash-'));
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(mode: 'crash' | 'resume'): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`child ${mode} did not finish: ${out}${err}`));
    }, 60_000);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

/** Stored faults and the fault events waiting in the outbox, read from the gateway's database file. */
function readStore(): { faults: Map<string, string>; outbox: { code: string; event: string }[] } {
  const db = new Database(join(dir, 'medkit.db'), { readonly: true });
  try {
    const faults = new Map((db.prepare('SELECT fault_code, status FROM faults').all() as { fault_code: string; status: string }[]).map((r) => [r.fault_code, r.status]));
    const outbox = (db.prepare("SELECT payload FROM fleet_outbox WHERE kind = 'faults' ORDER BY seq").all() as { payload: string }[]).map((r) => {
      const body = JSON.parse(r.payload).body as { fault_code: string; event_type: string };
      return { code: body.fault_code, event: body.event_type };
    });
    return { faults, outbox };
  } finally {
    db.close();
  }
}

describe('fault and outbox row in one transaction', () => {
  it('a crash between the fault write and its outbox row leaves neither', async () => {
    const r = await run('crash');
    expect(r.signal, r.err).toBe('SIGKILL');
    expect(r.out).not.toContain('NOT CRASHED');
    expect(r.out).not.toContain('ACK CRASH_HERE');
    for (let i = 1; i <= 5; i++) expect(r.out).toContain(`ACK F${i} CONFIRMED`);
    const { faults, outbox } = readStore();
    expect(faults.has('CRASH_HERE')).toBe(false);
    expect(outbox.filter((e) => e.code === 'CRASH_HERE')).toEqual([]);
    for (let i = 1; i <= 5; i++) {
      expect(faults.get(`F${i}`)).toBe('CONFIRMED');
      expect(outbox.filter((e) => e.code === `F${i}`)).toEqual([{ code: `F${i}`, event: 'fault_confirmed' }]);
    }
  }, 90_000);

  it('after a restart the report stores the fault and exactly one event', async () => {
    const r = await run('resume');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('ACK CRASH_HERE CONFIRMED');
    const { faults, outbox } = readStore();
    expect(faults.get('CRASH_HERE')).toBe('CONFIRMED');
    expect(outbox.filter((e) => e.code === 'CRASH_HERE')).toEqual([{ code: 'CRASH_HERE', event: 'fault_confirmed' }]);
    expect(outbox).toHaveLength(6);
  }, 90_000);
});
