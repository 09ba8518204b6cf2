/**
 * The dashboard's browser module: small progressive enhancements. Every page
 * works without it; with it, the transcript opens at its newest message and
 * stays current while the page is open, the conversation list filters as you
 * type, and a form cannot be sent twice by a double click.
 * @module
 */

/** Scrolls each transcript to its newest message. */
function scrollTranscripts(root: ParentNode): void {
  for (const list of root.querySelectorAll<HTMLElement>("[data-testid=transcript]")) {
    list.scrollTop = list.scrollHeight;
  }
}

/** How often an open conversation asks for new messages, ms. */
const TRANSCRIPT_REFRESH_MS = 5_000;

/**
 * Keeps an open transcript current: reads the same page again now and then
 * and swaps in its transcript when it changed (only while the tab is visible).
 */
function refreshTranscript(root: Document): void {
  const list = root.querySelector<HTMLElement>("[data-testid=transcript]");
  if (list === null) return;
  let current = list;
  window.setInterval(async () => {
    if (root.visibilityState !== "visible") return;
    try {
      const response = await fetch(location.pathname, { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      const fresh = new DOMParser()
        .parseFromString(await response.text(), "text/html")
        .querySelector<HTMLElement>("[data-testid=transcript]");
      if (fresh === null || fresh.innerHTML === current.innerHTML) return;
      const atBottom = current.scrollTop + current.clientHeight >= current.scrollHeight - 8;
      const adopted = root.importNode(fresh, true);
      current.replaceWith(adopted);
      current = adopted;
      if (atBottom) current.scrollTop = current.scrollHeight;
    } catch {
      // Offline for a moment: the next round tries again; the page itself still works.
    }
  }, TRANSCRIPT_REFRESH_MS);
}

/** Hides the rows of the conversation table that do not contain what is typed (the server search stays the real one). */
function filterAsYouType(root: ParentNode): void {
  const input = root.querySelector<HTMLInputElement>("[data-testid=search-input]");
  const rows = [...root.querySelectorAll<HTMLTableRowElement>("[data-testid=conversation-row]")];
  if (input === null || rows.length === 0) return;
  input.addEventListener("input", () => {
    const needle = input.value.trim().toLowerCase().replace(/_/g, " ");
    for (const row of rows) {
      const text = (row.textContent ?? "").toLowerCase().replace(/_/g, " ");
      row.hidden = needle !== "" && !text.includes(needle);
    }
  });
}

/** Disables a form's submit buttons once it is sent, so a double click sends once. */
function sendOnce(root: ParentNode): void {
  for (const form of root.querySelectorAll<HTMLFormElement>("form[method=post]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll<HTMLButtonElement>("button[type=submit]")) {
        button.disabled = true;
      }
    });
  }
}

scrollTranscripts(document);
refreshTranscript(document);
filterAsYouType(document);
sendOnce(document);
