/**
 * Template syntax errors in words an operator can act on, pointing an unclosed
 * block at its opening tag rather than at the end of the template.
 * @module
 */

/** A problem inside a template; line and column are 1-based and relative to the template text. */
export interface TemplateIssue {
  line: number;
  column: number;
  message: string;
}

/** Turns a Handlebars parse error into issues, pointing an unclosed block at its opening tag. */
export function syntaxIssues(source: string, error: unknown): TemplateIssue[] {
  const message = error instanceof Error ? error.message : String(error);
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
  if (mismatch) {
    const at = error as { lineNumber?: number; column?: number };
    return [
      {
        line: at.lineNumber ?? 1,
        column: (at.column ?? 0) + 1,
        message: `{{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}`,
      },
    ];
  }
  const unclosed = /got 'EOF'/.test(message) ? unclosedBlocks(source) : [];
  if (unclosed.length > 0) {
    return unclosed.map((open) => ({
      line: open.line,
      column: open.column,
      message: `unclosed block helper {{#${open.name}}}: add {{/${open.name}}}`,
    }));
  }
  const parse = /^Parse error on line (\d+):[\s\S]*\n(Expecting [^\n]*)$/.exec(message);
  return [
    {
      line: parse ? Number(parse[1]) : 1,
      column: 1,
      message: `template syntax error: ${parse ? parse[2] : (message.split("\n")[0] ?? message)}`,
    },
  ];
}

/**
 * The block openers (`{{#x}}`, `{{^x}}`) that no `{{/x}}` closes, by a plain scan of the text.
 * Which opener is "the" unclosed one is a guess: tags that share a line pair first, then tags
 * alone on their lines pair with each other, then whatever is left, innermost first.
 */
function unclosedBlocks(source: string): { name: string; line: number; column: number }[] {
  const tags = blockTags(source);
  const open: BlockTag[] = [];
  const pair = (accept: (opener: BlockTag, closer: BlockTag) => boolean): void => {
    const pending: BlockTag[] = [];
    for (const tag of tags.filter((candidate) => !candidate.matched)) {
      if (tag.kind === "open") pending.push(tag);
      else {
        const index = pending.findLastIndex((opener) => opener.name === tag.name && accept(opener, tag));
        const opener = pending[index];
        if (opener && accept(opener, tag)) {
          opener.matched = true;
          tag.matched = true;
          pending.splice(index, 1);
        }
      }
    }
  };
  pair((opener, closer) => !opener.alone && !closer.alone && opener.line === closer.line);
  pair((opener, closer) => opener.alone && closer.alone);
  pair(() => true);
  for (const tag of tags) if (tag.kind === "open" && !tag.matched) open.push(tag);
  return open.map(({ name, line, column }) => ({ name, line, column }));
}

interface BlockTag {
  kind: "open" | "close";
  name: string;
  line: number;
  column: number;
  /** The tag is alone on its line. */
  alone: boolean;
  matched: boolean;
}

function blockTags(source: string): BlockTag[] {
  const lines = source.split("\n");
  const tags: BlockTag[] = [];
  const tag = /\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}|\{\{~?\s*([#^/])\s*[*>]?\s*([^\s}~()]+)[^}]*\}\}/g;
  for (const match of source.matchAll(tag)) {
    const [text, kind, name] = match;
    if (!kind || !name || source[match.index - 1] === "\\") continue;
    const before = source.slice(0, match.index);
    const line = before.split("\n").length;
    const column = match.index - before.lastIndexOf("\n");
    const alone = (lines[line - 1] ?? "").trim() === text.trim();
    tags.push({ kind: kind === "/" ? "close" : "open", name, line, column, alone, matched: false });
  }
  return tags;
}
