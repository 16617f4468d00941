// A data item's live view: its numeric fields plotted over the last samples (uPlot, values at the cursor in
// the legend), and a sensor_msgs/LaserScan drawn as the scan it is (points around the sensor, hover read-out).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { isObj, num, obj } from '../../model/json';
import { clockTime, dataSpan, isStepped, legendIndex } from '../../incident/plot-model';
import { columns, plottedKeys, type ItemHistory } from './data-history';
import { plotTheme } from '../plot-theme';

export function LivePlot({ history, name }: { history: ItemHistory; name: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const keys = plottedKeys(history);
  const keyList = keys.join('|');
  useEffect(() => {
    const el = box.current;
    if (!el || keys.length === 0) return;
    const theme = plotTheme();
    const cols = columns(history, keys);
    const p = new uPlot(
      {
        width: Math.max(280, el.clientWidth || 560),
        height: 160,
        // The axis spans the samples (uPlot's own guess for one sample spans years).
        scales: { x: { time: true, range: (u) => dataSpan(u.data[0] as number[]) ?? [Date.now() / 1000 - 1, Date.now() / 1000] } },
        axes: [theme.axis(), theme.axis()],
        // The legend is the read-out: the cursor's time, and each field's value in force then (never a later sample's).
        cursor: { dataIdx: (u, si, _closest, x) => legendIndex(u.data, si, x) },
        series: [
          { label: 'time', value: (u, v) => (v == null ? '—' : clockTime(u.cursor.left !== undefined && u.cursor.left >= 0 ? u.posToVal(u.cursor.left, 'x') : v)) },
          ...keys.map((k, i) => ({ label: k, stroke: theme.series[i % theme.series.length], width: 1.5, spanGaps: true, ...(isStepped(cols[i + 1]) ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}) })),
        ],
      },
      cols as uPlot.AlignedData,
      el,
    );
    plot.current = p;
    return () => {
      p.destroy();
      plot.current = undefined;
    };
  }, [keyList]);
  useEffect(() => {
    plot.current?.setData(columns(history, keys) as uPlot.AlignedData);
  }, [history]);
  if (keys.length === 0) return <p class="muted small">No numeric fields to plot.</p>;
  const span = dataSpan(history.samples.map((x) => x.t));
  return <div ref={box} class="chart-box live-plot" data-testid="live-plot" data-fields={keyList} data-span-sec={span ? span[1] - span[0] : undefined} role="img" aria-label={`Plot of ${name}: ${keys.join(', ')} over the last ${history.samples.length} messages`} />;
}

/** True for a LaserScan-shaped value (ranges + angles). */
export function isScan(v: unknown): boolean {
  const o = obj(v);
  return Array.isArray(o.ranges) && num(o.angle_min) !== undefined && num(o.angle_increment) !== undefined;
}

export function ScanView({ value, name }: { value: unknown; name: string }) {
  if (!isObj(value)) return null;
  const ranges = (value.ranges as unknown[]).map((r) => (typeof r === 'number' ? r : NaN));
  const a0 = num(value.angle_min)!;
  const da = num(value.angle_increment)!;
  const max = Math.max(1, ...ranges.filter(Number.isFinite), num(value.range_max) !== undefined && ranges.every((r) => !Number.isFinite(r)) ? num(value.range_max)! : 0);
  const size = 220;
  const c = size / 2;
  const k = (c - 8) / max;
  const finite = ranges.map((r, i) => ({ r, a: a0 + i * da, i })).filter((p) => Number.isFinite(p.r));
  const nearest = finite.reduce<{ r: number; a: number } | undefined>((m, p) => (!m || p.r < m.r ? p : m), undefined);
  return (
    <figure class="scan-view" data-testid="scan-view" data-points={finite.length}>
      <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} role="img" aria-label={`Scan of ${name}: ${finite.length} of ${ranges.length} beams in range${nearest ? `, nearest ${nearest.r.toFixed(2)} m at ${((nearest.a * 180) / Math.PI).toFixed(0)}°` : ''}`}>
        <circle cx={c} cy={c} r={c - 8} fill="none" class="scan-ring" />
        <circle cx={c} cy={c} r={(c - 8) / 2} fill="none" class="scan-ring" />
        <line x1={c} y1={c} x2={c} y2={8} class="scan-ring" />
        {finite.map((p) => (
          // x forward (up), y left, as REP 103 has it.
          <circle key={p.i} cx={c - Math.sin(p.a) * p.r * k} cy={c - Math.cos(p.a) * p.r * k} r="2" class="scan-point">
            <title>{`${((p.a * 180) / Math.PI).toFixed(1)}°: ${p.r.toFixed(3)} m`}</title>
          </circle>
        ))}
        <circle cx={c} cy={c} r="4" class="scan-sensor" />
      </svg>
      <figcaption class="small muted">
        ring = {max.toFixed(1)} m{nearest ? `; nearest ${nearest.r.toFixed(2)} m at ${((nearest.a * 180) / Math.PI).toFixed(0)}°` : ''}; hover a point for its range
      </figcaption>
    </figure>
  );
}
