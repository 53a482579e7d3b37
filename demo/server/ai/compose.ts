/**
 * The embedded engine's answer: extractive. It quotes the most relevant units (sentences, list
 * items, table rows) of the best passages word for word and adds only fixed phrases of its own,
 * so it cannot state a fact the articles do not. Below the confidence threshold, or when the
 * visitor asks for a person, it says so and recommends a handoff.
 */
import type { AiAnswer, AiQuestion, Citation, HistoryTurn } from './answer-types.ts';
import { asksForHuman } from './intent.ts';
import type { KnowledgeIndex, PassageHit } from './knowledge-index.ts';
import type { TextUnit } from './markdown-text.ts';
import { quotedCoverage } from './quoted-coverage.ts';
import { questionTerms, terms } from './terms.ts';

/** Below this coverage the engine does not answer and recommends a person. */
export const CONFIDENCE_THRESHOLD = 0.6;
/** Below this share of the question's weight in the quoted text the engine hands off instead. */
const QUOTED_THRESHOLD = 0.5;
/** A second article within this share of the best one's score is a near tie. */
const NEAR_TIE = 0.9;
/** Other passages of the best article are quoted from when they score at least this share of the best one. */
const OTHER_PASSAGE_SHARE = 0.5;
/** A unit's score is discounted by the rank of its passage (best passage first). */
const RANK_DISCOUNT = [1, 0.85, 0.7] as const;
/** Longest extract, in words (a procedure's steps are kept whole up to twice this). */
const MAX_WORDS = 80;

export const FIXED_REPLIES = {
  handoff: "Of course. I'm passing this conversation to a person from our team; they can see what we have talked about and will reply here.",
  notFound: "I couldn't find an answer to that in our help centre, so I'm passing your question to a person from our team. They will reply here.",
  noQuestion: 'Hi! I can answer questions about orders, delivery, returns, payments and your account. What would you like to know?',
  engineFailed: "I'm sorry, I can't answer right now, so I'm passing your question to a person from our team. They will reply here.",
  cutOff: "Sorry, I was cut off there, so I'm passing your question to a person from our team. They will reply here.",
} as const;

export function composeAnswer(index: KnowledgeIndex, input: AiQuestion): AiAnswer {
  const base = { engine: 'embedded', citations: [] as Citation[] };
  if (asksForHuman(input.question)) {
    return { ...base, text: FIXED_REPLIES.handoff, confidence: 1, handoffRecommended: true, handoffReason: 'visitor_asked' };
  }
  let asked = input.question;
  let hits = index.search(asked, { limit: 8 });
  const followUp = lastVisitorQuestion(input.history);
  // A short follow-up ("and to France?") is read together with the question before it.
  if (followUp && (hits.length === 0 || (hits[0]?.coverage ?? 0) < CONFIDENCE_THRESHOLD) && terms(input.question).length <= 4) {
    const combined = index.search(`${input.question} ${followUp}`, { limit: 8 });
    if ((combined[0]?.coverage ?? 0) > (hits[0]?.coverage ?? 0)) {
      hits = combined;
      asked = `${input.question} ${followUp}`;
    }
  }
  if (terms(input.question).length === 0 && hits.length === 0) {
    return { ...base, text: FIXED_REPLIES.noQuestion, confidence: 0, handoffRecommended: false };
  }
  const best = hits[0];
  if (!best || best.coverage < CONFIDENCE_THRESHOLD) return notFoundAnswer(best?.coverage ?? 0);
  // The answer quotes the best article only: its best passages, strongest first.
  const passages = hits.filter((h) => h.article.id === best.article.id && h.score >= best.score * OTHER_PASSAGE_SHARE).slice(0, 3);
  const { text, from } = extract(passages, termWeights(index, asked));
  // Confidence is what the visitor would read, not what retrieval matched: the quoted units
  // (with their headings and the title) must cover the question's words.
  const quoted = `${best.article.title} ${from.map((h) => h.passage.heading).join(' ')} ${text}`;
  const confidence = Math.min(best.coverage, quotedCoverage(index, asked, quoted));
  if (confidence < QUOTED_THRESHOLD || nearTie(hits, best)) return notFoundAnswer(confidence);
  return { ...base, text, citations: citationsOf(from), confidence: round(confidence), handoffRecommended: false };
}

/**
 * Another article scores nearly as well as the best while matching at least as much of the
 * question: the engine cannot tell which one answers, and a wrong article is worse than a person.
 */
function nearTie(hits: readonly PassageHit[], best: PassageHit): boolean {
  const rival = hits.find((h) => h.article.id !== best.article.id);
  return rival !== undefined && rival.score >= best.score * NEAR_TIE && rival.coverage >= best.coverage;
}

/** "I couldn't find an answer", recommending a person. */
export function notFoundAnswer(confidence: number, engine = 'embedded'): AiAnswer {
  return { text: FIXED_REPLIES.notFound, citations: [], confidence: round(confidence), handoffRecommended: true, handoffReason: 'low_confidence', engine };
}

/** The visitor's previous message, if any (for follow-up questions). */
function lastVisitorQuestion(history: readonly HistoryTurn[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i];
    if (turn?.role === 'visitor') return turn.text.slice(0, 500);
  }
  return undefined;
}

/** Question terms → weight for picking sentences: rarity, halved for synonyms the visitor did not type. */
function termWeights(index: KnowledgeIndex, question: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const q of questionTerms(question)) {
    for (const s of q.synonyms) if (!weights.has(s)) weights.set(s, 0.5 * index.weight(s));
    if (q.term) weights.set(q.term, index.weight(q.term));
  }
  return weights;
}

interface ScoredUnit {
  unit: TextUnit;
  /** Which passage (index into the candidates) and where in it. */
  p: number;
  i: number;
  score: number;
}

/**
 * The units that answer the question, from the candidate passages of one article: the single
 * best unit decides the shape. A step brings its whole procedure, a table row the whole table
 * when no row stands out; otherwise up to three strong units, kept in the article's order.
 */
function extract(hits: PassageHit[], weights: Map<string, number>): { text: string; from: PassageHit[] } {
  const scored: ScoredUnit[] = hits.flatMap((hit, p) =>
    hit.passage.units.map((unit, i) => ({ unit, p, i, score: unitScore(unit, weights) * (RANK_DISCOUNT[p] ?? 0.5) })),
  );
  const ranked = [...scored].sort((a, b) => b.score - a.score || a.p - b.p || a.i - b.i);
  const top = ranked[0];
  const first = hits[0];
  if (!first) return { text: '', from: [] };
  if (!top || top.score === 0) {
    const units = first.passage.units;
    // Nothing quotable on its own (the heading matched): a table is shown whole, else the opening.
    return { text: render(units.every((u) => u.row) ? units : units.slice(0, 2)), from: [first] };
  }
  // The best passage is a table whose heading is what was asked ("opening hours"): show the table.
  const table = first.passage.units.filter((u) => u.row);
  if (table.length >= 2 && new Set(table.map((u) => unitScore(u, weights))).size === 1) {
    const heading = unitScore({ text: first.passage.heading }, weights);
    if (heading > 0 && heading >= unitScore(table[0] as TextUnit, weights) && heading >= top.score) {
      return { text: render(limitWords(table, MAX_WORDS * 2)), from: [first] };
    }
  }
  const hit = hits[top.p] as PassageHit;
  const units = hit.passage.units;

  if (top.unit.step !== undefined) {
    // A procedure is quoted whole: half of its steps would be a wrong answer.
    const steps = runAround(units, top.i, (u) => u.step !== undefined);
    const start = units.indexOf(steps[0] as TextUnit);
    const lead = units[start - 1];
    const intro = lead && lead.step === undefined && !lead.bullet && !lead.row && wordCount(lead.text) < 30 ? [lead] : [];
    return { text: render(limitWords([...intro, ...steps], MAX_WORDS * 2)), from: [hit] };
  }
  if (top.unit.row) {
    const rows = runAround(units, top.i, (u) => u.row === true);
    const rowScores = rows.map((r) => unitScore(r, weights));
    if (rowScores.every((s) => s === rowScores[0])) return { text: render(limitWords(rows, MAX_WORDS * 2)), from: [hit] };
  }

  const picked: ScoredUnit[] = [top];
  let words = wordCount(top.unit.text);
  for (const candidate of ranked.slice(1)) {
    if (picked.length >= 3 || candidate.score < top.score * 0.5) break;
    // One step out of its procedure means nothing on its own.
    if (candidate.unit.step !== undefined) continue;
    const n = wordCount(candidate.unit.text);
    if (words + n > MAX_WORDS) continue;
    picked.push(candidate);
    words += n;
  }
  // A lone list item reads better with the sentence that introduces its list.
  for (const item of [...picked]) {
    if (!item.unit.bullet) continue;
    const listUnits = (hits[item.p] as PassageHit).passage.units;
    let j = item.i - 1;
    while (j >= 0 && listUnits[j]?.bullet) j--;
    const intro = listUnits[j];
    if (j >= 0 && intro && !intro.row && intro.step === undefined && !picked.some((u) => u.p === item.p && u.i === j) && words + wordCount(intro.text) <= MAX_WORDS) {
      picked.push({ unit: intro, p: item.p, i: j, score: 0 });
      words += wordCount(intro.text);
    }
  }
  // Grouped by passage (the one with the strongest unit first), in the article's order inside each.
  const groups = [...new Set(picked.map((u) => u.p))];
  const text = groups
    .map((p) => render(picked.filter((u) => u.p === p).sort((a, b) => a.i - b.i).map((u) => u.unit)))
    .join('\n\n');
  return { text, from: groups.map((p) => hits[p] as PassageHit) };
}

function unitScore(unit: TextUnit, weights: Map<string, number>): number {
  let score = 0;
  for (const t of new Set(terms(unit.text))) score += weights.get(t) ?? 0;
  return score;
}

/** The contiguous run of units around `i` that satisfy `keep`. */
function runAround(units: TextUnit[], i: number, keep: (u: TextUnit) => boolean): TextUnit[] {
  let start = i;
  let end = i;
  while (start > 0 && keep(units[start - 1] as TextUnit)) start--;
  while (end < units.length - 1 && keep(units[end + 1] as TextUnit)) end++;
  return units.slice(start, end + 1);
}

function limitWords(units: TextUnit[], max: number): TextUnit[] {
  const out: TextUnit[] = [];
  let words = 0;
  for (const u of units) {
    words += wordCount(u.text);
    if (out.length > 0 && words > max) break;
    out.push(u);
  }
  return out;
}

/** Steps as "1. …" lines, bullets as "- …" lines, sentences next to each other run together. */
function render(units: TextUnit[]): string {
  const lines: string[] = [];
  let prose = false;
  for (const u of units) {
    if (u.step !== undefined) lines.push(`${u.step}. ${u.text}`);
    else if (u.bullet) lines.push(`- ${u.text}`);
    else if (prose) lines[lines.length - 1] += ` ${u.text}`;
    else lines.push(u.text);
    prose = u.step === undefined && !u.bullet;
  }
  return lines.join('\n');
}

/** One citation per article, in the order of `hits`, with the section of the first passage quoted. */
export function citationsOf(hits: readonly PassageHit[]): Citation[] {
  const out: Citation[] = [];
  for (const hit of hits) {
    if (out.some((c) => c.articleId === hit.article.id)) continue;
    out.push({
      articleId: hit.article.id,
      title: hit.article.title,
      url: hit.article.url,
      ...(hit.passage.heading ? { heading: hit.passage.heading } : {}),
    });
  }
  return out;
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;
const round = (n: number) => Math.round(n * 100) / 100;
