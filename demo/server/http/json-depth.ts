/**
 * How deeply a JSON text nests, found by one scan of the text before it is parsed: a 64 KiB
 * body of `[[[[…` nests 65 536 levels, which costs every recursive walker after the parser
 * (schema validation, storage, a client rendering metadata) stack and time for nothing.
 */

/** The deepest nesting a request body may have (`{"a":{"b":1}}` is 2). */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of `text` (objects and arrays; brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return deepest;
}
