// The handshake state table (security/participant/handshake-table.ts) read as data: what it promises about a
// peer's states holds for every row, so a row added later cannot quietly break it. No sockets.
import { describe, expect, it } from 'vitest';
import { HANDSHAKE_TABLE, PUBLIC_STATE, type HandshakeState } from '../../src/security/participant/handshake-table.js';

const states = Object.keys(HANDSHAKE_TABLE) as HandshakeState[];
const rows = states.flatMap((from) => Object.entries(HANDSHAKE_TABLE[from]).map(([event, t]) => ({ from, event, ...t! })));

describe('the handshake state table', () => {
  it('moves a peer only to states it knows, and reports each state publicly', () => {
    for (const r of rows) for (const next of r.next) expect(states, `${r.from} --${r.event}-->`).toContain(next);
    for (const s of states) expect(PUBLIC_STATE[s]).toBeDefined();
  });

  it('authenticates only through a valid permissions check, and only after the handshake verified the peer', () => {
    const into = rows.filter((r) => r.next.includes('authenticated'));
    expect(into.map((r) => `${r.from} --${r.event}--> ${r.action}`)).toEqual(['checking-permissions --permissions-valid--> accept']);
    const checking = rows.filter((r) => r.next.includes('checking-permissions')).map((r) => r.action);
    expect(checking.sort()).toEqual(['finish', 'sendFinal']);
  });

  it('keeps a refusal final: nothing leads out of failed, and only a timed-out handshake is tried again', () => {
    expect(rows.filter((r) => r.from === 'failed').flatMap((r) => r.next)).toEqual([]);
    const retried = rows.filter((r) => r.action === 'retry' || r.action === 'retryAndAnswer').map((r) => r.from);
    expect(new Set(retried)).toEqual(new Set(['timed-out']));
  });

  it('times out only a handshake under way, and matches a peer without a handshake only where it announced no identity', () => {
    expect(rows.filter((r) => r.event === 'timeout').map((r) => r.from).sort()).toEqual(['awaiting-final', 'awaiting-reply']);
    expect(HANDSHAKE_TABLE.unauthenticated).toEqual({});
  });
});
