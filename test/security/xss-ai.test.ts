/**
 * Issue 8, items 1 and 2: AI output and knowledge are untrusted text. An OpenAI-compatible
 * provider (a fake SSE server on loopback) answers with the corpus — `javascript:` and `data:`
 * links, `<img onerror>`, `<iframe>`, Markdown links — and the knowledge base's articles carry
 * the corpus in their titles and bodies, so citations, help-search results (title, snippet) and
 * the article view show it too. Widget, console and hosted page render all of it inert.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { client } from '../contract/support.ts';
import { type FakeModel, startFakeModel, streamPieces } from '../helpers/fake-model.ts';
import { openConversation, openTwoSides, signIn, type TwoSides } from '../e2e/two-sides.ts';
import { PAYLOADS, armContext, auditPage, batches, missing, pack, textsOf } from './xss-support.ts';

// One made-up word per article: a question with it finds that article and no other.
const WORDS = ['quokka', 'narwhal', 'axolotl', 'pangolin', 'okapi', 'tapir', 'wombat', 'dugong', 'gharial', 'kakapo', 'saiga', 'binturong', 'fossa', 'markhor', 'serow', 'takin', 'numbat', 'quoll', 'olingo', 'tuatara', 'margay', 'jerboa', 'aye-aye', 'caracal', 'dhole', 'gerenuk', 'hoatzin', 'ibex', 'jacana', 'kinkajou'];

const answers = batches(PAYLOADS, 'ai');
// Titles are one front-matter line: the payloads without line terminators, several to a title.
const titles = pack(PAYLOADS.filter((p) => !/[\r\n\u2028\u2029]/.test(p)), 1500);
const ARTICLES = Math.max(answers.length, titles.length);

/** Article `k`: a payload title, a sentence with its word, then its answer batch's payloads, one a line. */
function article(k: number): string {
  const word = WORDS[k]!;
  const lines = answers[k]?.payloads ?? [];
  return [
    '---',
    `id: xss-${word}`,
    `title: ${titles[k] ?? `The ${word} parcel`}`,
    'category: Corpus',
    '---',
    `The ${word} parcel arrives in three working days by courier delivery.`,
    '',
    // A section of its own: the introduction stays a short passage the question finds, and a
    // search for "<word> corpus" finds this one, so its snippet is made of payloads.
    `## The ${word} corpus`,
    '',
    ...lines,
  ].join('\n');
}

const loose = (text: string) => text.replace(/[\s*`#|+\-:·.()0-9]/g, '');

describe('the XSS corpus through AI answers and knowledge', () => {
  let t: TwoSides;
  let api: ReturnType<typeof client>;
  let fake: FakeModel | undefined;
  let knowledgeDir = '';
  const dialogs: string[] = [];

  beforeAll(async () => {
    expect(WORDS.length).toBeGreaterThanOrEqual(ARTICLES);
    knowledgeDir = await mkdtemp(path.join(os.tmpdir(), 'xss-knowledge-'));
    for (let k = 0; k < ARTICLES; k++) await writeFile(path.join(knowledgeDir, `xss-${WORDS[k]}.md`), article(k));
    // The fake model answers a question about article k's word with answer batch k, in pieces.
    fake = await startFakeModel(({ body }, res) => {
      const question = body.messages.at(-1)?.content ?? '';
      const k = WORDS.findIndex((w) => question.includes(w));
      const text = answers[k]?.body ?? 'NO_ANSWER';
      streamPieces(res, Array.from({ length: Math.ceil(text.length / 97) }, (_, i) => text.slice(i * 97, i * 97 + 97)));
    });
    const env = { AI_BASE_URL: fake.baseUrl, AI_API_KEY: 'sk-test-xss', AI_MODEL: 'fake-xss-model', AI_TIMEOUT_MS: '5000', AI_STREAM_PIECE_DELAY_MS: '0' };
    t = await openTwoSides({ tenantSettings: { aiRouting: 'ai_first' }, knowledgeDir, log: false, env });
    await armContext(t.visitor.context, dialogs);
    await armContext(t.agent.context, dialogs);
    api = client(t.server);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    if (knowledgeDir) await rm(knowledgeDir, { recursive: true, force: true });
  });

  it('renders every payload of the model\'s answers, and the citations\' titles, as inert text in the widget, console and hosted page', async () => {
    // Issue 8, item 2: the model's answers carry each kind of dangerous output.
    const said = answers.map((a) => a.body).join('\n');
    for (const shape of [/\(javascript:/i, /data:text\/html/i, /<img[^>]*onerror/i, /<iframe/i, /\]\(javascript:/i, /<svg[^>]*onload/i]) expect(said).toMatch(shape);
    const { page } = t.visitor;
    await page.goto(`${t.server.origin}/`);
    await page.getByTestId('launcher').click();
    await page.getByTestId('ai-handoff').waitFor();
    for (const [k, answer] of answers.entries()) {
      await page.getByTestId('composer-input').fill(`${WORDS[k]} parcel`);
      await page.getByTestId('send').click();
      await page.locator('[data-testid="message"][data-sender="ai"]', { hasText: answer.marker }).last().waitFor();
      await page.locator('[data-testid="ai-answer"]').waitFor({ state: 'detached' });
    }
    const cited = titles.slice(0, answers.length);
    const checkPage = async (shown: Page) => {
      const texts = await textsOf(shown, '[data-testid="message"][data-sender="ai"]');
      expect(missing(texts, PAYLOADS)).toEqual([]);
      expect(missing(await textsOf(shown, '[data-testid="ai-source"]'), cited, { markdown: false })).toEqual([]);
      expect(await auditPage(shown)).toEqual([]);
    };
    await checkPage(page);

    await signIn(t.agent.page, t.server.origin);
    await openConversation(t.agent.page, answers.at(-1)!.marker);
    await t.agent.page.locator('[data-testid="message"][data-sender="ai"]', { hasText: answers.at(-1)!.marker }).waitFor();
    await checkPage(t.agent.page);

    const hosted = await t.visitor.context.newPage();
    await hosted.goto(`${t.server.origin}/chat/${t.server.slug}`);
    await hosted.locator('[data-testid="message"][data-sender="ai"]', { hasText: answers.at(-1)!.marker }).waitFor();
    await checkPage(hosted);
    expect(dialogs).toEqual([]);
  });

  it('renders every article title, snippet and body of the help search as inert text', async () => {
    const context = await t.browser.newContext({ viewport: { width: 1100, height: 760 } });
    await armContext(context, dialogs);
    const page = await context.newPage();
    await page.goto(`${t.server.origin}/`);
    await page.getByTestId('launcher').click();
    await page.getByTestId('help-open').click();
    const visitor = await api.newVisitor();
    for (let k = 0; k < ARTICLES; k++) {
      const word = WORDS[k]!;
      const found = await api.call('POST', '/ai/visitor/knowledge/search', { token: visitor.token, body: { query: `${word} corpus` } });
      const hit = (found.body.data.results as Array<{ articleId: string; title: string; snippet: string }>).find((r) => r.articleId === `xss-${word}`);
      expect(hit, `the search finds article ${k}`).toBeDefined();
      expect(hit!.snippet).not.toMatch(/parcel arrives/);
      await page.getByTestId('help-input').fill(`${word} corpus`);
      const result = page.locator(`[data-testid="help-result"][data-article="xss-${word}"]`);
      await result.waitFor();
      const shown = (await result.textContent()) ?? '';
      expect(missing([shown], [hit!.title, hit!.snippet], { markdown: false })).toEqual([]);
      expect(await auditPage(page)).toEqual([]);

      await result.click();
      const view = page.getByTestId('help-article');
      await view.waitFor();
      // The article is drawn from its Markdown (headings, list items, table cells lose their marks).
      const text = loose((await view.textContent()) ?? '');
      const absent = [...(answers[k]?.payloads ?? []), ...titles.slice(k, k + 1)].filter((p) => loose(p) && !text.includes(loose(p)));
      expect(absent).toEqual([]);
      expect(await auditPage(page)).toEqual([]);
      await page.getByTestId('help-back').click();
    }
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it("renders every article on the help centre's own pages (where citations link) as inert text", async () => {
    const context = await t.browser.newContext();
    await armContext(context, dialogs);
    const page = await context.newPage();
    // Server-rendered HTML: what the parser made of it counts, so the page's own tags are listed.
    const serverPage = () =>
      page.evaluate(() => ({
        scripts: [...document.scripts].map((s) => s.getAttribute('src')),
        active: document.querySelectorAll('iframe,frame,object,embed,base,meta[http-equiv],form,svg,math,style').length,
        links: [...document.querySelectorAll('a')].map((a) => a.protocol).filter((p) => p !== 'http:' && p !== 'https:'),
      }));
    await page.goto(`${t.server.origin}/help`);
    expect(await serverPage()).toEqual({ scripts: ['/loader.js'], active: 0, links: [] });
    expect(await auditPage(page)).toEqual([]);
    const listed = loose((await page.locator('main').textContent()) ?? '');
    expect(titles.filter((title) => !listed.includes(loose(title)))).toEqual([]);
    for (let k = 0; k < ARTICLES; k++) {
      await page.goto(`${t.server.origin}/help/xss-${WORDS[k]}`);
      expect(await serverPage()).toEqual({ scripts: ['/loader.js'], active: 0, links: [] });
      expect(await auditPage(page)).toEqual([]);
      const text = loose((await page.locator('main').textContent()) ?? '');
      const absent = [...(answers[k]?.payloads ?? []), ...titles.slice(k, k + 1)].filter((p) => loose(p) && !text.includes(loose(p)));
      expect(absent).toEqual([]);
    }
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
