/**
 * A tiny element builder for the browser modules: every value reaches the
 * DOM as text or an attribute, never as HTML.
 * @module
 */

/** Attributes of {@link h}: `text` sets textContent, `className` the class, `testid` data-testid; false/null/undefined are left out. */
export type Props = Record<string, string | number | boolean | null | undefined>;

/** Builds an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "className") node.className = String(value);
    else if (key === "testid") node.dataset["testid"] = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}

/** The element with this id, or an error naming it (the page's markup and this code belong together). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`missing #${id}`);
  return node as T;
}
