// One topic of the recording as a uPlot chart: the chosen numeric fields over time, the fault instant as a
// red line, the cursor shared with every other plot of the page (uPlot sync key) and its values in the legend.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TopicSeries } from './recording-types';
import { clockTime, defaultFields, pointsAround } from './plot-model';

const COLORS = ['#1f5fbf', '#b3261e', '#2e7d32', '#8e24aa', '#e65100', '#00838f'];
const CURSOR_SYNC_KEY = 'medkit-incident';

function faultLine(atSec: number | undefined): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        if (atSec === undefined) return;
        const x = u.valToPos(atSec, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#cf222e';
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

export function TopicPlot({ topic, range, faultSec }: { topic: TopicSeries; range: [number, number]; faultSec?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const [chosen, setChosen] = useState<string[]>(() => defaultFields(topic));
  const fields = topic.fields.filter((f) => chosen.includes(f.key));
  const around = pointsAround(topic.times, faultSec);

  useEffect(() => {
    const el = box.current;
    if (!el || fields.length === 0) return;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth || 560),
      height: 170,
      cursor: { sync: { key: CURSOR_SYNC_KEY, setSeries: false } },
      scales: { x: { time: true, range: () => range } },
      series: [
        { label: 'time', value: (_u, v) => (v === null || v === undefined ? '—' : clockTime(v)) },
        ...fields.map((f, i) => ({ label: f.key, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true, points: { show: topic.times.length < 60, size: 4 } })),
      ],
      plugins: [faultLine(faultSec)],
    };
    const plot = new uPlot(opts, [topic.times, ...fields.map((f) => f.values)] as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 170 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [topic, chosen.join('|'), range[0], range[1], faultSec]);

  const toggle = (key: string, on: boolean) => setChosen((c) => (on ? [...c, key] : c.filter((k) => k !== key)));
  return (
    <figure class="chart topic-plot" data-testid="topic-plot" data-topic={topic.topic} data-points={topic.times.length} data-points-before={around.before} data-points-after={around.after} data-last-value={fields[0]?.values.findLast((v) => v !== null)}>
      <figcaption>
        <code>{topic.topic}</code> <span class="muted small">{topic.type} · {topic.count} messages</span>
      </figcaption>
      {topic.error && <p class="note small">{topic.error}</p>}
      {fields.length > 0 ? (
        <div ref={box} class="chart-box" role="img" aria-label={`Plot of ${topic.topic}: ${fields.map((f) => f.key).join(', ')}; ${around.before} samples before the fault, ${around.after} after`} />
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
