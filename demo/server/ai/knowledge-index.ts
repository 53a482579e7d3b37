/**
 * The knowledge base's full-text index: MiniSearch (BM25 with fuzzy and prefix matching) over
 * passages, with the article title and the section heading boosted over the body. A search
 * answers passages with a coverage in [0, 1]: the share of the question's terms the passage
 * matched, each term weighted by its rarity (BM25's idf), so a missing rare word ("bikes") costs
 * more than a missing common one ("order"), and a word the articles never use costs the most.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import type { Article, Passage } from './articles.ts';
import { processTerm, questionTerms, terms } from './terms.ts';

export interface PassageHit {
  passage: Passage;
  article: Article;
  /** MiniSearch's BM25 score (unbounded; only for ordering). */
  score: number;
  /** Share (0–1) of the question's terms this passage matched, weighted by how rare each term is. */
  coverage: number;
  /** The question's terms (stemmed) this passage matched. */
  matched: string[];
}

export interface KnowledgeIndex {
  readonly articles: readonly Article[];
  article(id: string): Article | undefined;
  /** How much a (stemmed) term tells apart passages: BM25's idf; highest for terms no passage has. */
  weight(term: string): number;
  /** Passages for a question, best first. */
  search(question: string, options?: { limit?: number }): PassageHit[];
}

interface IndexedPassage {
  id: string;
  title: string;
  heading: string;
  text: string;
}

/** Synonyms added to a question weigh this much against the visitor's own words. */
const SYNONYM_BOOST = 0.7;
/** How much of a word's weight a match through one of its synonyms earns. */
const SYNONYM_CREDIT = 0.85;

export function createKnowledgeIndex(articles: readonly Article[]): KnowledgeIndex {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const passages = new Map<string, { passage: Passage; article: Article }>();
  const docs: IndexedPassage[] = [];
  const documentFrequency = new Map<string, number>();
  for (const article of articles) {
    for (const passage of article.passages) {
      passages.set(passage.id, { passage, article });
      docs.push({ id: passage.id, title: article.title, heading: passage.heading, text: passage.text });
      for (const t of new Set(terms(`${article.title} ${passage.heading} ${passage.text}`))) {
        documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
      }
    }
  }
  const mini = new MiniSearch<IndexedPassage>({
    fields: ['title', 'heading', 'text'],
    processTerm,
    searchOptions: {
      boost: { title: 2, heading: 1.5, text: 1 },
      // Typos: one edit in words of 5+ letters, two in long ones; prefixes for words being typed.
      fuzzy: (term) => (term.length >= 8 ? 0.25 : term.length >= 5 ? 0.2 : false),
      prefix: (term) => term.length >= 4,
      weights: { fuzzy: 0.5, prefix: 0.6 },
      combineWith: 'OR',
    },
  });
  mini.addAll(docs);
  const n = docs.length;
  const weightOf = (term: string) => {
    const df = documentFrequency.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };

  return {
    articles,
    article: (id) => byId.get(id),
    weight: weightOf,
    search(question, options = {}) {
      const parsed = questionTerms(question);
      const own = [...new Set(parsed.map((q) => q.term).filter(Boolean))];
      if (own.length === 0) return [];
      const extra = [...new Set(parsed.flatMap((q) => q.synonyms))].filter((t) => !own.includes(t));
      const extraSet = new Set(extra);
      const results: SearchResult[] = mini.search([...own, ...extra].join(' '), {
        boostTerm: (term) => (extraSet.has(term) ? SYNONYM_BOOST : 1),
      });
      const total = own.reduce((sum, t) => sum + weightOf(t), 0);
      return results.slice(0, options.limit ?? 10).flatMap((result) => {
        const found = passages.get(String(result.id));
        if (!found) return [];
        const hit = new Set(result.queryTerms);
        const matched = own.filter((t) => hit.has(t));
        // A word matched only through one of its synonyms counts for most of its weight.
        let covered = 0;
        for (const q of parsed) {
          if (!q.term) continue;
          if (hit.has(q.term)) covered += weightOf(q.term);
          else if (q.synonyms.some((t) => hit.has(t))) covered += SYNONYM_CREDIT * weightOf(q.term);
        }
        return [{ ...found, score: result.score, coverage: Math.min(1, covered / total), matched }];
      });
    },
  };
}
