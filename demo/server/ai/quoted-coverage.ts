/**
 * How well the text an answer actually quotes covers the question (extensions.md §14: the
 * embedded engine's confidence). Retrieval scores a whole passage, title and heading included,
 * so "what is your phone number" found the 2FA passage about phones with high coverage; what the
 * visitor reads is only the quoted units. This is the weighted share of the question's words
 * (rarer words weigh more) that the quoted units, with their section heading and article title,
 * contain; a word found only through a synonym counts half, and a question word that only brings
 * synonyms ("how much" → price, cost) must find one of them, or the answer misses what was asked.
 */
import type { KnowledgeIndex } from './knowledge-index.ts';
import { questionTerms, terms } from './terms.ts';

/** A synonym-only match earns this share of the word's weight. */
const SYNONYM_SHARE = 0.5;

/** 0–1: the share of the question's weight that `quoted` contains. */
export function quotedCoverage(index: KnowledgeIndex, question: string, quoted: string): number {
  const present = new Set(terms(quoted));
  const has = (t: string) => present.has(t) || [...present].some((p) => near(p, t));
  let total = 0;
  let covered = 0;
  for (const q of questionTerms(question)) {
    if (q.term) {
      const w = index.weight(q.term);
      total += w;
      if (has(q.term)) covered += w;
      else if (q.synonyms.some(has)) covered += SYNONYM_SHARE * w;
    } else if (q.synonyms.length > 0) {
      // "how much", "when", "where": the kind of answer asked for.
      const w = SYNONYM_SHARE * Math.max(...q.synonyms.map((s) => index.weight(s)));
      total += w;
      if (q.synonyms.some(has)) covered += w;
    }
  }
  return total === 0 ? 0 : covered / total;
}

/** The same word typed differently: a prefix of 4+ letters, or one edit in a word of 5+ letters. */
function near(a: string, b: string): boolean {
  if (a.length >= 4 && b.length >= 4 && (a.startsWith(b) || b.startsWith(a))) return true;
  if (Math.min(a.length, b.length) < 5 || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i) || a.slice(i) === b.slice(i + 1);
}
