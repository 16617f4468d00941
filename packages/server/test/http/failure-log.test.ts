// The per-cause limit of failed-request log lines (unit, manual clock): one line per cause per interval with the
// count it stood for, causes apart, and a flood of distinct causes held to the bound.
import { describe, expect, it } from 'vitest';
import { FailureLog } from '../../src/http/failure-log.js';

describe('FailureLog', () => {
  it('logs a cause once per interval, then with the number of repeats it did not log', () => {
    let t = 0;
    const log = new FailureLog({ intervalMs: 1000, now: () => t });
    expect(log.note('503 a')).toEqual({ repeated: 0 });
    for (let i = 0; i < 999; i++) expect(log.note('503 a')).toBeUndefined();
    expect(log.note('504 b')).toEqual({ repeated: 0 });
    t = 999;
    expect(log.note('503 a')).toBeUndefined();
    t = 1000;
    expect(log.note('503 a')).toEqual({ repeated: 1000 });
    expect(log.note('503 a')).toBeUndefined();
    t = 5000;
    expect(log.note('503 a')).toEqual({ repeated: 1 });
  });

  it('remembers at most maxCauses causes, forgetting the least recently seen', () => {
    const t = 0;
    const log = new FailureLog({ intervalMs: 1000, maxCauses: 3, now: () => t });
    for (const c of ['a', 'b', 'c']) log.note(c);
    expect(log.note('a')).toBeUndefined(); // a is now the most recent
    expect(log.note('d')).toEqual({ repeated: 0 }); // b goes
    expect(log.note('b')).toEqual({ repeated: 0 }); // forgotten, so logged again; c goes
    expect(log.note('a')).toBeUndefined();
    expect(log.note('c')).toEqual({ repeated: 0 });
  });
});
