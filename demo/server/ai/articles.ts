/**
 * The help-centre articles the embedded AI answers from (`demo/knowledge/*.md`): front matter
 * (`id`, `title`, `category`) and a markdown body, cut into passages, one per `##` section, each
 * made of plain-text units (sentences, list items, table rows) that answers quote verbatim.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../config.ts';
import { type TextUnit, markdownUnits } from './markdown-text.ts';

/** Where the demo tenant's articles live. */
export const KNOWLEDGE_DIR = path.join(REPO_ROOT, 'demo', 'knowledge');

export interface Article {
  /** Stable id from the front matter (also the file name). */
  id: string;
  title: string;
  category: string;
  /** Where the article is published, relative to the site: `/help/<id>`. */
  url: string;
  /** The markdown body, without the front matter. */
  body: string;
  passages: Passage[];
}

export interface Passage {
  /** `<articleId>#<n>`, unique across the knowledge base. */
  id: string;
  articleId: string;
  /** The section heading, or `''` for the article's introduction. */
  heading: string;
  units: TextUnit[];
  /** The units' text joined: what is indexed and what snippets come from. */
  text: string;
}

/**
 * Reads every `*.md` in `dir` (sorted by name, so the order is stable). Each file is parsed on
 * its own: a malformed one is left out and logged, so one bad article does not take the whole
 * knowledge base (and the AI) down. A missing folder is an empty knowledge base.
 */
export function loadArticles(dir: string = KNOWLEDGE_DIR, log?: (message: string, error?: unknown) => void): Article[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.md')).sort();
  } catch (error) {
    log?.(`reading the knowledge folder ${dir} failed`, error);
    return [];
  }
  const articles: Article[] = [];
  for (const name of names) {
    try {
      const article = parseArticle(readFileSync(path.join(dir, name), 'utf8'), name);
      if (articles.some((a) => a.id === article.id)) throw new Error(`${name}: another article already has the id ${article.id}`);
      articles.push(article);
    } catch (error) {
      log?.(`skipping the knowledge article ${name}`, error);
    }
  }
  return articles;
}

/** Parses one article; `source` names it in errors. */
export function parseArticle(markdown: string, source: string): Article {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(markdown);
  if (!match) throw new Error(`${source}: expected front matter between --- lines`);
  const fields = new Map<string, string>();
  for (const line of (match[1] ?? '').split(/\r?\n/)) {
    const kv = /^(\w+):\s*(.*)$/.exec(line.trim());
    if (kv?.[1]) fields.set(kv[1], (kv[2] ?? '').trim());
  }
  const id = fields.get('id') ?? fields.get('slug');
  const title = fields.get('title');
  if (!id || !/^[a-z0-9-]+$/.test(id)) throw new Error(`${source}: front matter needs an id of lowercase letters, digits and dashes`);
  if (!title) throw new Error(`${source}: front matter needs a title`);
  const body = (match[2] ?? '').trim();
  return { id, title, category: fields.get('category') ?? 'Help', url: `/help/${id}`, body, passages: splitPassages(id, body) };
}

/** One passage per `##` section; text before the first heading is the introduction. */
function splitPassages(articleId: string, body: string): Passage[] {
  const sections: Array<{ heading: string; lines: string[] }> = [{ heading: '', lines: [] }];
  for (const line of body.split(/\r?\n/)) {
    const heading = /^#{2,3}\s+(.*)$/.exec(line);
    if (heading) sections.push({ heading: (heading[1] ?? '').trim(), lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return sections
    .map((section) => ({ heading: section.heading, units: markdownUnits(section.lines.join('\n')) }))
    .filter((section) => section.units.length > 0)
    .map((section, i) => ({
      id: `${articleId}#${i}`,
      articleId,
      heading: section.heading,
      units: section.units,
      text: section.units.map((u) => u.text).join(' '),
    }));
}
