// The incident plots' model (docs/ui.md "Incident view"): booleans and enums as state bands that hold their value
// to the end of the window, the value in force at a time (never a later sample), and the arrow-key steps.
import { describe, expect, it } from 'vitest';
import { dataSpan, inForceAt, isStateField, isStepped, legendIndex, plotData, stepSample } from '../src/incident/plot-model';
import type { FieldSeries } from '../src/incident/recording-types';

const field = (key: string, kind: FieldSeries['kind'], values: (number | null)[]): FieldSeries => ({ key, kind, values, varies: new Set(values).size > 1 });

describe('incident plot model', () => {
  it('draws booleans and few-valued integer fields as state bands, not measurements', () => {
    expect(isStateField(field('data', 'state', [1]))).toBe(true);
    expect(isStateField(field('mode', 'scalar', [0, 2, 2, 3]))).toBe(true);
    expect(isStateField(field('x', 'scalar', [0.5, 1]))).toBe(false);
    expect(isStateField(field('count', 'scalar', [1, 2, 3, 4, 5, 6, 7]))).toBe(false);
    expect(isStateField(field('ranges (min)', 'min', [1, 2]))).toBe(false);
  });

  it('holds one Bool message to the end of the window: a band, not a dot', () => {
    const stop = field('data', 'state', [1]);
    const speed = field('linear.x', 'scalar', [0.4]);
    expect(plotData([10], [stop, speed], 15)).toEqual({ xs: [10, 15], ys: [[1, 1], [0.4, null]] });
    expect(plotData([10, 16], [stop], 15)).toEqual({ xs: [10, 16], ys: [[1]] });
    expect(plotData([10], [speed], 15)).toEqual({ xs: [10], ys: [[0.4]] });
  });

  it('gives the value in force at a time: the last sample at or before it, skipping gaps; none before the first', () => {
    const times = [1, 2, 3, 4];
    const values = [0, 1, null, 0];
    expect(inForceAt(times, values, 0.5)).toBeUndefined();
    expect(inForceAt(times, values, 1)).toBe(0);
    expect(inForceAt(times, values, 2.9)).toBe(1);
    expect(inForceAt(times, values, 3.5)).toBe(1); // the gap at 3 keeps the value of 2
    expect(inForceAt(times, values, 9)).toBe(3);
  });

  it('steps the cursor from sample to sample with the arrow keys', () => {
    const times = [1, 2, 3];
    expect(stepSample(times, 2, 'ArrowRight')).toBe(2);
    expect(stepSample(times, 2, 'ArrowLeft')).toBe(0);
    expect(stepSample(times, 2.5, 'ArrowLeft')).toBe(1);
    expect(stepSample(times, 0, 'ArrowRight')).toBe(0);
    expect(stepSample(times, 0, 'ArrowLeft')).toBe(0);
    expect(stepSample(times, 9, 'ArrowRight')).toBe(2);
    expect(stepSample(times, 2, 'Home')).toBe(0);
    expect(stepSample(times, 2, 'End')).toBe(2);
  });

  it('draws every integer series as steps (booleans, enums, counts), a measurement as a line', () => {
    expect(isStepped([0, 1, 1, 0])).toBe(true);
    expect(isStepped([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, null, 11])).toBe(true);
    expect(isStepped([0.5, 1])).toBe(false);
    expect(isStepped([null, null])).toBe(false);
  });

  it("gives a plot's legend the sample in force at the cursor, never a later one: the read-out's value", () => {
    const data = [
      [10, 11, 12],
      [0, null, 1],
    ];
    // 11.9 s: closer to the sample at 12 s, but the value in force is the one of 10 s (11 s has none for this field).
    expect(legendIndex(data, 1, 11.9)).toBe(0);
    expect(legendIndex(data, 0, 11.9)).toBe(1);
    expect(legendIndex(data, 1, 12)).toBe(2);
    expect(legendIndex(data, 1, 9.5)).toBeNull();
    expect(legendIndex(data, 0, 9.5)).toBeNull();
  });

  it('spans a time axis over the data, a single sample over two seconds rather than years', () => {
    expect(dataSpan([1_800_000_000, 1_800_000_005])).toEqual([1_800_000_000, 1_800_000_005]);
    expect(dataSpan([1_800_000_000])).toEqual([1_799_999_999, 1_800_000_001]);
    expect(dataSpan([])).toBeUndefined();
  });
});
