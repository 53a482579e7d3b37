/**
 * What the panel shows instead of the chat when it cannot work here: a fatal start-up error
 * (transient ones only show the connection banner while start-up is retried). A lazily loaded
 * chunk with its styles: most visitors never see it.
 */
import { useRef } from 'preact/hooks';
import type { ErrorCode, RuntimeError } from '../../../src/index.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { useViewText } from '../i18n/view-text.ts';

// Visitor-facing words for the codes a visitor can meet at start-up; the code stays visible
// in small text so the site owner can look it up.
const TEXT: Partial<Record<ErrorCode, 'originNotAllowed' | 'notSetUp'>> = {
  SDK_ORIGIN_NOT_ALLOWED: 'originNotAllowed',
  SDK_CLIENT_NOT_FOUND: 'notSetUp',
};

export function ErrorState({ failure }: { failure: RuntimeError }) {
  const root = useRef<HTMLDivElement>(null);
  useChunkStyles(root, CSS);
  const { v } = useViewText();
  const words = v[TEXT[failure.code] ?? 'unavailable'];
  return (
    <div ref={root} class="error" role="alert" data-testid="error-state">
      <p>{words}</p>
      <p class="code" title={failure.message}>
        {failure.code}
      </p>
    </div>
  );
}

const CSS = `
.error{flex:1;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:8px;padding:24px;text-align:center}
.error p{margin:0}
.code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--rn-muted)}
`;
