import { barLayout, labelledIndexes, niceCeiling } from './chartScale.ts';

export interface BarDatum {
  /** Unique and stable, such as an ISO week. */
  key: string;
  /** Read out in the table of values ("Week 47"). */
  label: string;
  /** Printed under the bar when there is room ("W47"). */
  shortLabel: string;
  value: number;
  /** The value as people read it ("40,00 kr."). */
  valueText: string;
}

const WIDTH = 600;
const HEIGHT = 160;

/**
 * A small bar chart drawn as plain SVG. The picture is one image with `summary` as its name; the
 * values themselves are in a visually hidden table, so screen-reader users get every number.
 */
export function BarChart({
  title,
  summary,
  data,
  labelHeading,
  valueHeading,
  formatValue,
  maxLabels = 7,
}: {
  title: string;
  summary: string;
  data: readonly BarDatum[];
  labelHeading: string;
  valueHeading: string;
  /** Formats the top of the value axis, in the same unit as `value`. */
  formatValue: (value: number) => string;
  maxLabels?: number;
}) {
  const top = niceCeiling(Math.max(0, ...data.map((datum) => datum.value)));
  const bars = barLayout(
    data.map((datum) => datum.value),
    { width: WIDTH, height: HEIGHT, top, minHeight: 2 },
  );
  const labelled = new Set(labelledIndexes(data.length, maxLabels));
  return (
    <figure className="bar-chart">
      <figcaption className="bar-chart-title">{title}</figcaption>
      <div className="bar-chart-plot">
        <span className="bar-chart-top" aria-hidden="true">
          {formatValue(top)}
        </span>
        <svg
          className="bar-chart-svg"
          role="img"
          aria-label={summary}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          focusable="false"
        >
          <line className="bar-chart-grid" x1="0" y1="0.5" x2={WIDTH} y2="0.5" />
          <line className="bar-chart-grid" x1="0" y1={HEIGHT / 2} x2={WIDTH} y2={HEIGHT / 2} />
          {bars.map((bar, index) => (
            <rect
              key={data[index]?.key ?? index}
              className="bar-chart-bar"
              x={bar.x}
              y={bar.y}
              width={bar.width}
              height={bar.height}
              rx="2"
            />
          ))}
          <line className="bar-chart-axis" x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} />
        </svg>
      </div>
      <div className="bar-chart-labels" aria-hidden="true">
        {data.map((datum, index) => (
          <span key={datum.key}>{labelled.has(index) ? datum.shortLabel : ''}</span>
        ))}
      </div>
      {/* A table is never narrower than its content, so the hiding box wraps it. */}
      <div className="visually-hidden">
        <table className="visually-hidden">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{labelHeading}</th>
              <th scope="col">{valueHeading}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((datum) => (
              <tr key={datum.key}>
                <th scope="row">{datum.label}</th>
                <td>{datum.valueText}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
