/**
 * A small line chart as inline SVG (no scripts, no external files), for the
 * simulation report.
 * @module
 */

/** One line of a chart. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

/** What to draw. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Pixels; default 720 × 360. */
  readonly width?: number;
  readonly height?: number;
  /** Formats y tick labels; default up to 3 significant digits. */
  readonly formatY?: (value: number) => string;
}

const MARGIN = { top: 36, right: 150, bottom: 48, left: 70 };
const TICKS = 5;

/** Renders a line chart with axes, ticks and a legend; every text is HTML-escaped. */
export function lineChart(options: LineChartOptions): string {
  const { title, xLabel, yLabel, series, width = 720, height = 360, formatY = formatNumber } = options;
  const xs = series.flatMap((line) => line.xs);
  const ys = series.flatMap((line) => line.ys);
  const xMax = Math.max(1, ...xs);
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(...ys, 0) || 1);
  const yMin = yTicks[0]!;
  const yMax = yTicks[yTicks.length - 1]!;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number) => MARGIN.left + (x / xMax) * plotW;
  const py = (y: number) => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin || 1)) * plotH;
  const xTicks = niceTicks(0, xMax).filter((x) => x <= xMax);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">`,
    `<text x="${MARGIN.left}" y="20" font-weight="bold">${escapeHtml(title)}</text>`,
    ...yTicks.map(
      (y) =>
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${py(y)}" y2="${py(y)}" stroke="#e3e3e3"/>` +
        `<text x="${MARGIN.left - 6}" y="${py(y) + 4}" text-anchor="end" font-size="11">${escapeHtml(formatY(y))}</text>`,
    ),
    ...xTicks.map(
      (x) =>
        `<line x1="${px(x)}" x2="${px(x)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#666"/>` +
        `<text x="${px(x)}" y="${MARGIN.top + plotH + 17}" text-anchor="middle" font-size="11">${formatNumber(x)}</text>`,
    ),
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#666"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${escapeHtml(xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(yLabel)}</text>`,
  ];
  series.forEach(function drawSeries(line, i) {
    const points = line.xs.map((x, j) => `${px(x).toFixed(1)},${py(line.ys[j] ?? 0).toFixed(1)}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="2" points="${points}"/>`);
    const ly = MARGIN.top + 10 + i * 20;
    parts.push(
      `<line x1="${width - MARGIN.right + 12}" x2="${width - MARGIN.right + 32}" y1="${ly}" y2="${ly}" stroke="${line.color}" stroke-width="3"/>`,
      `<text x="${width - MARGIN.right + 38}" y="${ly + 4}" font-size="12">${escapeHtml(line.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** About TICKS round tick values covering [low, high]. */
function niceTicks(low: number, high: number): number[] {
  const span = high - low || 1;
  const raw = span / TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const first = Math.floor(low / step) * step;
  const ticks: number[] = [];
  for (let t = first; t < high + step; t += step) {
    ticks.push(Number(t.toPrecision(12)));
    if (t >= high) break;
  }
  return ticks;
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 1000 ? value.toLocaleString("en-US") : String(Number(value.toPrecision(3)));
}
