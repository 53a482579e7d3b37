/**
 * Quality and speed of the embedded AI engine (issue 5 item 8), on two question sets:
 * - `ai-questions.json`, the set the engine was developed against (synonyms were added for it:
 *   its numbers are optimistic), and
 * - `ai-heldout.json`, written from the article titles only and never tuned on: the honest numbers.
 * For each set it prints:
 * - retrieval hit@1 and hit@3 over the answerable questions (is the labelled article the first /
 *   among the first three articles the index returns?);
 * - every question's outcome, one of three: a right answer (answered from the labelled article),
 *   a wrong answer (answered from another article, or answered a question no article answers),
 *   or a handoff (recommended a person). The "safe answer rate" is right answers plus handoffs:
 *   the share of visitors who got either the right article or a person, never a wrong answer;
 * - handoff precision and recall ("positive" = handed to a person, right for unanswerable ones);
 * - first-delta latency of a streamed answer through the real server and a real socket
 *   (`POST /ai/visitor/chat` with `stream: true` until the first `ai.delta` frame), median of 20.
 * Run: `npx tsx test/bench/ai-retrieval.bench.ts [--verbose] [--no-latency]` (or `npm run bench`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadArticles } from '../../demo/server/ai/articles.ts';
import { composeAnswer } from '../../demo/server/ai/compose.ts';
import { type KnowledgeIndex, createKnowledgeIndex } from '../../demo/server/ai/knowledge-index.ts';
import { measureFirstDelta } from './ai-stream-latency.ts';
import { report } from './figures.ts';

interface Labelled {
  q: string;
  article: string | null;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const verbose = process.argv.includes('--verbose');
const index = createKnowledgeIndex(loadArticles());

const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}% (${n}/${d})`);

/** Scores one question set; answers the table rows and the misses. */
function score(questions: readonly Labelled[], kb: KnowledgeIndex): { rows: Array<[string, string]>; misses: string[]; rates: Record<'hit1' | 'hit3' | 'safe' | 'wrong', number> } {
  let answerable = 0;
  let hit1 = 0;
  let hit3 = 0;
  let right = 0;
  let wrong = 0;
  let handoffs = 0;
  let handedOffRightly = 0; // unanswerable, handed off (true positive)
  let handedOffWrongly = 0; // answerable, handed off (false positive)
  let answeredWrongly = 0; // unanswerable, answered anyway (false negative)
  const misses: string[] = [];
  for (const { q, article } of questions) {
    const ranked = [...new Set(kb.search(q, { limit: 20 }).map((h) => h.article.id))];
    const answer = composeAnswer(kb, { question: q, history: [] });
    const cited = answer.citations[0]?.articleId;
    if (article !== null) {
      answerable++;
      if (ranked[0] === article) hit1++;
      if (ranked.slice(0, 3).includes(article)) hit3++;
      else misses.push(`not in top 3: "${q}" (want ${article}, got ${ranked.slice(0, 3).join(', ')})`);
    }
    if (answer.handoffRecommended) {
      handoffs++;
      if (article === null) handedOffRightly++;
      else {
        handedOffWrongly++;
        misses.push(`handed off an answerable question: "${q}" (want ${article}, confidence ${answer.confidence})`);
      }
    } else if (article !== null && cited === article) {
      right++;
    } else {
      wrong++;
      if (article === null) answeredWrongly++;
      misses.push(`WRONG ANSWER: "${q}" → ${cited} (${answer.confidence}), want ${article ?? 'a handoff'}`);
    }
  }
  const total = questions.length;
  const share = (n: number, d: number) => (d === 0 ? Number.NaN : (100 * n) / d);
  return {
    misses,
    rates: { hit1: share(hit1, answerable), hit3: share(hit3, answerable), safe: share(right + handoffs, total), wrong: share(wrong, total) },
    rows: [
      ['questions', `${total} (${answerable} answerable, ${total - answerable} unanswerable)`],
      ['retrieval hit@1', pct(hit1, answerable)],
      ['retrieval hit@3', pct(hit3, answerable)],
      ['right answers', pct(right, total)],
      ['wrong answers', pct(wrong, total)],
      ['handoffs', pct(handoffs, total)],
      ['safe answer rate (right or handoff)', pct(right + handoffs, total)],
      ['answerable questions answered rightly', pct(right, answerable)],
      ['handoff precision', pct(handedOffRightly, handedOffRightly + handedOffWrongly)],
      ['handoff recall', pct(handedOffRightly, handedOffRightly + answeredWrongly)],
    ],
  };
}

const print = (title: string, rows: Array<[string, string]>) => {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
};

for (const [file, title, set] of [
  ['ai-questions.json', 'Development set (test/bench/ai-questions.json; the engine was tuned on it)', 'development'],
  ['ai-heldout.json', 'Held-out set (test/bench/ai-heldout.json; never tuned on)', 'held-out'],
] as const) {
  const { questions } = JSON.parse(readFileSync(path.join(here, file), 'utf8')) as { questions: Labelled[] };
  const { rows, misses, rates } = score(questions, index);
  print(title, rows);
  report(
    { id: `ai.${set}.hit1`, label: `AI retrieval hit@1, ${set} set`, value: rates.hit1, unit: 'percent' },
    { id: `ai.${set}.hit3`, label: `AI retrieval hit@3, ${set} set`, value: rates.hit3, unit: 'percent' },
    { id: `ai.${set}.safe`, label: `AI safe answer rate, ${set} set`, value: rates.safe, unit: 'percent', note: 'right answer or handoff' },
    { id: `ai.${set}.wrong`, label: `AI wrong answers, ${set} set`, value: rates.wrong, unit: 'percent' },
  );
  if (verbose) for (const m of misses) console.log(`  - ${m}`);
}

if (!process.argv.includes('--no-latency')) {
  const latency = await measureFirstDelta(20);
  print('Streaming (real server, real socket)', [
    ['first ai.delta after POST (median of 20)', `${latency.median.toFixed(1)} ms (p90 ${latency.p90.toFixed(1)} ms)`],
    ['whole streamed answer, ai.done (median)', `${latency.doneMedian.toFixed(1)} ms`],
    ['runs without an ai.delta or ai.done in time', String(latency.failed)],
  ]);
  report(
    { id: 'ai.first-delta', label: 'AI first streamed delta after the question', value: latency.median, unit: 'ms', note: 'median of 20, real server' },
    { id: 'ai.done', label: 'AI whole streamed answer', value: latency.doneMedian, unit: 'ms', note: 'median of 20' },
  );
}
