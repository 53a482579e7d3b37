/**
 * The help search (issue 5, item 3), a view of the panel in AI mode: the tenant's help articles
 * searched as the visitor types (debounced, the last answer wins), each result with its snippet;
 * an article opens here, drawn as text (`article-text.tsx`). "Back to chat" returns to the
 * conversation.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { KnowledgeArticle, KnowledgeSearchResult } from '../../../src/index.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { useViewText } from '../i18n/view-text.ts';
import type { WidgetModel } from '../model.ts';
import { ArticleText } from './article-text.tsx';

/** Quiet time after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 250;

const CSS = `
.help{flex:1;overflow-y:auto;padding:12px 14px;display:flex;flex-direction:column;gap:10px}
.help-back{align-self:flex-start}
.help-input{width:100%;padding:9px 12px;border:1px solid var(--rn-line);border-radius:10px;font:inherit;color:inherit}
.help ul{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:8px}
.help-result{display:block;width:100%;padding:10px 12px;border:1px solid var(--rn-line);border-radius:10px;background:var(--rn-bg);text-align:start;cursor:pointer}
.help-result span{display:block;margin-top:2px;font-size:13px;color:var(--rn-muted)}
.article h3{margin:0;font-size:16px}
.article h4{margin:10px 0 2px;font-size:14px}
.article p,.article ul{margin:4px 0;font-size:14px}
.article ul{padding-inline-start:18px;list-style:disc}
`;

export function HelpSearch({ model }: { model: WidgetModel }) {
  const ai = model.ai.value;
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<KnowledgeSearchResult[] | null>(null);
  const [article, setArticle] = useState<KnowledgeArticle | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const root = useRef<HTMLElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useChunkStyles(root, CSS);
  const { v } = useViewText();
  useEffect(() => input.current?.focus(), [article === null]);

  useEffect(() => {
    const q = query.trim();
    if (!ai || !q) return void setResults(null);
    let current = true;
    const timer = setTimeout(() => {
      ai.search(q).then(
        (found) => current && (setResults(found), setProblem(null)),
        () => current && setProblem(v.searchFailed),
      );
    }, SEARCH_DEBOUNCE_MS);
    // A newer query replaces this one, also when its answer comes later.
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, ai]);

  const open = (id: string) => {
    ai?.article(id).then(setArticle, () => setProblem(v.articleFailed));
  };

  return (
    <section ref={root} class="help" aria-label={v.helpArticles} data-testid="help">
      <button type="button" class="link help-back" data-testid="help-back" onClick={() => (article ? setArticle(null) : (model.view.value = 'chat'))}>
        {article ? v.backToResults : v.backToChat}
      </button>
      {problem && <p class="meta">{problem}</p>}
      {article ? (
        <article class="article" data-testid="help-article">
          <h3>{article.title}</h3>
          <ArticleText markdown={article.body} />
        </article>
      ) : (
        <>
          <input
            ref={input}
            type="search"
            class="help-input"
            value={query}
            maxLength={200}
            placeholder={v.searchPlaceholder}
            aria-label={v.helpArticles}
            data-testid="help-input"
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
          {results?.length === 0 && <p class="meta">{v.noArticles}</p>}
          <ul>
            {results?.map((r) => (
              <li key={r.articleId}>
                <button type="button" class="help-result" data-testid="help-result" data-article={r.articleId} onClick={() => open(r.articleId)}>
                  <strong>{r.title}</strong>
                  <span>{r.snippet}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
