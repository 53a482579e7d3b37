/**
 * A shared file as the visitor sees it: an image thumbnail (opens the lightbox), an audio or
 * video player, or a card with the file's name and size. Only the API's own signed file links
 * are ever used as `src`/`href` (`attachmentUrl`): a message's metadata may claim any URL, and
 * anything else shows as a card without a link. A removed file shows as "File removed". An
 * image or player whose link fails (expired after the device slept) asks for fresh links once.
 */
import type { ChatAttachment } from '../../../src/types.ts';
import { attachmentUrl } from '../../attachment-url.ts';
import { formatSize } from '../../format-size.ts';
import { enViews, type ViewText } from '../i18n/en-views.ts';
import type { WidgetModel } from '../model.ts';

// Elements that already asked for fresh links: a file that is really gone must not loop.
const refreshed = new WeakSet<EventTarget>();

/** `onError` of an image or player: reads the links again, at most once per element. */
export function refreshOnError(model: WidgetModel, event: Event): void {
  const el = event.currentTarget;
  if (!el || refreshed.has(el)) return;
  refreshed.add(el);
  model.runtime.conversation.refreshAttachments().catch(() => undefined);
}

export interface AttachmentProps {
  file: ChatAttachment;
  model: WidgetModel;
  /** The words in the widget's language (`useViewText()` of the message around it). @default English */
  v?: ViewText;
  /** The widget's language, for the size's digits and unit. @default 'en' */
  lang?: string;
}

export function Attachment({ file, model, v = enViews, lang = 'en' }: AttachmentProps) {
  const { kind, name } = file;
  if (file.removed) return <FileCard name={name} size={file.size} lang={lang} note={v.fileRemoved} />;
  const url = attachmentUrl(file.url, model.apiBase);
  if (!url) return <FileCard name={name} size={file.size} lang={lang} note={v.fileUnavailable} />;
  const onError = (event: Event) => refreshOnError(model, event);
  if (kind === 'image') {
    return (
      <button type="button" class="thumb" aria-label={v.viewImage(name)} data-testid="thumbnail" onClick={() => (model.lightbox.value = file)}>
        <img src={url} alt={name} loading="lazy" onError={onError} />
      </button>
    );
  }
  if (kind === 'audio') return <audio class="media" controls preload="metadata" src={url} aria-label={name} onError={onError} />;
  if (kind === 'video') return <video class="media" controls preload="metadata" src={url} aria-label={name} onError={onError} />;
  return <FileCard name={name} size={file.size} lang={lang} href={url} />;
}

/**
 * Name and size; a download link once the file is on the server, or a `note` (why there is no
 * link) in place of the size.
 */
export function FileCard({ name, size, lang, href, note }: { name: string; size: number; lang: string; href?: string; note?: string }) {
  const inner = (
    <>
      <span class="file-name">{name}</span>
      <span class="file-size">{note ?? formatSize(size, lang)}</span>
    </>
  );
  return href ? (
    <a class="file" href={href} target="_blank" rel="noopener noreferrer" download={name} data-testid="file-card">
      {inner}
    </a>
  ) : (
    <span class="file" data-testid={note ? 'file-missing' : undefined}>
      {inner}
    </span>
  );
}
