/**
 * Escaping text for HTML content and attribute values, shared by the report
 * pages (the weekly report, the simulation report) and the chart figures.
 * @module
 */

/** Escapes `&`, `<`, `>`, `"` and `'`. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
