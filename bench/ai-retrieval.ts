/**
 * Quality and speed of the embedded AI engine (issue 5 item 8). Prints:
 * - retrieval hit@1 and hit@3 over the answerable questions of `ai-questions.json` (is the
 *   labelled article the first / among the first three articles the index returns?);
 * - handoff precision and recall: "positive" is a question no article answers; the engine is
 *   right when it recommends a person for those and answers the others;
 * - answer accuracy: answered questions whose first citation is the labelled article;
 * - first-delta latency of a streamed answer through the real server and a real socket
 *   (`POST /ai/visitor/chat` with `stream: true` until the first `ai.delta` frame), median of 20.
 * Run: `npx tsx bench/ai-retrieval.ts` (or `npm run bench` for every bench).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadArticles } from '../demo/server/ai/articles.ts';
import { composeAnswer } from '../demo/server/ai/compose.ts';
import { createKnowledgeIndex } from '../demo/server/ai/knowledge-index.ts';
import { measureFirstDelta } from './ai-stream-latency.ts';

interface Labelled {
  q: string;
  article: string | null;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const { questions } = JSON.parse(readFileSync(path.join(here, 'ai-questions.json'), 'utf8')) as { questions: Labelled[] };
const verbose = process.argv.includes('--verbose');

const index = createKnowledgeIndex(loadArticles());
let answerable = 0;
let hit1 = 0;
let hit3 = 0;
let correctAnswers = 0;
let answered = 0;
// Handoff as a classifier: "positive" = handed to a person. The right call for an unanswerable question.
let handedOffRightly = 0; // unanswerable, handed off (true positive)
let handedOffWrongly = 0; // answerable, handed off (false positive)
let answeredWrongly = 0; // unanswerable, answered anyway (false negative)
const misses: string[] = [];

for (const { q, article } of questions) {
  const ranked = [...new Set(index.search(q, { limit: 20 }).map((h) => h.article.id))];
  const answer = composeAnswer(index, { question: q, history: [] });
  const handoff = answer.handoffRecommended;
  if (article === null) {
    if (handoff) handedOffRightly++;
    else {
      answeredWrongly++;
      misses.push(`answered an unanswerable question: "${q}" → ${answer.citations[0]?.articleId} (${answer.confidence})`);
    }
    continue;
  }
  answerable++;
  if (ranked[0] === article) hit1++;
  if (ranked.slice(0, 3).includes(article)) hit3++;
  else misses.push(`not in top 3: "${q}" (want ${article}, got ${ranked.slice(0, 3).join(', ')})`);
  if (handoff) {
    handedOffWrongly++;
    misses.push(`handed off an answerable question: "${q}" (want ${article}, confidence ${answer.confidence})`);
  } else {
    answered++;
    if (answer.citations[0]?.articleId === article) correctAnswers++;
    else misses.push(`answered from the wrong article: "${q}" → ${answer.citations[0]?.articleId} (want ${article})`);
  }
}

const pct = (n: number, d: number) => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)}% (${n}/${d})`);
const rows: Array<[string, string]> = [
  ['questions', `${questions.length} (${answerable} answerable, ${questions.length - answerable} unanswerable)`],
  ['retrieval hit@1', pct(hit1, answerable)],
  ['retrieval hit@3', pct(hit3, answerable)],
  ['handoff precision', pct(handedOffRightly, handedOffRightly + handedOffWrongly)],
  ['handoff recall', pct(handedOffRightly, handedOffRightly + answeredWrongly)],
  ['answers citing the right article', pct(correctAnswers, answered)],
];

// Handoff precision: of the questions handed off, the share no article answers. Recall: of the
// questions no article answers, the share handed off.
if (!process.argv.includes('--no-latency')) {
  const latency = await measureFirstDelta(20);
  rows.push(['first ai.delta after POST (median of 20)', `${latency.median.toFixed(1)} ms (p90 ${latency.p90.toFixed(1)} ms)`]);
  rows.push(['whole streamed answer, ai.done (median)', `${latency.doneMedian.toFixed(1)} ms`]);
}

console.log('\nEmbedded AI engine (demo/knowledge, bench/ai-questions.json)');
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
if (verbose) for (const m of misses) console.log(`  - ${m}`);
