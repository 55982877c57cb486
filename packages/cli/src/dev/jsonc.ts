/**
 * Parses JSON with comments and trailing commas (what wrangler.jsonc allows). Comments are
 * blanked rather than removed, so JSON.parse's positions still point into `text`; `//` and
 * `/*` inside strings (a "$schema" URL, a "**\/*.sql" glob) are left alone.
 */
export function parseJsonc(text: string): unknown {
  return JSON.parse(stripJsonc(text));
}

/** `text` with comments and trailing commas replaced by spaces (line breaks kept). */
export function stripJsonc(text: string): string {
  const out = text.split("");
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== "\n" && out[i] !== "\r") out[i] = " ";
  };
  let i = 0;
  // The index of the last comma outside strings, until something other than blanks follows it.
  let pendingComma = -1;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') {
      pendingComma = -1;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      i++;
      continue;
    }
    if (char === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (char === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end === -1) throw new SyntaxError(`unterminated /* comment at position ${i}`);
      blank(i, end + 2);
      i = end + 2;
      continue;
    }
    if (char === ",") pendingComma = i;
    else if ((char === "}" || char === "]") && pendingComma !== -1) out[pendingComma] = " ";
    if (!/\s/.test(char) && char !== ",") pendingComma = -1;
    i++;
  }
  return out.join("");
}
