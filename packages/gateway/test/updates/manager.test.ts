// UpdateManager on a real (in-memory) SQLite store with a provider the test drives step by step.
import { describe, expect, it } from 'vitest';
import { MigrationRegistry, openStore } from '@medkit/kit';
import { UPDATES_MIGRATIONS, UpdateStore } from '../../src/updates/store.js';
import { UpdateManager } from '../../src/updates/manager.js';
import type { UpdateProvider, UpdateReporter } from '../../src/updates/provider.js';

/** A provider whose operations wait until the test releases them. */
function steppedProvider() {
  const pending: { op: string; reporter: UpdateReporter; resolve: () => void; reject: (e: Error) => void }[] = [];
  const provider: UpdateProvider = {
    name: 'stepped',
    validate: () => undefined,
    supportsAutomated: () => true,
    prepare: (_id, _m, reporter) => new Promise((resolve, reject) => pending.push({ op: 'prepare', reporter, resolve, reject })),
    execute: (_id, _m, reporter) => new Promise((resolve, reject) => pending.push({ op: 'execute', reporter, resolve, reject })),
  };
  return { provider, pending };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('UpdateManager', () => {
  it('maps automated progress: prepare to 0–50, execute to 50–100, with sub_progress per part', async () => {
    const db = openStore(':memory:', new MigrationRegistry().register(...UPDATES_MIGRATIONS));
    const { provider, pending } = steppedProvider();
    const m = new UpdateManager(new UpdateStore(db), provider);
    const seen: string[] = [];
    m.onStatus((id, s) => seen.push(`${id}:${s.status}:${s['x-medkit'].phase}`));
    await m.register({ id: 'pkg', automated: true });
    m.start('pkg', 'automated');
    await tick();
    pending[0].reporter.progress(50, 'half downloaded');
    expect(m.get('pkg').status).toMatchObject({ status: 'inProgress', progress: 25, sub_progress: [{ name: 'prepare', progress: 50 }, { name: 'execute', progress: 0 }] });
    pending[0].resolve();
    await tick();
    expect(pending[1].op).toBe('execute');
    pending[1].reporter.progress(50);
    expect(m.get('pkg').status).toMatchObject({ progress: 75, sub_progress: [{ name: 'prepare', progress: 100 }, { name: 'execute', progress: 50 }], 'x-medkit': { phase: 'executing' } });
    pending[1].resolve();
    await m.settled('pkg');
    expect(m.get('pkg').status).toMatchObject({ status: 'completed', progress: 100, 'x-medkit': { phase: 'executed' } });
    expect(seen[0]).toBe('pkg:pending:none');
    expect(seen.at(-1)).toBe('pkg:completed:executed');
    db.close();
  });

  it('fails what was in progress when the gateway died mid-operation', async () => {
    const db = openStore(':memory:', new MigrationRegistry().register(...UPDATES_MIGRATIONS));
    const { provider } = steppedProvider();
    const first = new UpdateManager(new UpdateStore(db), provider);
    await first.register({ id: 'pkg' });
    first.start('pkg', 'prepare');
    // No stopAll(): a new manager on the same store is what a restart after a crash looks like.
    const second = new UpdateManager(new UpdateStore(db), provider);
    expect(second.get('pkg').status).toMatchObject({ status: 'failed', error: 'Interrupted by a gateway restart', 'x-medkit': { phase: 'failed' } });
    db.close();
  });

  it('turns a provider rejection into failed with the message', async () => {
    const db = openStore(':memory:', new MigrationRegistry().register(...UPDATES_MIGRATIONS));
    const { provider, pending } = steppedProvider();
    const m = new UpdateManager(new UpdateStore(db), provider);
    await m.register({ id: 'pkg' });
    m.start('pkg', 'prepare');
    await tick();
    pending[0].reject(new Error('signature invalid'));
    await m.settled('pkg');
    expect(m.get('pkg').status).toMatchObject({ status: 'failed', error: 'signature invalid', 'x-medkit': { phase: 'failed' } });
    db.close();
  });
});
