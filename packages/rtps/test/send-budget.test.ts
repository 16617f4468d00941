// The send budget as a unit (issue 66, not a reflector): an unproven participant is sent no more than it sent us,
// a proven one freely, a configured locator always, and a locator nobody known announces never.
import { describe, expect, it } from 'vitest';
import { udpv4 } from '../src/locator.js';
import { MAX_CREDIT, MAX_KEYS, PROVEN_MEMORY_MS, SendBudget } from '../src/send-budget.js';

const VICTIM = udpv4('10.0.0.9', 7000);
const A = 'aa'.repeat(12);
const B = 'bb'.repeat(12);

describe('send budget', () => {
  it('pays sends to an unproven participant from what it sent, and holds back what would overdraw', () => {
    const s = new SendBudget();
    s.register(A, false, [VICTIM]);
    expect(s.spend(VICTIM, 1)).toBe(false);
    s.earn(A, 300);
    expect(s.spend(VICTIM, 200)).toBe(true);
    expect(s.spend(VICTIM, 200)).toBe(false);
    expect(s.spend(VICTIM, 100)).toBe(true);
    expect(s.stats).toMatchObject({ withheld: 2, withheldBytes: 201 });
  });

  it('banks at most MAX_CREDIT', () => {
    const s = new SendBudget();
    s.register(A, false, [VICTIM]);
    for (let i = 0; i < 100; i++) s.earn(A, 65_000);
    let sent = 0;
    while (s.spend(VICTIM, 1000)) sent += 1000;
    expect(sent).toBeLessThanOrEqual(MAX_CREDIT);
  });

  it('sends freely once proven, and to a locator a proven participant shares with an unproven one', () => {
    const s = new SendBudget();
    s.register(A, false, [VICTIM]);
    s.register(B, false, [VICTIM]);
    expect(s.spend(VICTIM, 100)).toBe(false);
    s.prove(B);
    expect(s.spend(VICTIM, 60_000)).toBe(true);
    // B left; the locator it proved stays free for a while (PROVEN_MEMORY_MS): A, still there, is sent to.
    s.forget(B);
    expect(s.spend(VICTIM, 100)).toBe(true);
  });

  it('never sends to a locator no known participant announces: after it left, or past its MAX_KEYS locators', () => {
    const s = new SendBudget();
    s.register(A, true, [VICTIM]);
    expect(s.spend(VICTIM, 100)).toBe(true);
    s.forget(A);
    expect(s.spend(VICTIM, 100)).toBe(false);
    s.register(B, true, Array.from({ length: MAX_KEYS + 1 }, (_, i) => udpv4('10.0.0.1', 8000 + i)));
    expect(s.spend(udpv4('10.0.0.1', 8000 + MAX_KEYS - 1), 100)).toBe(true);
    expect(s.spend(udpv4('10.0.0.1', 8000 + MAX_KEYS), 100)).toBe(false);
    expect(s.stats.unknown).toBe(2);
  });

  it('always sends to configured locators (multicast, the peer sweep), even where a fake names them', () => {
    const s = new SendBudget();
    const multicast = udpv4('239.255.0.1', 7400);
    s.allow([multicast]);
    expect(s.spend(multicast, 60_000)).toBe(true);
    s.register(A, false, [multicast]);
    expect(s.spend(multicast, 60_000)).toBe(true);
  });

  it('sends freely to a proven participant that left and came back at the same locator, for PROVEN_MEMORY_MS', () => {
    let now = 1_000_000;
    const s = new SendBudget(() => now);
    s.register(A, true, [VICTIM]);
    s.forget(A);
    // Stalled past its lease, then back: announced again, not proven yet, nothing earned beyond its announcement.
    s.register(A, false, [VICTIM]);
    expect(s.spend(VICTIM, 10_000)).toBe(true);
    now += PROVEN_MEMORY_MS + 1;
    expect(s.spend(VICTIM, 10_000)).toBe(false);
  });
});
