/**
 * Where the visitor is (extensions.md §10): the page title and URL the widget reports (live, on
 * every SPA route change) and the site's own attributes (plan, cart value, …). All of it comes
 * from the visitor's browser: shown as text only, and a URL becomes a link only for http(s).
 */
import type { Conversation } from '../../../src/contract/extensions.ts';

// Shown as the page line; every other key is one of the site's attributes.
const PAGE_KEYS = new Set(['pageUrl', 'pageTitle']);

/** The page details a `conversation.updated` carried, if any (checked: they are the visitor's input). */
function detailsOf(conversation: Conversation): Record<string, unknown> | undefined {
  const value: unknown = conversation.visitorMetadata;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `value` as a link target when it is an http(s) URL (never `javascript:` or `data:`). */
function webLink(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

export function VisitorPage({ conversation }: { conversation: Conversation }) {
  const details = detailsOf(conversation);
  if (!details) return null;
  const url = text(details.pageUrl);
  const href = url && webLink(url);
  const title = text(details.pageTitle);
  const attributes = Object.entries(details).filter(([key, value]) => !PAGE_KEYS.has(key) && ['string', 'number', 'boolean'].includes(typeof value));
  return (
    <span class="muted visitor-page" data-testid="visitor-page">
      {url && (
        <span data-testid="visitor-page-url">
          Page: {title ?? url} (
          {href ? (
            <a href={href} target="_blank" rel="noopener noreferrer">
              {url}
            </a>
          ) : (
            url
          )}
          ){' '}
        </span>
      )}
      {attributes.map(([key, value]) => (
        <span key={key} class="tag" data-testid="visitor-attribute">
          {key}: {String(value)}
        </span>
      ))}
    </span>
  );
}
