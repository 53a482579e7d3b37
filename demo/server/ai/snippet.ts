/** A search result's snippet: the passage's units that best match the query, cut to about 200 characters. */
import type { Passage } from './articles.ts';
import { terms } from './terms.ts';

const SNIPPET_LENGTH = 200;

export function snippetOf(passage: Passage, query: string): string {
  const wanted = new Set(terms(query));
  // Prefix matches count too: the visitor may still be typing the last word.
  const matches = (t: string) => wanted.has(t) || [...wanted].some((w) => w.length >= 3 && t.startsWith(w));
  const scored = passage.units.map((unit, i) => ({ i, score: terms(unit.text).filter(matches).length }));
  const best = scored.reduce((a, b) => (b.score > a.score ? b : a), scored[0] ?? { i: 0, score: 0 });
  let text = '';
  for (const unit of passage.units.slice(best.i)) {
    text = text ? `${text} ${unit.text}` : unit.text;
    if (text.length >= SNIPPET_LENGTH) break;
  }
  if (text.length <= SNIPPET_LENGTH) return text;
  const cut = text.slice(0, SNIPPET_LENGTH);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), SNIPPET_LENGTH - 40)).trimEnd()}…`;
}
