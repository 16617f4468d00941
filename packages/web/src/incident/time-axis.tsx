// One time axis over the incident's window (the recording's span, else around the fault): the fault's
// occurrences, PASSED and captures marked, each named for screen readers and listed below the bar.
import { clockTime } from './plot-model';
import type { AxisMark } from './incident-model';

const COLOR: Record<AxisMark['kind'], string> = { failed: '#cf222e', passed: '#1a7f37', captured: '#0969da', live: '#8250df' };

export function TimeAxis({ range, marks, source }: { range: [number, number]; marks: AxisMark[]; source: string }) {
  const [a, b] = range;
  const span = Math.max(1e-3, b - a);
  const pos = (t: number) => Math.min(1000, Math.max(0, ((t - a) / span) * 1000));
  const inside = marks.filter((m) => m.atSec >= a - span * 0.05 && m.atSec <= b + span * 0.05);
  const outside = marks.filter((m) => !inside.includes(m));
  return (
    <figure class="time-axis" data-testid="time-axis" data-start={a} data-end={b}>
      <figcaption class="small">
        {clockTime(a)} → {clockTime(b)} ({span.toFixed(1)} s, {source})
      </figcaption>
      <svg viewBox="0 0 1000 36" preserveAspectRatio="none" width="100%" height="36" role="img" aria-label={`Time axis from ${clockTime(a)} to ${clockTime(b)}: ${inside.map((m) => `${m.label} at ${clockTime(m.atSec)}`).join('; ') || 'no marks'}`}>
        <rect x="0" y="14" width="1000" height="8" style={{ fill: 'var(--plot-grid)' }} />
        {inside.map((m, i) => (
          <g key={i} data-mark={m.kind}>
            <title>{`${m.label} ${clockTime(m.atSec)}`}</title>
            <rect x={pos(m.atSec) - 2} y="2" width="4" height="32" fill={COLOR[m.kind]} />
          </g>
        ))}
      </svg>
      <ul class="axis-legend small">
        {inside.map((m, i) => (
          <li key={i}>
            <span class="swatch" style={{ background: COLOR[m.kind] }} /> {m.label} {clockTime(m.atSec)}
          </li>
        ))}
        {outside.length > 0 && (
          <li class="muted" data-testid="marks-outside">
            {outsideText(outside, a)}
          </li>
        )}
      </ul>
    </figure>
  );
}

/** Names the marks left out by where they are: how many before the window (from when) and after it (until when). */
export function outsideText(outside: AxisMark[], windowStart: number): string {
  const before = outside.filter((m) => m.atSec < windowStart).sort((x, y) => x.atSec - y.atSec);
  const after = outside.filter((m) => m.atSec >= windowStart).sort((x, y) => x.atSec - y.atSec);
  const parts: string[] = [];
  if (before.length > 0) parts.push(`${before.length} before this window (from ${clockTime(before[0].atSec)})`);
  if (after.length > 0) parts.push(`${after.length} after it (until ${clockTime(after[after.length - 1].atSec)})`);
  return `Not drawn: ${parts.join(', ')}.`;
}
