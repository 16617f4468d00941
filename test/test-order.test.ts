import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { lastFilesOrder, MAX_TEST_RETRY, PREBUILD_NICE, prebuildNice, RUN_LAST, RUN_LAST_LONGEST_FIRST, testRetries } from '../scripts/test-order.mjs';

// The background packager's priority (scripts/test-order.mjs): CI keeps the low default; the run beside busy loops
// (scripts/test-under-load.mjs) asks for 0, and anything but an integer 0..19 stops the suite before it starts.
describe('the packager priority of a whole-suite run', () => {
  it('is PREBUILD_NICE unless MEDKIT_TEST_PREBUILD_NICE names another level', () => {
    expect(prebuildNice(undefined)).toBe(PREBUILD_NICE);
    expect(prebuildNice('')).toBe(PREBUILD_NICE);
    expect(prebuildNice('0')).toBe(0);
    expect(prebuildNice('19')).toBe(19);
  });

  it('refuses a level nice(1) would not take, naming the variable', () => {
    for (const bad of ['20', '-1', '1.5', 'high', ' 5', '0x5', '99999999999999999999']) {
      expect(() => prebuildNice(bad), bad).toThrow(/MEDKIT_TEST_PREBUILD_NICE must be an integer 0\.\.19/);
    }
  });
});

// How often npm test tries a failed test (scripts/test.mjs): once more in a whole-suite run, never in a run given files,
// MEDKIT_TEST_RETRY 0..3 either way; a value that is not one stops the suite rather than silently meaning 0.
describe('the retries of a test run', () => {
  it('is one more try for a whole suite and none for given files, unless MEDKIT_TEST_RETRY says', () => {
    expect(testRetries(undefined, false)).toBe(1);
    expect(testRetries('', false)).toBe(1);
    expect(testRetries(undefined, true)).toBe(0);
    expect(testRetries('0', false)).toBe(0);
    expect(testRetries(String(MAX_TEST_RETRY), true)).toBe(MAX_TEST_RETRY);
  });

  it('refuses anything but an integer 0..3, naming the variable', () => {
    for (const bad of ['4', '-1', '1.5', 'yes', ' 1', '0x1', '01', '99999999999999999999']) {
      expect(() => testRetries(bad, false), bad).toThrow(/MEDKIT_TEST_RETRY must be an integer 0\.\.3/);
    }
  });
});

describe('the order of the files run last', () => {
  it('puts the named files first, longest first, and keeps the order of the others after them', () => {
    expect(lastFilesOrder(['test/packaging/configs.test.ts', 'test/packaging/arm64.test.ts', 'test/packaging/compose.test.ts', 'test/packaging/deb.test.ts'])).toEqual([
      'test/packaging/deb.test.ts',
      'test/packaging/arm64.test.ts',
      'test/packaging/configs.test.ts',
      'test/packaging/compose.test.ts',
    ]);
  });

  it('names files that exist and are run last', () => {
    for (const f of RUN_LAST_LONGEST_FIRST) {
      expect(existsSync(new URL(`../${f}`, import.meta.url)), f).toBe(true);
      expect(RUN_LAST.some((p) => f.startsWith(p)), f).toBe(true);
    }
  });
});

