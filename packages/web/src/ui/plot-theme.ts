// The plots' colours from the page's theme: axis text and grid from the stylesheet's variables (--text,
// --plot-grid), series from a palette that keeps its contrast on the light or the dark background. uPlot draws
// on a canvas, which CSS cannot reach, so each plot asks here when it is built.
import type uPlot from 'uplot';

const LIGHT = ['#1f5fbf', '#b3261e', '#2e7d32', '#8e24aa', '#e65100', '#00838f'];
// Lighter tones: at least 4.5:1 against the dark panel (#1e2227).
const DARK = ['#6ea2f0', '#ff8a80', '#7fd19b', '#d09cf0', '#ffb74d', '#4dd0e1'];

export interface PlotTheme {
  /** Series colours, in order. */
  series: string[];
  /** The fault instant's line. */
  fault: string;
  /** Axes with readable labels and a quiet grid. */
  axis: () => uPlot.Axis;
}

const cssVar = (name: string, fallback: string): string => {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
};

export function plotTheme(): PlotTheme {
  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  const text = cssVar('--text', dark ? '#e6e8eb' : '#1b1f24');
  const grid = cssVar('--plot-grid', dark ? '#30363d' : '#e3e6ea');
  return {
    series: dark ? DARK : LIGHT,
    fault: cssVar('--graph-finding', dark ? '#ff7b72' : '#cf222e'),
    axis: () => ({ stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } }),
  };
}
