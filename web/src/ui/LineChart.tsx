import { useLayoutEffect, useRef, useState } from 'react';

export interface LineSeries {
  id: string;
  label: string;
  /** One value per x, in the order of `xs`. */
  values: number[];
}

/** Line colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by dash pattern too. */
const STYLES = [
  { colour: '#a82f52', dash: undefined },
  { colour: '#1d6442', dash: '7 4' },
  { colour: '#2f4fa8', dash: '2 4' },
  { colour: '#7c4500', dash: '10 4 2 4' },
  { colour: '#5a2a36', dash: '4 2' },
  { colour: '#6b4f58', dash: '1 3' },
] as const;

const HEIGHT = 220;
const MARGIN = { top: 12, right: 16, bottom: 30, left: 72 };

/** A round top for the y-axis: 1, 2, 2.5 or 5 times a power of ten, so the half-way tick is round too. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * A small hand-written SVG line chart. Screen readers get a one-sentence summary (role="img") and
 * the full numbers in a visually hidden table; the SVG is drawn at the measured width, in a box of
 * fixed height, so nothing moves when it appears.
 */
export function LineChart({
  xs,
  series,
  formatX,
  formatY,
  summary,
  tableCaption,
  xHeading,
}: {
  xs: readonly string[];
  series: readonly LineSeries[];
  formatX: (x: string) => string;
  formatY: (y: number) => string;
  summary: string;
  tableCaption: string;
  xHeading: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const top = niceCeiling(Math.max(0, ...series.flatMap((line) => line.values)));
  const plotWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xAt = (index: number) => MARGIN.left + (xs.length <= 1 ? 0 : (index / (xs.length - 1)) * plotWidth);
  const yAt = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const xTicks =
    xs.length <= 2 ? xs.map((_, index) => index) : [0, Math.floor((xs.length - 1) / 2), xs.length - 1];

  return (
    <figure className="line-chart">
      <div ref={box} className="line-chart-plot">
        {width > 0 && (
          <svg width={width} height={HEIGHT} role="img" aria-label={summary}>
            {[0, top / 2, top].map((tick) => (
              <g key={tick}>
                <line
                  className="line-chart-grid"
                  x1={MARGIN.left}
                  x2={width - MARGIN.right}
                  y1={yAt(tick)}
                  y2={yAt(tick)}
                />
                <text
                  className="line-chart-axis"
                  x={MARGIN.left - 8}
                  y={yAt(tick)}
                  textAnchor="end"
                  dominantBaseline="middle"
                >
                  {formatY(tick)}
                </text>
              </g>
            ))}
            {xTicks.map((index) => (
              <text
                key={index}
                className="line-chart-axis"
                x={xAt(index)}
                y={HEIGHT - 8}
                textAnchor={index === 0 ? 'start' : index === xs.length - 1 ? 'end' : 'middle'}
              >
                {formatX(xs[index] ?? '')}
              </text>
            ))}
            {series.map((line, lineIndex) => {
              const style = STYLES[lineIndex % STYLES.length] ?? STYLES[0];
              const points = line.values.map((value, index) => `${xAt(index)},${yAt(value)}`).join(' ');
              return (
                <g key={line.id}>
                  <polyline
                    points={points}
                    fill="none"
                    stroke={style.colour}
                    strokeWidth={2.5}
                    strokeLinejoin="round"
                    strokeLinecap="round"
                    strokeDasharray={style.dash}
                  />
                  {line.values.map((value, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: one marker per x, never reordered.
                    <circle key={index} cx={xAt(index)} cy={yAt(value)} r={3} fill={style.colour} />
                  ))}
                </g>
              );
            })}
          </svg>
        )}
      </div>
      {/* The legend repeats what the summary and table say, so screen readers skip it. */}
      <ul className="line-chart-legend" aria-hidden="true">
        {series.map((line, lineIndex) => {
          const style = STYLES[lineIndex % STYLES.length] ?? STYLES[0];
          return (
            <li key={line.id} className="line-chart-legend-item">
              <svg width="28" height="10" focusable="false" aria-hidden="true">
                <line
                  x1="1"
                  x2="27"
                  y1="5"
                  y2="5"
                  stroke={style.colour}
                  strokeWidth={3}
                  strokeDasharray={style.dash}
                />
              </svg>
              {line.label}
            </li>
          );
        })}
      </ul>
      <table className="visually-hidden">
        <caption>{tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{xHeading}</th>
            {series.map((line) => (
              <th key={line.id} scope="col">
                {line.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {xs.map((x, index) => (
            <tr key={x}>
              <th scope="row">{formatX(x)}</th>
              {series.map((line) => (
                <td key={line.id}>{formatY(line.values[index] ?? 0)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
