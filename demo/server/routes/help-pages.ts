/**
 * The demo shop's help centre: `/help` lists the knowledge base and `/help/<id>` shows one
 * article, so the sources the AI cites (`Article.url`) open a real page on the demo site. The
 * markdown is shown through a small renderer that escapes every character of the text and
 * knows only headings, lists, bold and paragraphs: the articles are data, never markup.
 */
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../http/context.ts';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Escaped inline text with `**bold**`. */
const inline = (text: string) => escape(text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');

/** Markdown blocks (separated by blank lines) as HTML: `#` headings, `-`/`1.` lists, paragraphs. */
export function renderArticle(markdown: string): string {
  return markdown
    .trim()
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.trim().split('\n');
      const heading = /^(#{1,4})\s+(.*)$/.exec(lines[0]!);
      if (heading && lines.length === 1) {
        const level = Math.min(6, heading[1]!.length + 1);
        return `<h${level}>${inline(heading[2]!)}</h${level}>`;
      }
      const item = /^\s*(?:[-*]|\d+\.)\s+/;
      if (lines.every((l) => item.test(l))) {
        const tag = /^\s*\d+\./.test(lines[0]!) ? 'ol' : 'ul';
        return `<${tag}>${lines.map((l) => `<li>${inline(l.replace(item, ''))}</li>`).join('')}</${tag}>`;
      }
      return `<p>${inline(lines.join(' '))}</p>`;
    })
    .join('\n');
}

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Acme Outdoor help</title><link rel="stylesheet" href="/site.css"></head>
<body><header class="top"><a class="brand" href="/">Acme <span>Outdoor</span></a><nav><a href="/help">Help centre</a></nav></header>
<main>${body}</main>
<script src="/loader.js" data-slug="acme" async></script></body></html>`;

export function helpPages(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => {
    const items = deps.ai.index.articles.map((a) => `<li><a href="${escape(a.url)}">${escape(a.title)}</a> <small>${escape(a.category)}</small></li>`);
    return c.html(page('Help centre', `<h1>Help centre</h1><ul>${items.join('')}</ul>`));
  });
  app.get('/:articleId', (c) => {
    const article = deps.ai.index.article(c.req.param('articleId'));
    if (!article) return c.html(page('Not found', '<h1>No such help article</h1><p><a href="/help">All help articles</a></p>'), 404);
    return c.html(page(article.title, `<article><p><small>${escape(article.category)}</small></p><h1>${escape(article.title)}</h1>${renderArticle(article.body)}</article>`));
  });
  return app;
}
