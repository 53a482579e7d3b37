/**
 * An image shown large over the panel (a lazily loaded chunk): a modal dialog that takes focus,
 * keeps Tab inside, and closes on Escape, on the backdrop or the close button, giving focus back
 * to the thumbnail that opened it.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import { attachmentUrl } from '../../attachment-url.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { useViewText } from '../i18n/view-text.ts';
import type { WidgetModel } from '../model.ts';
import { CloseIcon } from './icons.tsx';

export function Lightbox({ model }: { model: WidgetModel }) {
  const image = model.lightbox.value!;
  // The thumbnail opens only a safe link; checked again since this is where it becomes a `src`.
  const url = attachmentUrl(image.url, model.apiBase);
  const box = useRef<HTMLDivElement>(null);
  useChunkStyles(box, CSS);
  const { v } = useViewText();
  useLayoutEffect(() => {
    const root = box.current!.getRootNode() as ShadowRoot;
    const opener = root.activeElement as HTMLElement | null;
    box.current!.querySelector<HTMLElement>('button')?.focus();
    return () => opener?.focus();
  }, []);
  const close = () => (model.lightbox.value = null);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    } else if (event.key === 'Tab') {
      const items = [...box.current!.querySelectorAll<HTMLElement>('button, a')];
      const at = items.indexOf((box.current!.getRootNode() as ShadowRoot).activeElement as HTMLElement);
      event.preventDefault();
      items[(at + (event.shiftKey ? items.length - 1 : 1)) % items.length]?.focus();
    }
  };
  return (
    <div
      ref={box}
      class="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={image.name}
      data-testid="lightbox"
      onKeyDown={onKeyDown}
      onClick={(event) => event.target === event.currentTarget && close()}
    >
      <div class="lightbox-bar">
        {url ? (
          <a href={url} target="_blank" rel="noopener noreferrer" class="link">
            {v.openOriginal}
          </a>
        ) : (
          <span>{v.fileUnavailable}</span>
        )}
        <button type="button" class="icon-button" aria-label={v.closeImage} data-testid="lightbox-close" onClick={close}>
          <CloseIcon />
        </button>
      </div>
      {url && <img src={url} alt={image.name} />}
    </div>
  );
}

/** This chunk's styles (adopted when it first renders). */
const CSS = `
.lightbox{position:absolute;inset:0;z-index:5;display:flex;flex-direction:column;background:rgba(10,12,16,.92)}
.lightbox-bar{display:flex;justify-content:space-between;align-items:center;padding:6px 8px;padding-inline-start:14px;color:#fff}
.lightbox :focus-visible{outline-color:#fff}
.lightbox img{flex:1;min-height:0;object-fit:contain;width:100%}
`;
