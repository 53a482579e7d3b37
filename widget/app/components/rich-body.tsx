/**
 * The body of a message that is more than text (a lazily loaded chunk, with its styles): a
 * file going up (name, size, progress, Cancel), a shared file, a rating, a location, or the
 * placeholder of a deleted message.
 */
import { useRef } from 'preact/hooks';
import type { ChatMessage } from '../../../src/types.ts';
import { formatMessage, safeHref } from '../../format.ts';
import { useChunkStyles } from '../chunk-styles.ts';
import { useText } from '../i18n/context.ts';
import { useViewText } from '../i18n/view-text.ts';
import type { WidgetModel } from '../model.ts';
import { errorWords } from '../i18n/error-words.ts';
import { Attachment, FileCard } from './attachment.tsx';

// The lightbox opens only from an image here, so it comes in this chunk (which also keeps the
// modules the app shares with it, `format.ts` and `icons.tsx`, in one shared chunk).
export { Lightbox } from './lightbox.tsx';

/** Why a message (not a file) was not sent: the words for its error (on the first screen, a chunk: it is rare). */
export function Why({ error }: { error: ChatMessage['error'] }) {
  const { v } = useViewText();
  return <span class="why"> {errorWords(v, error)}</span>;
}

export function RichBody({ message, model }: { message: ChatMessage; model: WidgetModel }) {
  const bubble = useRef<HTMLDivElement>(null);
  useChunkStyles(bubble, CSS);
  const { s } = useText();
  const { v, lang } = useViewText();
  // Said aloud only when the upload fails while the visitor is here, not again on every reopening.
  const failedBefore = useRef(message.state === 'failed').current;
  const { metadata: meta, upload, attachment, body } = message;
  if (message.deleted) {
    return (
      <div ref={bubble} class="bubble deleted">
        {s.messageDeleted}
      </div>
    );
  }
  if (upload) {
    const failed = message.state === 'failed';
    return (
      <div ref={bubble} class="bubble">
        <FileCard name={upload.name} size={upload.file.size} lang={lang} />
        {failed ? (
          <span class="upload-error" role={failedBefore ? undefined : 'alert'} data-testid="upload-error">
            {message.error ? errorWords(v, message.error) : v.uploadFailed}
          </span>
        ) : (
          <span class="upload">
            <progress max={1} value={upload.progress} aria-label={v.uploading(upload.name)} data-testid="upload-progress" />
            <button type="button" class="link" data-testid="upload-cancel" onClick={() => model.cancelUpload(message.key)}>
              {v.cancel}
            </button>
          </span>
        )}
      </div>
    );
  }
  if (message.messageType === 'rating') {
    const stars = Number(meta?.rating) || 0;
    return (
      <div ref={bubble} class="bubble">
        <span class="stars" role="img" aria-label={v.rated(stars)}>
          {'★'.repeat(stars) + '☆'.repeat(5 - stars)}
        </span>
        {body && <div>{body}</div>}
      </div>
    );
  }
  if (message.messageType === 'location') {
    const { latitude: lat, longitude: lon, label } = (meta ?? {}) as { latitude?: number; longitude?: number; label?: string };
    const href = safeHref(`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`);
    return (
      <div ref={bubble} class="bubble">
        {href && (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {label || v.openMap}
          </a>
        )}
        {body && <div>{formatMessage(body)}</div>}
      </div>
    );
  }
  return (
    <div ref={bubble} class="bubble has-file">
      {attachment && <Attachment file={attachment} model={model} v={v} lang={lang} />}
      {body && <div class="caption">{formatMessage(body)}</div>}
    </div>
  );
}

const CSS = `
.bubble.has-file{padding:4px}
.caption{padding:4px 8px 2px}
.thumb{display:block;padding:0;border:0;border-radius:12px;overflow:hidden;background:var(--rn-soft);cursor:zoom-in}
.thumb img{display:block;max-width:220px;max-height:200px;min-width:60px;min-height:40px;object-fit:cover}
.media{display:block;width:240px;max-width:100%;border-radius:10px}
video.media{background:#000}
.file{display:flex;flex-direction:column;gap:2px;min-width:160px;padding:8px 10px;border-radius:10px;background:rgba(127,127,127,.15);color:inherit;text-decoration:none}
/* On the accent, a white wash would take the text below 4.5:1: an outline in the text's colour instead. */
.own .file{background:none;box-shadow:inset 0 0 0 1px currentColor}
.own .file-size{opacity:1}
.file-name{font-weight:600;overflow-wrap:anywhere}
.file-size{font-size:12px;opacity:.8}
.upload{display:flex;align-items:center;gap:8px;margin-top:6px}
.upload progress{flex:1;height:6px;accent-color:var(--rn-on)}
.upload-error{margin:4px 0 0;color:var(--rn-err);font-size:13px}
.own .upload-error{color:var(--rn-on)}
.deleted{font-style:italic;opacity:.75}
.own .bubble.deleted{background:var(--rn-soft);color:var(--rn-muted)}
.stars{color:#f2b01e;letter-spacing:2px;font-size:18px}
`;
