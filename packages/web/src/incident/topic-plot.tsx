// One topic of the recording as a uPlot chart: the chosen numeric fields over time (booleans and enums as state
// bands, other integer fields such as counts as steps), the fault instant as a red line, the cursor shared with every other plot of the page (uPlot sync key).
// The read-out under it gives, at the cursor time, each field's value in force (the last sample at or before it,
// never a later one) and how old that sample is; the arrow keys move the cursor from sample to sample and the
// read-out is announced.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TopicSeries } from './recording-types';
import { clockTime, defaultFields, inForceAt, isStateField, isStepped, plotData, pointsAround, stepSample } from './plot-model';
import { plotTheme } from '../ui/plot-theme';
const CURSOR_SYNC_KEY = 'medkit-incident';

function faultLine(atSec: number | undefined, color: string): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        if (atSec === undefined) return;
        const x = u.valToPos(atSec, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = color;
        ctx.lineWidth = 2;
        ctx.setLineDash([5, 4]);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.restore();
      },
    },
  };
}

/** The read-out at cursor time `t` (s): each field's value in force and the age of its sample. */
function readout(topic: TopicSeries, keys: string[], t: number): string {
  const parts = keys.map((key) => {
    const f = topic.fields.find((x) => x.key === key)!;
    const i = inForceAt(topic.times, f.values, t);
    if (i === undefined) return `${key} no value yet`;
    const v = f.values[i]!;
    const shown = f.kind === 'state' ? (v ? 'true' : 'false') : String(Number(v.toPrecision(6)));
    return `${key} = ${shown} (${(t - topic.times[i]).toFixed(2)} s old)`;
  });
  return `${clockTime(t)}: ${parts.join('; ')}`;
}

export function TopicPlot({ topic, range, faultSec }: { topic: TopicSeries; range: [number, number]; faultSec?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | undefined>(undefined);
  const [chosen, setChosen] = useState<string[]>(() => defaultFields(topic));
  const [reading, setReading] = useState('');
  const fields = topic.fields.filter((f) => chosen.includes(f.key));
  const around = pointsAround(topic.times, faultSec);

  useEffect(() => {
    const el = box.current;
    if (!el || fields.length === 0) return;
    const { xs, ys } = plotData(topic.times, fields, range[1]);
    const theme = plotTheme();
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth || 560),
      height: 170,
      cursor: { sync: { key: CURSOR_SYNC_KEY, setSeries: false } },
      // One read-out: the one under the plot (values in force at the cursor); the legend only names the series.
      legend: { live: false },
      scales: { x: { time: true, range: () => range } },
      axes: [theme.axis(), theme.axis()],
      series: [
        { label: 'time', value: (_u, v) => (v === null || v === undefined ? '—' : clockTime(v)) },
        ...fields.map((f, i) => {
          const color = theme.series[i % theme.series.length];
          return isStateField(f)
            ? { label: f.key, stroke: color, width: 1.5, fill: `${color}33`, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } }
            : { label: f.key, stroke: color, width: 1.5, spanGaps: true, points: { show: topic.times.length < 60, size: 4 }, ...(isStepped(f.values) ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}) };
        }),
      ],
      hooks: {
        setCursor: [
          (u) => {
            const left = u.cursor.left;
            if (left === undefined || left < 0) return;
            setReading(readout(topic, fields.map((f) => f.key), u.posToVal(left, 'x')));
          },
        ],
      },
      plugins: [faultLine(faultSec, theme.fault)],
    };
    const plot = new uPlot(opts, [xs, ...ys] as uPlot.AlignedData, el);
    plotRef.current = plot;
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 170 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
      plotRef.current = undefined;
    };
  }, [topic, chosen.join('|'), range[0], range[1], faultSec]);

  // Arrow keys: the cursor to this topic's previous or next sample (Home/End: the first, the last).
  const onKey = (e: KeyboardEvent) => {
    const plot = plotRef.current;
    const times = topic.times;
    if (!plot || times.length === 0 || !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const left = plot.cursor.left;
    const now = left !== undefined && left >= 0 ? plot.posToVal(left, 'x') : faultSec ?? times[0];
    const i = stepSample(times, now, e.key as 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End');
    plot.setCursor({ left: plot.valToPos(times[i], 'x'), top: plot.bbox.height / (2 * devicePixelRatio) });
  };

  const toggle = (key: string, on: boolean) => setChosen((c) => (on ? [...c, key] : c.filter((k) => k !== key)));
  return (
    <figure class="chart topic-plot" data-testid="topic-plot" data-topic={topic.topic} data-points={topic.times.length} data-points-before={around.before} data-points-after={around.after} data-last-value={fields[0]?.values.findLast((v) => v !== null)}>
      <figcaption>
        <code>{topic.topic}</code> <span class="muted small">{topic.type} · {topic.count} messages</span>
      </figcaption>
      {topic.error && <p class="note small">{topic.error}</p>}
      {fields.length > 0 ? (
        <>
          <div
            ref={box}
            class="chart-box"
            role="img"
            tabIndex={0}
            onKeyDown={onKey}
            data-state-fields={fields.filter(isStateField).map((f) => f.key).join(',')}
            aria-label={`Plot of ${topic.topic}: ${fields.map((f) => f.key).join(', ')}; ${around.before} samples before the fault, ${around.after} after. Arrow keys move the cursor from sample to sample.`}
          />
          <p class="small readout" role="status" aria-live="polite" data-testid="plot-readout">
            {reading}
          </p>
        </>
      ) : (
        !topic.error && <p class="muted small">{topic.fields.length === 0 ? 'No numeric fields.' : 'No field chosen.'}</p>
      )}
      {topic.fields.length > 0 && (
        <details class="field-picker">
          <summary>Fields ({fields.length} of {topic.fields.length})</summary>
          <fieldset>
            <legend class="sr-only">Fields of {topic.topic} to plot</legend>
            {topic.fields.map((f) => (
              <label key={f.key} class="check">
                <input type="checkbox" checked={chosen.includes(f.key)} onChange={(e) => toggle(f.key, (e.target as HTMLInputElement).checked)} /> {f.key}
                {!f.varies && <span class="muted small"> (constant)</span>}
              </label>
            ))}
          </fieldset>
        </details>
      )}
    </figure>
  );
}
