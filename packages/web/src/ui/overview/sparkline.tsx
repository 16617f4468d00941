// A small SVG line of recent values; the newest value is printed beside it and every sample is a hover read-out.
export function Sparkline({ values, label, format, width = 90, height = 20 }: { values: number[]; label: string; format: (v: number) => string; width?: number; height?: number }) {
  if (values.length === 0) return <span class="muted small">—</span>;
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const y = (v: number) => height - 2 - ((v - min) / span) * (height - 4);
  const d = values.map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = values[values.length - 1];
  return (
    <span class="spark">
      <svg class="sparkline" width={width} height={height} role="img" aria-label={`${label}: now ${format(last)}, range ${format(min)} to ${format(max)}`}>
        <path d={d} fill="none" stroke="#1f5fbf" stroke-width="1.5" />
        {values.map((v, i) => (
          <circle key={i} cx={i * step} cy={y(v)} r="3" fill="transparent">
            <title>{format(v)}</title>
          </circle>
        ))}
      </svg>{' '}
      <span class="small">{format(last)}</span>
    </span>
  );
}
