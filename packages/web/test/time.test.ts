// Times as the UI shows them (model/time.ts, model/logs.ts): the time of day today, the date in front on any
// other day, for read-outs, fault and robot times and log lines alike.
import { describe, expect, it } from 'vitest';
import { clockTime, formatTime } from '../src/model/time';
import { logTime, normalizeLogList } from '../src/model/logs';

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 67);
const sameDay = new Date(T + 60_000);
const later = new Date(T + 3 * 86_400_000);
const date = new Date(T).toLocaleDateString();

describe('times', () => {
  it('read-outs: time of day with milliseconds, the date in front when not today', () => {
    expect(clockTime(T / 1000, sameDay)).toMatch(/^\d\d:04:05\.067$/);
    expect(clockTime(T / 1000, later)).toBe(`${date} ${clockTime(T / 1000, sameDay)}`);
  });

  it('fault and robot times: to the second, with the date when not today', () => {
    expect(formatTime(T, sameDay)).toBe(new Date(T).toLocaleTimeString());
    expect(formatTime(T, later)).toContain(date);
    expect(formatTime(undefined)).toBe('—');
  });

  it('log lines: as read-outs, from their 9-digit timestamp; a timestamp that is no time stays as given', () => {
    const [line, odd] = normalizeLogList({ items: [{ id: '1', timestamp: new Date(T).toISOString().replace('Z', '123456Z'), message: 'a' }, { id: '2', timestamp: 'boot+12s', message: 'b' }] });
    expect(logTime(line, sameDay)).toBe(clockTime(T / 1000, sameDay));
    expect(logTime(line, later)).toBe(`${date} ${clockTime(T / 1000, sameDay)}`);
    expect(logTime(odd, later)).toBe('boot+12s');
  });
});
