/**
 * The knowledge articles an AI text quotes, as links. A citation's `url` is the article's path on
 * the tenant's site (`/help/<id>`), resolved against the page like any site-relative link.
 */
import type { AiCitation } from '../../../src/contract/extensions.ts';
import { safeHref } from '../../../widget/format.ts';

/** Reads `metadata.ai.citations` of a stored AI message (server data: checked, not trusted). */
export function citationsOf(metadata: unknown): AiCitation[] {
  const ai = (metadata as { ai?: { citations?: unknown } } | undefined)?.ai;
  if (!Array.isArray(ai?.citations)) return [];
  return ai.citations.filter(
    (c): c is AiCitation => typeof c === 'object' && c !== null && typeof (c as AiCitation).title === 'string' && typeof (c as AiCitation).url === 'string',
  );
}

/** The citation's link on this site, or `null` when it is not an http(s) URL. */
function hrefOf(url: string): string | null {
  try {
    return safeHref(new URL(url, location.href).href);
  } catch {
    return null;
  }
}

export function Sources({ citations }: { citations: readonly AiCitation[] }) {
  if (citations.length === 0) return null;
  return (
    <span class="sources">
      Sources:{' '}
      {citations.map((c, i) => {
        // Only http(s) links: a `javascript:` URL from bad data must never become a link.
        const href = hrefOf(c.url);
        const label = c.heading ? `${c.title} — ${c.heading}` : c.title;
        return (
          <span key={`${c.articleId}-${i}`}>
            {i > 0 && ', '}
            {href ? (
              <a href={href} target="_blank" rel="noopener noreferrer" data-testid="ai-source" data-article={c.articleId}>
                {label}
              </a>
            ) : (
              label
            )}
          </span>
        );
      })}
    </span>
  );
}
