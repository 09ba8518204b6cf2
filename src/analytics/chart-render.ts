/**
 * Renders a Vega-Lite specification to SVG on the server (vega's headless
 * renderer: no canvas, no browser, no CDN). The SVG scales down to its
 * container (`max-width: 100%`) and keeps its aspect ratio, so a chart sized
 * for a phone reads the same at 1,280 px.
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { escapeHtml } from "./html-escape.js";

/** Fonts and colours every chart shares (readable at 390 px: 12 px labels, 13 px titles). */
export const CHART_CONFIG = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  background: "white",
  /** The given width is the whole chart's: the plot shrinks to make room for labels and legend. */
  autosize: { type: "fit-x" as const, contains: "padding" as const },
  axis: {
    labelFontSize: 12,
    titleFontSize: 12,
    labelColor: "#333",
    titleColor: "#333",
    gridColor: "#e6e6e6",
    // vega measures text without a canvas by estimate, on the generous side: room for stage names.
    labelLimit: 180,
  },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: "bottom" as const, labelLimit: 200 },
  title: { fontSize: 14, anchor: "start" as const, color: "#222", limit: 330 },
  view: { stroke: null },
};

/**
 * Compiles and renders `spec` to an SVG string with `role="img"` and the
 * given accessible label.
 * @throws Error when the specification does not compile.
 */
export async function renderChartSvg(spec: TopLevelSpec, label = chartTitle(spec)): Promise<string> {
  const compiled = compile({ ...spec, config: { ...CHART_CONFIG, ...spec.config } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg.replace(
      /^<svg /,
      `<svg role="img" aria-label="${escapeHtml(label)}" style="max-width:100%;height:auto" preserveAspectRatio="xMinYMin meet" `,
    );
  } finally {
    view.finalize();
  }
}

/**
 * A chart as an HTML `<figure>`: the specification's title becomes the caption,
 * in the page's own type (inside the SVG vega would cut it by its estimate of
 * text width), and the accessible label of the SVG.
 */
export async function renderChartFigure(spec: TopLevelSpec): Promise<string> {
  const { title: _title, ...chart } = spec as TopLevelSpec & { title?: unknown };
  const caption = chartTitle(spec);
  return `<figure><figcaption>${escapeHtml(caption)}</figcaption>${await renderChartSvg(chart as TopLevelSpec, caption)}</figure>`;
}

function chartTitle(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === "string") return title;
  if (typeof title === "object" && title !== null && typeof (title as { text?: unknown }).text === "string") {
    return (title as { text: string }).text;
  }
  return "chart";
}
