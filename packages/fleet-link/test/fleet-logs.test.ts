// The robot's `logs` events (docs/fleet.md): WARN and above only, a token bucket, long messages cut, the
// held-back count carried on the next event; and the fleet's check of a logs body from the wire.
import { describe, expect, it } from 'vitest';
import { LogForwarder } from '../src/log-forwarder.js';
import { parseEnvelope, type LogsBody } from '@medkit/fleet-protocol';
import type { StoredLog } from '@medkit/gateway';

const entry = (level: number, message = 'm'): StoredLog => ({ n: 1, stampNs: 1_700_000_000_000_000_000n, level, logger: 'amr.motor', source: '/amr/motor', message, function: '', file: '', line: 0 });

describe('log forwarder', () => {
  it('sends WARN, ERROR and FATAL only', () => {
    const sent: LogsBody[] = [];
    const f = new LogForwarder(100, (b) => sent.push(b), () => 0);
    for (const level of [10, 20, 30, 40, 50]) f.offer(entry(level));
    expect(sent.map((b) => b.severity)).toEqual(['warning', 'error', 'fatal']);
    expect(sent[0]).toMatchObject({ time: '2023-11-14T22:13:20.000Z', level: 30, source: '/amr/motor', logger: 'amr.motor' });
  });

  it('holds a flood to the rate, counts what it held back and reports it on the next event', () => {
    const sent: LogsBody[] = [];
    let now = 0;
    const f = new LogForwarder(5, (b) => sent.push(b), () => now);
    for (let i = 0; i < 1000; i++) f.offer(entry(40, `flood ${i}`));
    expect(sent).toHaveLength(5);
    expect(f.suppressedTotal).toBe(995);
    now = 1000; // one second refills five tokens
    f.offer(entry(40, 'after'));
    expect(sent).toHaveLength(6);
    expect(sent[5]).toMatchObject({ message: 'after', suppressed_before: 995 });
    f.offer(entry(40, 'again'));
    expect(sent[6].suppressed_before).toBeUndefined();
  });

  it('cuts a long message and flags it', () => {
    const sent: LogsBody[] = [];
    new LogForwarder(5, (b) => sent.push(b), () => 0).offer(entry(30, 'y'.repeat(100_000)));
    expect(sent[0].message).toHaveLength(2048);
    expect(sent[0].truncated).toBe(true);
  });
});

describe('logs bodies from the wire', () => {
  const envelope = (body: unknown) => new TextEncoder().encode(JSON.stringify({ v: 1, robot_id: 'r1', seq: 1, event_id: 'r1:1', time: '2026-01-01T00:00:00Z', kind: 'logs', body }));
  const good = { time: '2026-01-01T00:00:00Z', severity: 'error', level: 40, source: '/a', logger: 'a', message: 'hi' };

  it('accepts a well-formed body', () => {
    expect(parseEnvelope(envelope(good)).ok).toBe(true);
  });

  it('refuses hostile ones with the field named', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, time: 'yesterday' }, 'time'],
      [{ ...good, severity: 'debug' }, 'severity'],
      [{ ...good, level: 1e308 }, 'severity'],
      [{ ...good, source: 7 }, 'source'],
      [{ ...good, message: 'z'.repeat(9000) }, 'message'],
      [{ ...good, suppressed_before: -1 }, 'suppressed_before'],
    ];
    for (const [body, field] of cases) {
      const r = parseEnvelope(envelope(body));
      expect(r.ok, field).toBe(false);
      if (!r.ok) expect(r.reason).toBe(`bad logs body: ${field}`);
    }
  });
});
