/**
 * The dashboard's browser module: small progressive enhancements. Every page
 * works without it; with it, the transcript opens at its newest message, the
 * conversation list filters as you type, and a form cannot be sent twice by
 * a double click.
 * @module
 */

/** Scrolls each transcript to its newest message. */
function scrollTranscripts(root: ParentNode): void {
  for (const list of root.querySelectorAll<HTMLElement>("[data-testid=transcript]")) {
    list.scrollTop = list.scrollHeight;
  }
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
filterAsYouType(document);
sendOnce(document);
