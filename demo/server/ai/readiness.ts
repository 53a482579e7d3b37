/**
 * Whether the embedded engine has anything to answer from: the knowledge folder holds at least
 * one article. Read once per process (the articles ship with the server and do not change while
 * it runs), so a bootstrap does not touch the disk.
 */
import { readdirSync } from 'node:fs';
import { KNOWLEDGE_DIR } from './articles.ts';

let articleCount: number | undefined;

/** How many knowledge articles the server ships (0: the AI is not ready). */
export function knowledgeArticleCount(): number {
  if (articleCount === undefined) {
    try {
      articleCount = readdirSync(KNOWLEDGE_DIR).filter((name) => name.endsWith('.md')).length;
    } catch {
      articleCount = 0;
    }
  }
  return articleCount;
}
