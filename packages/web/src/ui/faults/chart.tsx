// One freeze-frame chart (uPlot): the signal's samples, thresholds as dashed stepped lines, and a
// table of the same numbers for screen readers and for copying.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartData, type ChartSpec } from '../../model/freeze-frame';
import { plotTheme } from '../plot-theme';
import { isStepped, legendIndex } from '../../incident/plot-model';

export function FreezeFrameChart({ chart }: { chart: ChartSpec }) {
  const box = useRef<HTMLDivElement>(null);
  const { xs, ys } = chartData(chart);
  const span = xs[xs.length - 1] - xs[0];
  // One instant (a frame captured without history): points on a fixed one-second axis.
  const single = xs.length === 1;
  // Pick a readable time unit for the x axis: the windows are often well under a second.
  const [scale, unit] = single ? [1, 's'] : span < 1e-3 ? [1e6, 'µs'] : span < 1 ? [1e3, 'ms'] : [1, 's'];
  // The detail is re-read on a timer and on every fault event, each time as new objects: rebuild the plot
  // only when what it draws changed, not on every render (a rebuild drops the canvas and legend for a frame).
  const content = JSON.stringify(chart);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(280, el.clientWidth || 480);
    const theme = plotTheme();
    const opts: uPlot.Options = {
      width,
      height: 200,
      scales: { x: single ? { time: false, range: [-0.5, 0.5] } : { time: false } },
      axes: [{ ...theme.axis(), label: `time (${unit}) from first sample` }, theme.axis()],
      // The legend gives each signal's value in force at the cursor (the last sample at or before it).
      cursor: { dataIdx: (u, si, _closest, x) => legendIndex(u.data, si, x) },
      series: [
        { label: unit },
        ...chart.series.map((s, i) => {
          const threshold = chart.thresholds.includes(s.name);
          return {
            label: s.name,
            stroke: theme.series[i % theme.series.length],
            width: threshold ? 1.5 : 2,
            dash: threshold ? [6, 4] : undefined,
            spanGaps: true,
            points: { show: single || !threshold, size: 6 },
            // Thresholds, booleans, enums and counts hold their value until the next sample.
            paths: threshold || isStepped(ys[i]) ? uPlot.paths.stepped!({ align: 1 }) : undefined,
          } as uPlot.Series;
        }),
      ],
    };
    const plot = new uPlot(opts, [xs.map((x) => x * scale), ...ys] as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 200 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [content]);

  return (
    <figure class="chart" data-testid="freeze-chart" data-signal={chart.series[0]?.name}>
      <figcaption>{chart.title}</figcaption>
      <div ref={box} class="chart-box" role="img" aria-label={`Chart of ${chart.title}`} />
      <details>
        <summary>Values</summary>
        <table class="grid small">
          <thead>
            <tr>
              <th scope="col">t ({unit})</th>
              {chart.series.map((s) => (
                <th key={s.name} scope="col">
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {xs.map((x, i) => (
              <tr key={i}>
                <td>{(x * scale).toFixed(3)}</td>
                {ys.map((col, j) => (
                  <td key={j}>{col[i] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
