import { describe, expect, it } from 'vitest';
import { PREBUILD_NICE, prebuildNice } from '../scripts/test-order.mjs';

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
