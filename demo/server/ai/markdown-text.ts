/**
 * Markdown to plain-text units for the knowledge base: paragraphs split into sentences, list
 * items and table rows kept whole (a table row reads "first cell: other cells"). Answers are made
 * of these units word for word, so the engine can only say what an article says.
 */

export interface TextUnit {
  text: string;
  /** A numbered step (`1. …`): answers keep a procedure's steps together and in order. */
  step?: number;
  /** A bullet item. */
  bullet?: boolean;
  /** A table row ("first cell: other cells."). */
  row?: boolean;
}

/** Inline markdown removed: bold/italic markers, code ticks, link targets. */
export function plainInline(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|\W)[*_](\S.*?)[*_](?=\W|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits prose into sentences (keeps "e.g." and prices such as "£3.95" intact). */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const re = /[.!?](?=\s+[A-Z0-9£"(])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(Math.max(0, m.index - 4), m.index + 1);
    if (/\b(e\.g|i\.e|etc|no|approx)\.$/i.test(before)) continue;
    out.push(text.slice(start, m.index + 1).trim());
    start = m.index + 1;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out.filter(Boolean);
}

/** The units of a block of markdown (one section). */
export function markdownUnits(markdown: string): TextUnit[] {
  const units: TextUnit[] = [];
  let paragraph: string[] = [];
  let header: string[] | undefined;
  const flush = () => {
    if (paragraph.length > 0) for (const s of sentences(plainInline(paragraph.join(' ')))) units.push({ text: s });
    paragraph = [];
  };
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      flush();
      header = undefined;
      continue;
    }
    if (line.startsWith('|')) {
      flush();
      const cells = line.slice(1, line.endsWith('|') ? -1 : undefined).split('|').map((c) => plainInline(c));
      if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
      if (!header) {
        header = cells;
        continue;
      }
      const [first, ...rest] = cells;
      units.push({ text: `${first}: ${rest.join(', ')}.`, row: true });
      continue;
    }
    // An indented line under a list item (a nested list or a wrapped line) joins that item.
    const last = units.at(-1);
    if (/^\s{2,}/.test(raw) && last && (last.step !== undefined || last.bullet)) {
      const inner = /^[-*]\s+(.*)$/.exec(line);
      last.text = `${last.text} ${plainInline(inner ? (inner[1] ?? '') : line)}`;
      continue;
    }
    const numbered = /^(\d+)\.\s+(.*)$/.exec(line);
    if (numbered) {
      flush();
      units.push({ text: plainInline(numbered[2] ?? ''), step: Number(numbered[1]) });
      continue;
    }
    const bullet = /^[-*]\s+(.*)$/.exec(line);
    if (bullet) {
      flush();
      units.push({ text: plainInline(bullet[1] ?? ''), bullet: true });
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return units.filter((u) => u.text.length > 0);
}
