// The box a graph is drawn in: as tall as the window allows (the stylesheet's .graph-scroll), zoomed to fit its
// width (never so small the names cannot be read: below MIN_FIT the box scrolls instead), with buttons to zoom
// and to see the whole graph, Ctrl+wheel zoom and drag to pan. A wide robot graph is then one picture to read,
// not a corner of one.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/** Smallest scale the graph opens at (12 px names drawn at 9 px). "Whole graph" may go below. */
export const MIN_FIT = 0.75;
const STEP = 1.25;
const MIN_ZOOM = 0.15;
const MAX_ZOOM = 2.5;

/** The scale a graph of `width` opens at in a box `boxWidth` wide. */
export function openingScale(width: number, boxWidth: number): number {
  return Math.min(1, Math.max(MIN_FIT, boxWidth / Math.max(1, width)));
}

/** The scale that shows the whole graph in the box. */
export function wholeScale(size: { width: number; height: number }, box: { width: number; height: number }): number {
  return Math.max(MIN_ZOOM, Math.min(1, box.width / Math.max(1, size.width), box.height / Math.max(1, size.height)));
}

export function GraphViewport({ width, height, label, tools, children }: { width: number; height: number; label: string; tools?: ComponentChildren; children: (scale: number) => ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState<number | undefined>(undefined);
  const drag = useRef<{ x: number; y: number; left: number; top: number } | undefined>(undefined);
  useLayoutEffect(() => {
    if (box.current && scale === undefined) setScale(openingScale(width, box.current.clientWidth - 2));
  }, [width]);
  const s = scale ?? 1;
  const zoomTo = (next: number) => setScale(Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, next)));
  const whole = () => {
    const el = box.current;
    if (el) setScale(wholeScale({ width, height }, { width: el.clientWidth - 2, height: Math.max(200, el.clientHeight - 2) }));
  };
  const onWheel = (e: WheelEvent) => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    zoomTo(s * (e.deltaY < 0 ? STEP : 1 / STEP));
  };
  const onPointerDown = (e: PointerEvent) => {
    // Links keep their clicks; the background pans.
    if (e.button !== 0 || (e.target as Element).closest('a') || !box.current) return;
    drag.current = { x: e.clientX, y: e.clientY, left: box.current.scrollLeft, top: box.current.scrollTop };
    box.current.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d || !box.current) return;
    box.current.scrollLeft = d.left - (e.clientX - d.x);
    box.current.scrollTop = d.top - (e.clientY - d.y);
  };
  const endDrag = () => (drag.current = undefined);
  return (
    <div class="graph-frame">
      <div class="graph-tools" role="toolbar" aria-label={`Zoom of the ${label}`}>
        <button type="button" onClick={whole} data-testid="graph-whole">
          Whole graph
        </button>
        <button type="button" onClick={() => zoomTo(s / STEP)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => zoomTo(s * STEP)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoomTo(1)}>
          Actual size
        </button>
        <span class="muted small" data-testid="graph-zoom" aria-live="polite">
          {Math.round(s * 100)} %
        </span>
        <span class="muted small"> · drag to move, Ctrl+wheel to zoom</span>
        {tools}
      </div>
      <div ref={box} class="graph-scroll" onWheel={onWheel} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={endDrag} onPointerCancel={endDrag}>
        {scale !== undefined && children(s)}
      </div>
    </div>
  );
}
