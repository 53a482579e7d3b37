/**
 * "Drop files to send" while files are dragged over the panel, and the outline around the
 * messages (a lazily loaded chunk with its styles; the panel itself takes the drop).
 */
import { useRef } from 'preact/hooks';
import { useChunkStyles } from '../chunk-styles.ts';
import { useViewText } from '../i18n/view-text.ts';

export function DropHint() {
  const hint = useRef<HTMLDivElement>(null);
  useChunkStyles(hint, CSS);
  const { v } = useViewText();
  return (
    <div ref={hint} class="drop-hint" aria-hidden="true">
      {v.dropFiles}
    </div>
  );
}

const CSS = `
.panel.dropping .list{outline:2px dashed var(--rn-ink);outline-offset:-6px}
.drop-hint{position:absolute;left:50%;bottom:90px;transform:translateX(-50%);padding:6px 12px;border-radius:8px;background:var(--rn-accent);color:var(--rn-on);font-size:13px;pointer-events:none}
`;
