import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber } from '../format';

export interface Line {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: number[];
}

interface Props {
  title: string;
  unit: string;
  times: number[];
  lines: Line[];
  height?: number;
}

/** The seconds of history a chart shows (the stats feed keeps as many samples). */
const WINDOW_SECONDS = 300;

/** The last non-null value of a line. */
function latest(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    if (values[i] !== null) {
      return values[i];
    }
  }
  return null;
}

/**
 * A live time-series chart (uPlot on a canvas). Screen readers get the chart's title and the latest value of each
 * line as text, since a canvas says nothing to them.
 */
export function Chart({ title, unit, times, lines, height = 160 }: Props) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = lines.map((l) => l.label).join('|');

  useEffect(() => {
    const el = holder.current;
    if (!el || typeof ResizeObserver === 'undefined') {
      return undefined;
    }
    const options: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      // A fixed five-minute window ending at the newest sample, so a young history fills in from the right.
      scales: { x: { time: true, range: (_u, _min, max) => [max - WINDOW_SECONDS, max] } },
      axes: [{}, { size: 56, values: (_u, ticks) => ticks.map((t) => formatNumber(t, 2)) }],
      series: [{}, ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 2, dash: l.dash, spanGaps: false }))],
    };
    const chart = new uPlot(options, [times, ...lines.map((l) => l.values)] as uPlot.AlignedData, el);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 200), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of lines changes; new data goes through setData below.
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData([times, ...lines.map((l) => l.values)] as uPlot.AlignedData);
  });

  const summary = lines.map((l) => `${l.label} ${formatNumber(latest(l.values), 2)}`).join(', ');
  return (
    <figure class="chart">
      <figcaption>
        {title} <span class="unit">({unit})</span>
      </figcaption>
      <div ref={holder} class="chart-canvas" aria-hidden="true" />
      <p class="chart-latest">Latest: {summary || 'no data yet'}</p>
    </figure>
  );
}
