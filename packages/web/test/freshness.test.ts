// When a page about one fault reads it again (state/freshness.ts): at that fault's events, and when the list shows it
// otherwise than the page's last read, never for the list telling what the read already showed.
import { describe, expect, it } from 'vitest';
import { freshnessKey, shownFault } from '../src/state/freshness';
import type { FaultView } from '../src/model/faults';
import type { StatusChange } from '../src/model/fault-detail';

const PAGE = '/apps/safety_gate|PROTECTIVE_STOP';
const listed = (over: Partial<FaultView> = {}): FaultView => ({ key: 'k', code: 'PROTECTIVE_STOP', title: 'stop', severity: 'error', rawStatus: 'CONFIRMED', reportingSources: [], occurrences: 3, lastMs: 1_764_468_000_123, ...over }) as FaultView;
const store = (faults: FaultView[], events: StatusChange[] = []) => ({ faults, liveHistory: new Map(events.length ? [['PROTECTIVE_STOP', events]] : []) });
// The detail's view of the same fault: its last occurrence as an ISO time (the list: epoch seconds with decimals).
const read = (over: { rawStatus?: string; occurrences?: number; lastMs?: number; acknowledgement?: { by: string } } = {}) =>
  shownFault(PAGE, { rawStatus: 'CONFIRMED', occurrences: 3, lastMs: Date.parse('2025-11-30T02:00:00.123Z'), ...over });

describe('fault freshness', () => {
  const before = freshnessKey(store([]), 'PROTECTIVE_STOP', PAGE, undefined);

  it("does not change when the list arrives with what the page's read showed (no second read of the detail as the page opens)", () => {
    const list = store([listed({ lastMs: Date.parse('2025-11-30T02:00:00.123Z') + 0.0001 })]);
    // The list first, the read on its way: nothing to compare, no change.
    expect(freshnessKey(list, 'PROTECTIVE_STOP', PAGE, undefined)).toBe(before);
    // The read first, then the list telling the same.
    expect(freshnessKey(list, 'PROTECTIVE_STOP', PAGE, read())).toBe(before);
  });

  it('changes when the list shows the fault otherwise than the read: healed, another occurrence, acknowledged', () => {
    const at = Date.parse('2025-11-30T02:00:00.123Z');
    for (const other of [listed({ rawStatus: 'HEALED', lastMs: at }), listed({ occurrences: 4, lastMs: at }), listed({ lastMs: at + 5000 }), listed({ lastMs: at, acknowledgedBy: 'alice' })]) {
      expect(freshnessKey(store([other]), 'PROTECTIVE_STOP', PAGE, read()), JSON.stringify(other)).not.toBe(before);
    }
  });

  it('after a failed read (signed out, not stored yet) takes whatever the list says of the fault as news: the page tries again', () => {
    const failed = { page: PAGE, failed: true as const };
    expect(freshnessKey(store([]), 'PROTECTIVE_STOP', PAGE, failed)).toBe(before);
    expect(freshnessKey(store([listed()]), 'PROTECTIVE_STOP', PAGE, failed)).not.toBe(before);
  });

  it("changes at each event of the fault, and compares the list only with a read of this page's fault", () => {
    const event: StatusChange = { change: 'healed', status: 'HEALED', atMs: 5, origin: 'live' };
    expect(freshnessKey(store([], [event]), 'PROTECTIVE_STOP', PAGE, read())).not.toBe(before);
    // A read of another page's fault (the page moved on, its new read not in yet) is not compared.
    expect(freshnessKey(store([listed({ rawStatus: 'HEALED' })]), 'PROTECTIVE_STOP', PAGE, shownFault('/apps/other|PROTECTIVE_STOP', { rawStatus: 'CONFIRMED' }))).toBe(before);
  });
});
