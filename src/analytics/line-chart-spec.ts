/**
 * A Vega-Lite line chart of several named series over one x axis (the
 * simulation report's regret and conversion per week, one line per policy),
 * with a point on every value so a short series still reads.
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { CHART_WIDTH } from "./chart-specs.js";

/** Series with at most this many values get a point on each. */
const MAX_POINTS_MARKED = 20;

/** One line. */
export interface LineSeries {
  readonly name: string;
  /** CSS colour; omitted lines take the default palette. */
  readonly color?: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

/** What to draw. */
export interface LinesChartOptions {
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly series: readonly LineSeries[];
  /** Show y as a percentage (values are shares 0…1). Default false. */
  readonly percent?: boolean;
  /** Whole chart width, px; default {@link CHART_WIDTH}. */
  readonly width?: number;
  /** Plot height, px; default 220. */
  readonly height?: number;
}

/** Builds the specification; each series keeps its colour in the legend. */
export function linesChartSpec(options: LinesChartOptions): TopLevelSpec {
  const { title, xTitle, yTitle, series, percent = false, width = CHART_WIDTH, height = 220 } = options;
  const values = series.flatMap((line) => line.xs.map((x, i) => ({ series: line.name, x, y: line.ys[i] ?? null })));
  const colored = series.every((line) => line.color !== undefined);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width,
    height,
    data: { values },
    // Points mark each value of a short series; on a long one they would hide the line.
    mark: { type: "line", point: values.length <= MAX_POINTS_MARKED * series.length, strokeWidth: 2.5, tooltip: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: xTitle, axis: { tickMinStep: 1, format: "d" } },
      y: {
        field: "y",
        type: "quantitative",
        title: yTitle,
        ...(percent ? { axis: { format: ".1%" } } : {}),
        scale: { zero: true },
      },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        sort: series.map((line) => line.name),
        ...(colored
          ? { scale: { domain: series.map((line) => line.name), range: series.map((line) => line.color as string) } }
          : {}),
      },
    },
  };
}
